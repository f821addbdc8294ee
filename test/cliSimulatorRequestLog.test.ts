// The simulator's request log (what `simulator --request-log` writes) stays bounded whoever sends
// requests: bodies of requests that did not authenticate are not kept (only their size), a kept body is
// cut to a bound, and the log keeps the latest entries, counting those it let go.

import test, { ExecutionContext } from "ava";
import { request as httpsRequest } from "https";

import { requestLogDocument } from "../cli/simulator";
import { SimCluster, Simulator, startSimulator } from "../simulator";
import { LOGGED_BODY_CHARS, REQUEST_LOG_LIMIT } from "../simulator/simCluster";

async function simulator(t: ExecutionContext): Promise<{ sim: Simulator; cluster: SimCluster }> {
  const sim = await startSimulator({ clusters: [{ version: "9.16.1" }] });
  t.teardown(() => sim.close());
  return { sim, cluster: sim.clusters[0] as SimCluster };
}

/** Sends one request with `body` (as given, text) and resolves to the status answered. */
function send(sim: Simulator, cluster: SimCluster, method: string, path: string, body: string, auth: "admin" | "wrong" | "none"): Promise<number> {
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
  if (auth !== "none") {
    const password = auth === "admin" ? sim.password : "not-the-password";
    headers.Authorization = `Basic ${Buffer.from(`${sim.username}:${password}`).toString("base64")}`;
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, cluster.url), { method, headers, ca: sim.caCertificate, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A body of almost the simulator's whole 1 MiB allowance, as JSON. */
const NEAR_MIB = JSON.stringify({ fips: { enabled: true }, padding: "x".repeat((1 << 20) - 100) });

const rows: { what: string; auth: "admin" | "wrong" | "none"; body: string; status: number; kept: unknown }[] = [
  { what: "an authenticated PATCH", auth: "admin", body: '{"fips":{"enabled":true}}', status: 202, kept: { fips: { enabled: true } } },
  { what: "a PATCH with a wrong password", auth: "wrong", body: '{"fips":{"enabled":true}}', status: 401, kept: undefined },
  { what: "a PATCH with no credentials", auth: "none", body: NEAR_MIB, status: 401, kept: undefined },
  { what: "an authenticated PATCH of almost 1 MiB", auth: "admin", body: NEAR_MIB, status: 400, kept: NEAR_MIB.slice(0, LOGGED_BODY_CHARS) },
];

for (const { what, auth, body, status, kept } of rows) {
  test(`the log of ${what} keeps ${kept === undefined ? "its size only" : typeof kept === "string" ? `its first ${LOGGED_BODY_CHARS} characters` : "its body"}`, async (t) => {
    const { sim, cluster } = await simulator(t);
    t.is(await send(sim, cluster, "PATCH", "/api/security", body, auth), status);
    const [entry] = cluster.requests;
    t.is(entry?.status, status);
    t.is(entry?.bodyBytes, Buffer.byteLength(body));
    t.deepEqual(entry?.body, kept);
    t.is("body" in (entry ?? {}), kept !== undefined);
  });
}

test("150 unauthenticated bodies of almost 1 MiB leave a log of a few kilobytes", async (t) => {
  const { sim, cluster } = await simulator(t);
  for (let i = 0; i < 150; i += 1) t.is(await send(sim, cluster, "PATCH", "/api/security", NEAR_MIB, "none"), 401);
  const written = JSON.stringify(requestLogDocument(sim));
  t.is(cluster.requests.length, 150);
  t.true(written.length < 150 * 400, `the written log is ${written.length} characters`);
});

test("the log keeps the latest requests up to its limit and counts those it let go, in the written log too", async (t) => {
  const { sim, cluster } = await simulator(t);
  t.is(cluster.requestLogLimit, REQUEST_LOG_LIMIT);
  cluster.requestLogLimit = 3;
  for (const path of ["/api/a", "/api/b", "/api/c", "/api/d", "/api/e"]) await send(sim, cluster, "GET", path, "", "admin");
  t.deepEqual(cluster.requests.map((entry) => entry.path), ["/api/c", "/api/d", "/api/e"]);
  t.is(cluster.droppedRequests, 2);
  t.like(requestLogDocument(sim), { clusters: [{ droppedRequests: 2, requests: [{ path: "/api/c" }, { path: "/api/d" }, { path: "/api/e" }] }] });
});
