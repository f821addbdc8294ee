// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: the job
// collection, jobs started by others, PATCH answers lost, jobs without effect.

import test from "ava";

import { SimCluster } from "../simulator";
import { call, FAST, Json, patchAndWait, simulator, waitFor } from "./simulatorHttp";

const RUNNING_SECURITY_JOBS = "/api/cluster/jobs?description=PATCH%20/api/security&state=queued|running|paused&fields=uuid,state,description,start_time";

test("GET /api/cluster/jobs filters by description and by state alternatives, and answers fields=", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const { reply: done } = await patchAndWait(t, sim, cluster, { fips: { enabled: true } });
  cluster.scenario.stuckJobs = true;
  const running = await call(sim, cluster, "PATCH", "/api/security", { body: { tls: { protocol_versions: ["TLSv1.3"] } } });
  const other = cluster.startSecurityJob({ fips: { enabled: false } }, { description: "Security Config Modify" });
  await waitFor(t, "both jobs running", () => [...cluster.jobs.values()].filter((job) => job.state === "running").length === 2);

  const found = await call(sim, cluster, "GET", RUNNING_SECURITY_JOBS);
  t.is(found.status, 200, JSON.stringify(found.body));
  t.is(found.body.num_records, 1);
  t.deepEqual(Object.keys(found.body.records[0]).sort(), ["_links", "description", "start_time", "state", "uuid"]);
  t.like(found.body.records[0], { uuid: running.body.job.uuid, state: "running", description: "PATCH /api/security" });
  t.regex(found.body.records[0].start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

  const all = await call(sim, cluster, "GET", "/api/cluster/jobs");
  t.deepEqual(all.body.records.map((r: Json) => Object.keys(r).sort()), [["_links", "uuid"], ["_links", "uuid"], ["_links", "uuid"]], "without fields= only uuid and the link");
  const ended = await call(sim, cluster, "GET", "/api/cluster/jobs?state=success&fields=state");
  t.deepEqual(ended.body.records.map((r: Json) => r.uuid), [done.body.job.uuid]);
  const wildcard = await call(sim, cluster, "GET", "/api/cluster/jobs?description=security*&state=!success");
  t.deepEqual(wildcard.body.records.map((r: Json) => r.uuid), [other.uuid]);

  const stray = await call(sim, cluster, "GET", "/api/cluster/jobs?colour=red");
  t.like(stray, { status: 400, body: { error: { code: "262179", target: "colour" } } });
  const range = await call(sim, cluster, "GET", "/api/cluster/jobs?start_time=>2026-01-01");
  t.like(range, { status: 400, body: { error: { code: "262197", target: "start_time" } } });
  cluster.scenario.stuckJobs = false;
});

test("patchAnswersLost drops the PATCH's connection after its job started; the job runs on and applies", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true, patchAnswersLost: 1 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const lost = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: true } } });
  t.truthy(lost.error, "no answer");
  t.is(cluster.startedJobs.length, 1);
  const found = await call(sim, cluster, "GET", RUNNING_SECURITY_JOBS);
  t.deepEqual(found.body.records.map((r: Json) => r.uuid), [cluster.startedJobs[0]?.uuid]);
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "the change", () => cluster.security.fips?.enabled);
  t.is(cluster.scenario.patchAnswersLost, 0);
  t.is(cluster.patches()[0]?.status, 0, "logged as unanswered");
  const next = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: false } } });
  t.is(next.status, 200, "only the next n PATCHes lose their answer");
});

test("jobsWithoutEffect: the job ends in success and nothing changes", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, jobsWithoutEffect: 1 } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { software_data_encryption: { conversion_enabled: true } } });
  t.is(reply.status, 200);
  t.is(cluster.jobs.get(reply.body.job.uuid)?.state, "success");
  t.like(cluster.security.software_data_encryption, { conversion_enabled: false, encryption_state: "unencrypted" });
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: true } } });
  t.true(cluster.security.fips?.enabled, "only the next n jobs are without effect");
});

test("a job started by someone else runs like any other; PATCHes sent while a security job runs are recorded", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const states: string[] = [];
  cluster.onJobState = (job) => states.push(job.state);
  const job = cluster.startSecurityJob({ software_data_encryption: { conversion_enabled: true } });
  t.like(job, { description: "PATCH /api/security", startedBy: "System Manager", state: "queued" });
  t.throws(() => cluster.startSecurityJob({ fips: { enabled: "yes" } }), { message: /fips\.enabled/ });
  await waitFor(t, "the job to run", () => job.state === "running");
  const during = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(during.status, 202);
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "both jobs to end", () => cluster.startedJobs.every((j) => j.state === "success"));
  await call(sim, cluster, "PATCH", "/api/security?return_timeout=5", { body: { fips: { enabled: false } } });
  t.deepEqual(cluster.patchesWhileJobRunning.map((entry) => entry.body), [{ fips: { enabled: true } }]);
  t.deepEqual(cluster.conversionJobs().map((j) => j.uuid), [job.uuid]);
  t.is(cluster.startedJobs.length, 3);
  t.deepEqual(states.slice(0, 3), ["queued", "running", "queued"]);
  t.true(cluster.security.software_data_encryption?.conversion_enabled);
});

test("the PATCHes recorded while a security job runs are bounded as the request log is", async (t) => {
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  cluster.requestLogLimit = 2;
  const job = cluster.startSecurityJob({ fips: { enabled: true } });
  await waitFor(t, "the job to run", () => job.state === "running");
  for (const enabled of [true, false, true]) {
    const during = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled } } });
    t.is(during.status, 202);
  }
  t.deepEqual(
    cluster.patchesWhileJobRunning.map((entry) => entry.body),
    [{ fips: { enabled: false } }, { fips: { enabled: true } }],
    "the latest two, oldest first",
  );
  cluster.scenario.stuckJobs = false;
  await waitFor(t, "every job to end", () => cluster.startedJobs.every((j) => j.state !== "running" && j.state !== "queued"));
});

test("onAnswered tells the test after each answer, counting across clearLog", async (t) => {
  const sim = await simulator(t, [{ scenario: FAST }]);
  const cluster = sim.clusters[0] as SimCluster;
  const seen: string[] = [];
  cluster.onAnswered = (entry, count) => seen.push(`${count} ${entry.method} ${entry.path} ${entry.status}`);
  await call(sim, cluster, "GET", "/api/cluster?fields=uuid");
  cluster.clearLog();
  await call(sim, cluster, "GET", "/api/nowhere");
  cluster.scenario.dropConnections = 1;
  await call(sim, cluster, "GET", "/api/cluster?fields=uuid");
  t.deepEqual(seen, ["1 GET /api/cluster 200", "2 GET /api/nowhere 404"], "a dropped connection is not an answer");
});
