/**
 * What the lifecycle makes of odd answers from a cluster: an empty cluster uuid is never a resource id,
 * a 200 without any asked field is not "no settings", and a name with control characters cannot forge
 * a line of the console's output.
 */
import test, { ExecutionContext } from "ava";
import { createServer as createHttpsServer } from "https";
import { AddressInfo } from "net";
import { simulatorCertificate } from "../simulator/certificate";
import { startSimulator } from "../simulator";
import { OntapClient } from "../provider/ontap/client";
import { OntapDecodeError } from "../provider/ontap/decodeError";
import { createResource, defaultEnv } from "../provider/lifecycle/operations";
import { systemClock } from "../provider/ontap/clock";

/** A cluster that answers every GET with `body`, over HTTPS on loopback; closed when the test ends. */
async function answering(t: ExecutionContext, body: (path: string) => unknown): Promise<{ host: string; ca: string }> {
  const certificate = await simulatorCertificate();
  const server = createHttpsServer({ key: certificate.privateKey, cert: certificate.certificate }, (req, res) => {
    const text = JSON.stringify(body(new URL(req.url ?? "/", "https://x").pathname));
    res.writeHead(200, { "content-type": "application/hal+json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, ca: certificate.caCertificate };
}

const cluster = (uuid: string) => ({ uuid, name: "c1", version: { full: "NetApp Release 9.16.1", generation: 9, major: 16, minor: 1 } });

test("an empty cluster uuid is a decode error, never an empty resource id", async (t) => {
  for (const uuid of ["", "   "]) {
    const { host, ca } = await answering(t, () => cluster(uuid));
    const client = new OntapClient({ host, username: "u", password: "p", caCertificate: ca });
    t.teardown(() => client.close());
    const error = await t.throwsAsync(client.getCluster(), { instanceOf: OntapDecodeError });
    t.regex(error?.message ?? "", /uuid: got ".*", expected non-empty string/);
  }
});

test("a 200 from /api/security without any of the asked fields is a decode error, not 'no settings'", async (t) => {
  for (const security of [{}, { _links: { self: { href: "/api/security" } } }, { fips: {} }]) {
    const { host, ca } = await answering(t, (path) => (path === "/api/cluster" ? cluster("u-1") : security));
    const client = new OntapClient({ host, username: "u", password: "p", caCertificate: ca });
    t.teardown(() => client.close());
    const version = (await client.getCluster()).parsedVersion;
    const error = await t.throwsAsync(client.getSecurity(version), { instanceOf: OntapDecodeError });
    t.regex(error?.message ?? "", /none of the fields asked for \(.*fips\.enabled.*\) is in the answer/);
  }
});

test("control characters in a cluster's name are escaped in log lines", async (t) => {
  const sim = await startSimulator({ clusters: [{ name: "evil\u001b[2K\nontap: cluster prod: all good\r", scenario: { jobDurationMs: 10 } }] });
  t.teardown(() => sim.close());
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(" "));
  try {
    const env = { ...defaultEnv(undefined), env: {}, clock: systemClock };
    const only = sim.clusters[0];
    if (only === undefined) throw new Error("no cluster");
    await createResource({ host: only.host, username: sim.username, password: sim.password, caCertificate: sim.caCertificate, fips: { enabled: true } }, env);
  } finally {
    console.log = original;
  }
  t.true(printed.length > 0);
  for (const line of printed) {
    t.false([...line].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)), JSON.stringify(line));
  }
  t.true(printed.some((line) => line.includes("evil\\u001b[2K\\u000aontap: cluster prod")));
});
