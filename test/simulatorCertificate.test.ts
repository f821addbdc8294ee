// The simulator's mutual TLS: client certificates signed by its client CA, mapped to accounts by common
// name as ONTAP maps them, with the account's role; basic authentication beside it on the same port.

import test, { ExecutionContext } from "ava";
import { X509Certificate } from "crypto";
import { request as httpsRequest } from "https";

import { ClientCertificate, SimCluster, Simulator, startSimulator } from "../simulator";

interface Reply {
  status: number;
  body: { error?: { code?: string; message?: string } } & Record<string, unknown>;
  error?: Error;
}

/** One request presenting `client` (or basic credentials when `client` is a username/password pair). */
function call(
  sim: Simulator,
  cluster: SimCluster,
  method: "GET" | "PATCH",
  path: string,
  client: ClientCertificate | { username: string; password: string },
  body?: unknown,
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = { Accept: "application/hal+json" };
  if ("username" in client) headers.Authorization = `Basic ${Buffer.from(`${client.username}:${client.password}`).toString("base64")}`;
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = Buffer.byteLength(payload);
  }
  const tls = "certificate" in client ? { cert: client.certificate, key: client.privateKey } : {};
  return new Promise((resolve) => {
    const req = httpsRequest(new URL(path, cluster.url), { method, headers, ca: sim.caCertificate, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") }));
    });
    req.on("error", (error) => resolve({ status: 0, body: {}, error }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function simulator(t: ExecutionContext): Promise<{ sim: Simulator; cluster: SimCluster }> {
  const sim = await startSimulator({ clusters: [{ scenario: { jobDurationMs: 10 } }] });
  t.teardown(() => sim.close());
  return { sim, cluster: sim.clusters[0] as SimCluster };
}

test("a certificate from the client CA, mapped to an admin login, reads and changes settings; no password is involved", async (t) => {
  const { sim, cluster } = await simulator(t);
  sim.createCertificateLogin("pulumi-automation", "admin");
  const client = await sim.issueClientCertificate({ commonName: "pulumi-automation" });

  const read = await call(sim, cluster, "GET", "/api/security?fields=fips.enabled", client);
  t.is(read.status, 200, JSON.stringify(read));
  const patch = await call(sim, cluster, "PATCH", "/api/security?return_timeout=10", client, { fips: { enabled: true } });
  t.is(patch.status, 200, JSON.stringify(patch));
  t.is(cluster.security.fips?.enabled, true);
  t.deepEqual(
    cluster.requests.map((entry) => [entry.user, entry.authentication, entry.authorizationScheme]),
    [
      ["pulumi-automation", "certificate", undefined],
      ["pulumi-automation", "certificate", undefined],
    ],
  );
});

test("a certificate mapped to a read-only login may read, and gets ONTAP's 403 code 6 on PATCH with nothing changed", async (t) => {
  const { sim, cluster } = await simulator(t);
  sim.createCertificateLogin("auditor", "readonly");
  const client = await sim.issueClientCertificate({ commonName: "auditor" });
  const before = structuredClone(cluster.security);

  t.is((await call(sim, cluster, "GET", "/api/cluster", client)).status, 200);
  const patch = await call(sim, cluster, "PATCH", "/api/security", client, { fips: { enabled: true } });
  t.is(patch.status, 403);
  t.is(patch.body.error?.code, "6");
  t.deepEqual(cluster.security, before);
  t.is(cluster.jobs.size, 0, "no job was started");
});

test("a certificate the cluster cannot accept is answered 401: unknown CA, expired, or a name with no certificate login", async (t) => {
  const { sim, cluster } = await simulator(t);
  sim.createCertificateLogin("pulumi-automation", "admin");
  const cases: [string, ClientCertificate][] = [
    ["signed by a CA the cluster does not trust", await sim.issueClientCertificate({ commonName: "pulumi-automation", signer: "unknown-ca" })],
    ["expired", await sim.issueClientCertificate({ commonName: "pulumi-automation", expired: true })],
    ["valid, but its name has no certificate login", await sim.issueClientCertificate({ commonName: "someone-else" })],
  ];
  for (const [what, client] of cases) {
    const reply = await call(sim, cluster, "GET", "/api/cluster", client);
    t.is(reply.status, 401, `${what}: ${JSON.stringify(reply)}`);
    t.is(reply.body.error?.message, "User is not authorized.", what);
  }
  t.true(cluster.requests.every((entry) => entry.user === undefined && entry.authentication === undefined));
});

test("basic authentication keeps working beside certificates, and a certificate login is not a password login", async (t) => {
  const { sim, cluster } = await simulator(t);
  sim.createCertificateLogin("pulumi-automation", "admin");
  t.is((await call(sim, cluster, "GET", "/api/cluster", { username: sim.username, password: sim.password })).status, 200);
  t.is((await call(sim, cluster, "GET", "/api/cluster", { username: "pulumi-automation", password: "" })).status, 401);
  t.deepEqual(
    cluster.requests.map((entry) => [entry.user, entry.authentication, entry.authorizationScheme]),
    [
      [sim.username, "password", "Basic"],
      [undefined, undefined, "Basic"],
    ],
  );
});

test("issued certificates carry the common name, the client CA's signature and the validity asked for", async (t) => {
  const sim = await startSimulator();
  t.teardown(() => sim.close());
  const clientCa = new X509Certificate(sim.clientCaCertificate);
  t.not(sim.clientCaCertificate, sim.caCertificate, "client certificates have their own CA");

  const valid = new X509Certificate((await sim.issueClientCertificate({ commonName: "ops.bot" })).certificate);
  t.regex(valid.subject, /CN=ops\.bot/);
  t.true(valid.verify(clientCa.publicKey));
  t.true(Date.parse(valid.validFrom) < Date.now() && Date.now() < Date.parse(valid.validTo));
  t.true(valid.keyUsage?.includes("1.3.6.1.5.5.7.3.2") ?? false, "extended key usage: client authentication");

  const expired = new X509Certificate((await sim.issueClientCertificate({ commonName: "ops.bot", expired: true })).certificate);
  t.true(Date.parse(expired.validTo) < Date.now());
  t.true(expired.verify(clientCa.publicKey));

  const stranger = new X509Certificate((await sim.issueClientCertificate({ commonName: "ops.bot", signer: "unknown-ca" })).certificate);
  t.false(stranger.verify(clientCa.publicKey));

  await t.throwsAsync(sim.issueClientCertificate({ commonName: "no spaces/or slashes" }), { message: /commonName "no spaces\/or slashes" must be/ });
  t.throws(() => sim.createCertificateLogin("x", "superuser" as never), { message: /role "superuser" is not simulated/ });
});
