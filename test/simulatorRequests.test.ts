// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: faults counted
// per request, latency, authentication, the request log, paths not simulated.

import test from "ava";

import { ManualClock, SimCluster } from "../simulator";
import { call, FAST, simulator, waitFor } from "./simulatorHttp";

const faultTable: { title: string; switch: "configLocked" | "serverErrors" | "dropConnections"; status: number; code?: string }[] = [
  { title: "configLocked", switch: "configLocked", status: 409, code: "2621573" },
  { title: "serverErrors", switch: "serverErrors", status: 500, code: "1" },
  { title: "dropConnections", switch: "dropConnections", status: 0 },
];

test("configLocked, serverErrors and dropConnections hit exactly the next n requests", async (t) => {
  const sim = await simulator(t, faultTable.map((row) => ({ scenario: { [row.switch]: 2 } })));
  for (const [i, row] of faultTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const first = await call(sim, cluster, "GET", "/api/security?fields=fips");
    const second = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
    const third = await call(sim, cluster, "GET", "/api/security?fields=fips");
    t.deepEqual([first.status, second.status, third.status], [row.status, row.status, 200], row.title);
    if (row.code) t.is(first.body.error.code, row.code, row.title);
    if (row.status === 0) t.truthy(first.error, "the client sees a dropped connection");
    t.is(cluster.scenario[row.switch], 0);
    t.is(cluster.jobs.size, 0, `${row.title}: the refused PATCH started no job`);
    t.deepEqual(cluster.requests.map((entry) => entry.status), [row.status, row.status, 200]);
  }
});

test("latencyMs delays every answer, but the job starts at once", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { ...FAST, latencyMs: 500 } }], clock);
  const cluster = sim.clusters[0] as SimCluster;
  let answered = false;
  const pending = call(sim, cluster, "PATCH", "/api/security", { body: {} }).then((reply) => ((answered = true), reply));
  await waitFor(t, "the job", () => cluster.jobs.size === 1);
  const arrived = cluster.requests[0]?.time ?? Number.NaN;
  await clock.advance(arrived + 499 - clock.now());
  t.is(cluster.requests[0]?.status, 0, "not answered yet");
  t.false(answered);
  await clock.advance(1);
  const reply = await pending;
  t.is(reply.status, 202);
  t.is(cluster.requests[0]?.status, 202);
  cluster.scenario.latencyMs = 0;
  t.is((await call(sim, cluster, "GET", "/api/security?fields=fips")).status, 200);
});

test("missing or wrong credentials get 401; the read-only user may GET but not PATCH", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  t.not(sim.password, sim.readOnlyPassword);
  t.true(sim.password.length >= 16);
  const anonymous = await call(sim, cluster, "GET", "/api/security", { auth: "none" });
  t.is(anonymous.status, 401);
  t.truthy(anonymous.body.error.message);
  const wrong = await call(sim, cluster, "GET", "/api/security", { auth: { username: sim.username, password: `${sim.password}x` } });
  t.is(wrong.status, 401);
  const swapped = await call(sim, cluster, "GET", "/api/security", { auth: { username: sim.username, password: sim.readOnlyPassword } });
  t.is(swapped.status, 401);
  const read = await call(sim, cluster, "GET", "/api/security?fields=fips", { auth: "readonly" });
  t.is(read.status, 200);
  const write = await call(sim, cluster, "PATCH", "/api/security", { auth: "readonly", body: { fips: { enabled: true } } });
  t.is(write.status, 403);
  t.deepEqual(write.body, { error: { message: "not authorized for that command", code: "6" } });
  t.is(cluster.jobs.size, 0);
  t.deepEqual(cluster.requests.map((entry) => entry.user), [undefined, undefined, undefined, sim.readOnlyUsername, sim.readOnlyUsername]);
});

test("the request log records method, path, query, body, status and user", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  await call(sim, cluster, "GET", "/api/security?fields=fips.enabled,tls");
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=3", { body: { "fips.enabled": true } });
  const before = Date.now();
  t.is(cluster.requests.length, 2);
  const [get, patch] = cluster.requests;
  t.like(get, { method: "GET", path: "/api/security", query: { fields: "fips.enabled,tls" }, status: 200, user: sim.username });
  t.false(get !== undefined && "body" in get);
  t.like(patch, { method: "PATCH", path: "/api/security", query: { return_timeout: "3" }, body: { "fips.enabled": true }, status: 200, user: sim.username });
  t.true((patch?.time ?? Infinity) <= before);
  t.deepEqual(cluster.patches(), [patch]);
  cluster.clearLog();
  t.deepEqual(cluster.requests, []);
  t.deepEqual(cluster.patches(), []);
});

const strayTable: { method: string; path: string; status: number; loud: boolean }[] = [
  { method: "GET", path: "/api/storage/volumes", status: 404, loud: true },
  { method: "GET", path: "/api/security/", status: 404, loud: true },
  { method: "PATCH", path: "/api/cluster/jobs", status: 405, loud: true },
  { method: "DELETE", path: "/api/security", status: 405, loud: false },
  { method: "POST", path: "/api/security", status: 405, loud: false },
  { method: "PATCH", path: "/api/cluster", status: 405, loud: true },
  { method: "DELETE", path: "/api/cluster/jobs/abc", status: 405, loud: true },
];

test("paths and methods the simulator was not built for answer loud ONTAP errors and are logged", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  for (const row of strayTable) {
    const reply = await call(sim, cluster, row.method, row.path, { body: row.method === "GET" ? undefined : {} });
    t.is(reply.status, row.status, `${row.method} ${row.path}`);
    t.truthy(reply.body.error?.code, `${row.method} ${row.path}`);
    if (row.loud) t.regex(reply.body.error.message, /simulator/, `${row.method} ${row.path}`);
  }
  t.deepEqual(cluster.requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`), strayTable.map((row) => `${row.method} ${row.path} ${row.status}`));
});
