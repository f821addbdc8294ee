// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: many clusters at
// once, options, changes from the test, close().

import test from "ava";
import { connect } from "net";

import { SimCluster, startSimulator } from "../simulator";
import { call, FAST, patchAndWait, securityBody, simulator, waitFor } from "./simulatorHttp";

test("several clusters run at once, each on its own port with its own state", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST, name: "east" }, { scenario: FAST, name: "west", version: "9.10.1" }, {}]);
  const ports = new Set(sim.clusters.map((cluster) => cluster.url));
  t.is(ports.size, 3);
  for (const cluster of sim.clusters) t.regex(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.is(sim.clusters[0]?.host, sim.clusters[0]?.url.slice("https://".length));
  const [east, west, third] = sim.clusters as [SimCluster, SimCluster, SimCluster];
  await Promise.all([patchAndWait(t, sim, east, { fips: { enabled: true } }), patchAndWait(t, sim, west, { management_protocols: { rsh_enabled: true } })]);
  t.true(east.security.fips?.enabled);
  t.false(east.security.management_protocols?.rsh_enabled);
  t.false(west.security.fips?.enabled);
  t.true(west.security.management_protocols?.rsh_enabled);
  t.is(third.requests.length, 0);
  t.is((await call(sim, west, "GET", "/api/cluster?fields=name")).body.name, "west");
});

// Serial: 500 handshakes would starve the timers of the concurrent tests.
test.serial("one simulator serves 500 clusters", async (t) => {
  t.timeout(60_000);
  const started = Date.now();
  const sim = await simulator(t, 500);
  const startMs = Date.now() - started;
  t.is(sim.clusters.length, 500);
  t.is(new Set(sim.clusters.map((cluster) => cluster.host)).size, 500);
  const queue = [...sim.clusters];
  const names: string[] = [];
  const requestStarted = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let cluster = queue.shift(); cluster; cluster = queue.shift()) {
        const reply = await call(sim, cluster, "GET", "/api/cluster?fields=name");
        names.push(reply.body.name);
      }
    }),
  );
  t.is(names.length, 500);
  t.is(new Set(names).size, 500);
  t.log(`started 500 clusters in ${startMs} ms; one GET to each in ${Date.now() - requestStarted} ms`);
});

test("changing security and scenario from the test takes effect on the next request", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  cluster.security.fips = { enabled: true };
  t.deepEqual((await securityBody(sim, cluster, "fips")).fips, { enabled: true });
  cluster.scenario.configLocked = 1;
  t.is((await call(sim, cluster, "GET", "/api/security")).status, 409);
  t.is((await call(sim, cluster, "GET", "/api/security")).status, 200);
});

test("bad options are refused before any port opens", async (t) => {
  await t.throwsAsync(startSimulator({ clusters: [{ version: "8.3.0" }] }), { message: /no REST API/ });
  await t.throwsAsync(startSimulator({ clusters: [{ version: "nine" }] }), { message: /not of the form/ });
  await t.throwsAsync(startSimulator({ clusters: [{ version: "9.8.0", security: { tls: { protocol_versions: ["TLSv1.2"] } } }] }), { message: /tls\.protocol_versions/ });
  await t.throwsAsync(startSimulator({ clusters: 0 }), { message: /positive integer/ });
});

test("the port option puts the clusters on consecutive ports", async (t) => {
  // A port found free may be taken by another test file before the simulator binds it, and the one
  // after it may never have been free: such a start fails with EADDRINUSE, and is tried on other ports.
  for (let attempt = 1; ; attempt++) {
    const probe = await startSimulator();
    const free = Number(probe.clusters[0]?.host.split(":")[1]);
    await probe.close();
    const started = await startSimulator({ clusters: 2, port: free }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === "EADDRINUSE" && attempt < 5) return undefined;
      throw error;
    });
    if (started === undefined) continue;
    t.teardown(() => started.close());
    t.deepEqual(started.clusters.map((cluster) => cluster.url), [`https://127.0.0.1:${free}`, `https://127.0.0.1:${free + 1}`]);
    return;
  }
});

test("close() releases held requests, stops jobs and frees the ports", async (t) => {
  const sim = await startSimulator({ clusters: [{ scenario: { stuckJobs: true, jobDurationMs: 10 } }] });
  const cluster = sim.clusters[0] as SimCluster;
  const held = call(sim, cluster, "PATCH", "/api/security?return_timeout=60", { body: { fips: { enabled: true } } });
  await waitFor(t, "the job", () => cluster.jobs.size === 1);
  const closing = Date.now();
  await sim.close();
  await sim.close();
  const reply = await held;
  t.is(reply.status, 0, "the held request ends without an answer");
  t.true(Date.now() - closing < 10_000, "released, not held for the 60 s return_timeout");
  const port = Number(cluster.host.split(":")[1]);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });
  t.true(refused, "nothing listens any more");
});
