// The ONTAP simulator over real HTTPS with its own CA, the way the provider uses it: the life of a
// job: queued, running, paused, success or failure; return_timeout; expiry; lost and stuck jobs.

import test from "ava";

import { ManualClock, SimCluster } from "../simulator";
import { FAST, Json, call, patchAndWait, securityBody, simulator, waitFor } from "./simulatorHttp";

test("a job goes queued, running, success, and its change applies only at the end", async (t) => {
  // On a manual clock the job moves only when the test moves time: each state is seen for sure.
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 400, stuckJobs: true } }], clock);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(reply.status, 202);
  const uuid: string = reply.body.job.uuid;
  t.deepEqual(reply.body, { job: { uuid, _links: { self: { href: `/api/cluster/jobs/${uuid}` } } } });
  const observe = async (): Promise<string> => {
    const job = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}?fields=state,message`);
    if (job.body.state !== "success") t.false(cluster.security.fips?.enabled, `not applied while ${job.body.state}`);
    return job.body.state;
  };
  t.is(await observe(), "queued");
  await clock.advance(20);
  t.is(await observe(), "running", "queued for 20 ms");
  await clock.advance(450);
  t.is(await observe(), "running", "still running past its duration while stuck");
  cluster.scenario.stuckJobs = false;
  await clock.advance(25);
  t.is(await observe(), "success", "ends at the next look once stuckJobs is off");
  t.true(cluster.security.fips?.enabled);
  const job = (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body;
  t.like(job, { uuid, description: "PATCH /api/security", state: "success", message: "success", code: 0, _links: { self: { href: `/api/cluster/jobs/${uuid}` } } });
  t.false("error" in job);
  t.regex(job.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  t.regex(job.end_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
});

test("a job sits in paused mid-run when jobPauseMs is set, and paused is not terminal", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 100, jobPauseMs: 4000 } }], clock);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { "management_protocols.rsh_enabled": true } });
  const uuid: string = reply.body.job.uuid;
  const state = async (): Promise<string> => (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body.state;
  // 20 ms queued, then half of the remaining 80 ms running, then the pause.
  await clock.advance(60);
  const paused = (await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body;
  t.is(paused.state, "paused");
  t.false("end_time" in paused);
  t.false(cluster.security.management_protocols?.rsh_enabled);
  await clock.advance(3_999);
  t.is(await state(), "paused", "for the whole of jobPauseMs");
  await clock.advance(1);
  t.is(await state(), "running", "then running again");
  await clock.advance(40);
  t.is(await state(), "success");
  t.true(cluster.security.management_protocols?.rsh_enabled);
});

test("return_timeout holds the PATCH: 200 with the job link when the job succeeds in time, else 202", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 60 } }, { scenario: { jobDurationMs: 60, stuckJobs: true } }], clock);
  const [quick, slow] = sim.clusters as [SimCluster, SimCluster];
  const started = clock.now();
  const ok = await clock.runWhile(call(sim, quick, "PATCH", "/api/security?return_timeout=20", { body: { fips: { enabled: true } } }));
  t.is(ok.status, 200);
  t.truthy(ok.body.job?._links?.self?.href);
  // Nothing else is due on the clock before the job ends, so time moves exactly by the job's 60 ms.
  const took = (quick.jobs.get(ok.body.job.uuid)?.endTime?.getTime() ?? Number.NaN) - started;
  t.is(took, 60, "answers when the job ends, not when return_timeout runs out");
  t.true(quick.security.fips?.enabled);

  let answeredAt = Number.NaN;
  slow.onAnswered = () => (answeredAt = clock.now());
  const late = await clock.runWhile(call(sim, slow, "PATCH", "/api/security?return_timeout=1", { body: { fips: { enabled: true } } }));
  t.is(late.status, 202);
  // From its arrival to its answer, in clock time (time may move on while its body is read, never less).
  const held = answeredAt - (slow.requests[0]?.time ?? Number.NaN);
  t.true(held >= 1_000, `held for the whole second (${held} ms)`);
  t.is(slow.jobs.get(late.body.job.uuid)?.state, "running");

  const immediate = await call(sim, quick, "PATCH", "/api/security?return_timeout=0", { body: {} });
  t.is(immediate.status, 202);
});

const failedAnswerTable: { answer: "job" | "error"; status: number }[] = [
  { answer: "job", status: 202 },
  { answer: "error", status: 400 },
];

test("a job that fails within return_timeout answers as failedJobAnswer says", async (t) => {
  const sim = await simulator(
    t,
    failedAnswerTable.map(({ answer }) => ({ scenario: { ...FAST, failedJobAnswer: answer, failNextJobs: { count: 1, code: 123456, message: "Simulated failure." } } })),
  );
  for (const [i, row] of failedAnswerTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const reply = await call(sim, cluster, "PATCH", "/api/security?return_timeout=10", { body: { fips: { enabled: true } } });
    t.is(reply.status, row.status, row.answer);
    t.truthy(reply.body.job?._links?.self?.href, `${row.answer}: the job link is always there`);
    if (row.answer === "error") t.deepEqual(reply.body.error, { message: "Simulated failure.", code: "123456" });
    else t.false("error" in reply.body);
    t.false(cluster.security.fips?.enabled, "a failed job applies nothing");
  }
});

test("finished jobs are deleted jobExpiryMs after they end", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, jobExpiryMs: 4000 } }], clock);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await clock.runWhile(call(sim, cluster, "PATCH", "/api/security?return_timeout=10", { body: {} }));
  t.is(reply.status, 200, "a PATCH that changes nothing still runs a job that succeeds");
  const uuid: string = reply.body.job.uuid;
  const ended = cluster.jobs.get(uuid)?.endTime?.getTime() ?? Number.NaN;
  await clock.advance(ended + 3_999 - clock.now());
  t.is((await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body.state, "success", "kept until jobExpiryMs has passed");
  await clock.advance(1);
  const gone = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`);
  t.is(gone.status, 404);
  t.deepEqual(gone.body, { error: { message: "entry doesn't exist", code: "4", target: "uuid" } });
  t.false(cluster.jobs.has(uuid));
});

test("lostJobs: the job's GET answers 404 at once, yet the job runs and applies", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, lostJobs: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body: { fips: { enabled: true } } });
  t.is(reply.status, 202);
  const lost = await call(sim, cluster, "GET", reply.body.job._links.self.href);
  t.is(lost.status, 404);
  t.like(lost.body, { error: { code: "4", message: "entry doesn't exist", target: "uuid" } });
  await waitFor(t, "the change", () => cluster.security.fips?.enabled);
  t.true(cluster.jobs.get(reply.body.job.uuid)?.lost);
  t.is((await securityBody(sim, cluster, "fips")).fips.enabled, true);
});

test("stuckJobs keeps jobs running until it is switched off", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, [{ scenario: { jobDurationMs: 20, stuckJobs: true } }], clock);
  const cluster = sim.clusters[0] as SimCluster;
  const reply = await clock.runWhile(call(sim, cluster, "PATCH", "/api/security?return_timeout=1", { body: { fips: { enabled: true } } }));
  t.is(reply.status, 202);
  const uuid: string = reply.body.job.uuid;
  await clock.advance(60_000);
  t.is((await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`)).body.state, "running", "a minute later");
  t.false(cluster.security.fips?.enabled);
  cluster.scenario.stuckJobs = false;
  await clock.advance(25);
  t.is(cluster.jobs.get(uuid)?.state, "success");
  t.true(cluster.security.fips?.enabled);
});

const jobFailureTable: { title: string; scenario: Json; body: Json; code: number; message: RegExp; applied: (state: Json) => boolean }[] = [
  {
    title: "dataVolumesPresent fails the conversion, keeping the earlier groups",
    scenario: { dataVolumesPresent: true },
    body: { fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3"] }, software_data_encryption: { conversion_enabled: true } },
    code: 196608081,
    message: /Data volumes are present/,
    applied: (s) => s.fips.enabled && s.tls.protocol_versions.join() === "TLSv1.3" && !s.software_data_encryption.conversion_enabled,
  },
  {
    title: "metroclusterSwitchover fails the conversion",
    scenario: { metroclusterSwitchover: true },
    body: { "software_data_encryption.conversion_enabled": true },
    code: 196608082,
    message: /switchover/,
    applied: (s) => !s.software_data_encryption.conversion_enabled && s.software_data_encryption.encryption_state === "unencrypted",
  },
  {
    title: "keyManagerConfigured=false fails the conversion with 196608070 (documented from 9.16.1)",
    scenario: { keyManagerConfigured: false },
    body: { "software_data_encryption.conversion_enabled": true },
    code: 196608070,
    message: /key manager/,
    applied: (s) => !s.software_data_encryption.conversion_enabled,
  },
  {
    title: "fipsCertificateStrengthTooLow fails enabling FIPS before a non-compliant certificate does, applying nothing",
    scenario: { fipsCertificateStrengthTooLow: true, fipsNonCompliantCertificate: true },
    body: { fips: { enabled: true }, management_protocols: { telnet_enabled: false } },
    code: 52428830,
    message: /minimum security strength configured for certificates is not compatible with FIPS/,
    applied: (s) => !s.fips.enabled,
  },
  {
    title: "fipsNonCompliantCertificate fails enabling FIPS, applying nothing",
    scenario: { fipsNonCompliantCertificate: true },
    body: { fips: { enabled: true }, management_protocols: { rsh_enabled: false, telnet_enabled: false }, "tls.protocol_versions": ["TLSv1.2"] },
    code: 52559974,
    message: /not FIPS-compliant/,
    applied: (s) => !s.fips.enabled,
  },
  {
    title: "failNextJobs fails the whole job with the given code",
    scenario: { failNextJobs: { count: 1, code: 917927, message: "The job failed for a test." } },
    body: { management_protocols: { telnet_enabled: true } },
    code: 917927,
    message: /^The job failed for a test\.$/,
    applied: (s) => !s.management_protocols.telnet_enabled,
  },
];

test("scenario switches fail jobs with ONTAP's codes and apply what came before the failure", async (t) => {
  const sim = await simulator(t, jobFailureTable.map(({ scenario }) => ({ scenario: { ...FAST, ...scenario } })));
  for (const [i, row] of jobFailureTable.entries()) {
    const cluster = sim.clusters[i] as SimCluster;
    const { job } = await patchAndWait(t, sim, cluster, row.body);
    t.is(job.state, "failure", row.title);
    t.is(job.code, row.code, row.title);
    t.regex(job.message, row.message, row.title);
    t.deepEqual(job.error, { code: String(row.code), message: job.message, arguments: [] }, row.title);
    t.truthy(job.end_time, row.title);
    t.true(row.applied(await securityBody(sim, cluster)), row.title);
  }
});

test("failNextJobs counts down: only the next n jobs fail", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, failNextJobs: { count: 2, code: 1, message: "no" } } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const states: string[] = [];
  for (let i = 0; i < 3; i += 1) states.push((await patchAndWait(t, sim, cluster, {})).job.state);
  t.deepEqual(states, ["failure", "failure", "success"]);
  t.is(cluster.scenario.failNextJobs?.count, 0);
});

test("the job can be read with fields=, including the client's message,state,error", async (t) => {
  const sim = await simulator(t, [{ scenario: { ...FAST, dataVolumesPresent: true } }]);
  const cluster = sim.clusters[0] as SimCluster;
  const { reply } = await patchAndWait(t, sim, cluster, { software_data_encryption: { conversion_enabled: true } });
  const href: string = reply.body.job._links.self.href;
  const some = (await call(sim, cluster, "GET", `${href}?fields=message,state,error`)).body;
  t.deepEqual(Object.keys(some).sort(), ["_links", "error", "message", "state", "uuid"]);
  t.is(some.error.code, "196608081");
  const bad = await call(sim, cluster, "GET", `${href}?fields=node.name`);
  t.is(bad.status, 400);
  t.like(bad.body, { error: { code: "262197", target: "fields" } });
  const unknown = await call(sim, cluster, "GET", "/api/cluster/jobs/00000000-0000-0000-0000-000000000000");
  t.is(unknown.status, 404);
});
