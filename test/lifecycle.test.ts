/**
 * The ONTAP client and the lifecycle against the simulator, over real HTTPS with its CA.
 */
import test, { ExecutionContext } from "ava";
import { ManualClock, SimCluster, Simulator, startSimulator, ClusterOptions } from "../simulator";
import { LifecycleEnv, createResource, defaultEnv, readResource, updateResource, deleteResource } from "../provider/lifecycle/operations";
import { preflight } from "../provider/lifecycle/preflight";
import { ClusterSecurityInputs } from "../provider/lifecycle/model";
import {
  ClusterIdentityError,
  IrreversibleConversionError,
  PartialUpdateError,
  SecurityJobInProgressError,
  UnsupportedSettingError,
} from "../provider/lifecycle/errors";
import { OntapApiError } from "../provider/ontap/httpErrors";
import { OntapNetworkError } from "../provider/ontap/networkErrors";
import { OntapJobFailedError, OntapJobLostError } from "../provider/ontap/jobErrors";
import { OntapNotAppliedError, OntapPatchOutcomeUnknownError } from "../provider/ontap/patchOutcomeErrors";
import { OntapClient } from "../provider/ontap/client";
import { parseVersion } from "../provider/ontap/versions";

async function simulator(t: ExecutionContext, cluster: ClusterOptions = {}, clock?: ManualClock): Promise<Simulator> {
  const sim = await startSimulator({ clusters: [{ scenario: { jobDurationMs: 30 }, ...cluster }], ...(clock ? { clock } : {}) });
  t.teardown(() => sim.close());
  return sim;
}

/** A lifecycle environment that reaches the simulator through config, as a stack would. */
function envFor(sim: Simulator, logs: string[] = [], clock?: ManualClock): LifecycleEnv {
  const config: Record<string, string> = {
    "ontap:host": sim.clusters[0].host,
    "ontap:username": sim.username,
    "ontap:password": sim.password,
    "ontap:caCertificate": sim.caCertificate,
  };
  return {
    config: { get: (key) => config[key] },
    env: {},
    clock: clock ?? { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))) },
    log: (message) => logs.push(message),
    transport: { retryDelayMs: 1 },
  };
}

/**
 * Keeps the next `count` jobs running until the provider has asked the cluster for running jobs,
 * whatever the machine's load: each is held from its start, and released once a job query was answered.
 */
function holdJobsUntilLookedFor(cluster: SimCluster, count: number): void {
  let left = count;
  cluster.onJobState = (job) => {
    if (job.state !== "queued" || left === 0) return;
    left -= 1;
    cluster.scenario.stuckJobs = true;
  };
  cluster.onAnswered = (entry) => {
    if (entry.path === "/api/cluster/jobs") cluster.scenario.stuckJobs = false;
  };
}

const baseline: ClusterSecurityInputs = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
};

test("create adopts the cluster: changes only what differs, waits for the job, reports what the cluster has", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0];
  const { id, outs } = await createResource(baseline, envFor(sim));
  t.is(id, cluster.uuid);
  t.deepEqual(outs.fips, { enabled: true });
  t.deepEqual(outs.tls?.protocolVersions, ["TLSv1.3", "TLSv1.2"]);
  t.deepEqual(outs.managementProtocols, { rshEnabled: false, telnetEnabled: false });
  t.deepEqual(outs.cluster, { uuid: cluster.uuid, name: cluster.name, version: "9.16.1" });
  t.is(cluster.patches().length, 1);
  t.deepEqual(cluster.security.fips, { enabled: true });
  t.is(outs.password, undefined, "a password from config never reaches outputs");
});

test("create on a cluster already as desired sends no PATCH at all", async (t) => {
  const sim = await simulator(t, {
    security: { fips: { enabled: true }, tls: { protocol_versions: ["TLSv1.3", "TLSv1.2"] }, management_protocols: { rsh_enabled: false, telnet_enabled: false } },
  });
  await createResource(baseline, envFor(sim));
  t.is(sim.clusters[0].patches().length, 0);
  t.deepEqual(
    sim.clusters[0].requests.map((r) => `${r.method} ${r.path}`),
    ["GET /api/cluster", "GET /api/cluster/jobs", "GET /api/security"],
  );
});

test("a one-field update costs five requests: identity, running jobs, live settings, PATCH held until the job ends, read-back", async (t) => {
  const sim = await simulator(t);
  const { id } = await createResource(baseline, envFor(sim));
  sim.clusters[0].clearLog();
  await updateResource(id, { ...baseline, fips: { enabled: false } }, envFor(sim));
  t.deepEqual(
    sim.clusters[0].requests.map((r) => `${r.method} ${r.path} ${r.status}`),
    ["GET /api/cluster 200", "GET /api/cluster/jobs 200", "GET /api/security 200", "PATCH /api/security 200", "GET /api/security 200"],
  );
  t.deepEqual(sim.clusters[0].patches()[0].body, { fips: { enabled: false } });
});

test("update converges from the live settings, not from state: a drifted setting is restored", async (t) => {
  const sim = await simulator(t);
  const { id } = await createResource(baseline, envFor(sim));
  sim.clusters[0].security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
  sim.clusters[0].clearLog();
  const outs = await updateResource(id, baseline, envFor(sim));
  t.deepEqual(outs.managementProtocols, { rshEnabled: false, telnetEnabled: false });
  t.deepEqual(sim.clusters[0].patches().map((p) => p.body), [{ management_protocols: { telnet_enabled: false } }]);
});

test("a job that outlives jobTimeoutSeconds fails saying it is still running; the next run finishes", async (t) => {
  // The provider and the simulator share one clock that moves only while they wait on it: the 20 s job
  // and the 10 s budget pass in clock time, not on the wall clock.
  const clock = new ManualClock();
  const sim = await simulator(t, {}, clock);
  const cluster = sim.clusters[0];
  cluster.scenario.jobDurationMs = 20_000;
  cluster.scenario.jobPauseMs = 300;
  const started = clock.now();
  const outs = await clock.runWhile(createResource({ ...baseline, jobTimeoutSeconds: 10 }, envFor(sim, [], clock)).catch((e: Error) => e));
  t.true(clock.now() - started >= 10_000, `the budget was spent in clock time (${clock.now() - started} ms)`);
  // The 10 s budget covers the whole update: the server holds the PATCH until a second before the
  // deadline, then the waiter polls (through the pause) to the deadline.
  t.true(outs instanceof PartialUpdateError);
  // Either the last poll saw the job going, or a poll was in flight when the time ran out: both name the job.
  t.regex((outs as Error).message, /is still (running|paused|queued) on the cluster|deadline passed .* Job [0-9a-f-]{36} was not cancelled/);
  // The next run finds the job still running, waits for it, and sends nothing more.
  const again = await clock.runWhile(createResource({ ...baseline, jobTimeoutSeconds: 60 }, envFor(sim, [], clock)));
  t.deepEqual(again.outs.fips, { enabled: true });
  t.is(cluster.startedJobs.length, 1);
  t.true(clock.now() - started >= 20_000, "the job ran its 20 s of clock time");
});

test("a conversion refused by its job fails with ONTAP's code, and the other settings are applied first", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0];
  cluster.scenario.dataVolumesPresent = true;
  const error = await t.throwsAsync(
    createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim)),
    { instanceOf: PartialUpdateError },
  );
  t.regex(error?.message ?? "", /196608081/);
  t.true(error?.cause instanceof OntapJobFailedError);
  t.is(error?.id, cluster.uuid);
  const properties = error?.properties as Record<string, { enabled?: boolean; conversionEnabled?: boolean }>;
  t.deepEqual(properties.fips, { enabled: true }, "state records what the cluster now has");
  t.is(properties.softwareDataEncryption.conversionEnabled, false);
  const bodies = cluster.patches().map((p) => p.body as Record<string, unknown>);
  t.is(bodies.length, 2);
  t.deepEqual(bodies[0].fips, { enabled: true });
  t.is(bodies[0].software_data_encryption, undefined);
  t.deepEqual(bodies[1], { software_data_encryption: { conversion_enabled: true } });
  cluster.scenario.dataVolumesPresent = false;
  const { outs } = await createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim));
  t.is(outs.softwareDataEncryption?.conversionEnabled, true, "the next run finishes the work");
});

test("a failed job answered as an error body (not a job link) is the same typed failure", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0];
  cluster.scenario.failedJobAnswer = "error";
  cluster.scenario.metroclusterSwitchover = true;
  const error = await t.throwsAsync(createResource({ softwareDataEncryption: { conversionEnabled: true } }, envFor(sim)), {
    instanceOf: PartialUpdateError,
  });
  t.true(error?.cause instanceof OntapJobFailedError);
  t.regex(error?.message ?? "", /196608082/);
});

test("conversionEnabled: false on a converted cluster fails before any PATCH, saying it cannot be undone", async (t) => {
  const sim = await simulator(t, { security: { software_data_encryption: { conversion_enabled: true } } });
  const inputs = { softwareDataEncryption: { conversionEnabled: false } };
  const failures = await preflight(inputs, envFor(sim));
  t.is(failures.length, 1);
  t.regex(failures[0].reason, /cannot be undone/);
  await t.throwsAsync(createResource(inputs, envFor(sim)), { instanceOf: IrreversibleConversionError });
  t.is(sim.clusters[0].patches().length, 0);
});

test("a setting the cluster's release lacks fails before any PATCH, naming the setting and the release", async (t) => {
  const sim = await simulator(t, { version: "9.8.0" });
  const failures = await preflight(baseline, envFor(sim));
  t.deepEqual(failures.map((f) => f.property), ["tls", "managementProtocols", "managementProtocols"]);
  t.regex(failures[0].reason, /runs ONTAP 9\.8\.0, which does not have tls\.protocolVersions \(needs ONTAP 9\.10\.1 or later\)/);
  await t.throwsAsync(createResource(baseline, envFor(sim)), { instanceOf: UnsupportedSettingError });
  t.is(sim.clusters[0].patches().length, 0);
});

test("ONTAP 9.7 can be read but not changed", async (t) => {
  const sim = await simulator(t, { version: "9.7.0" });
  const { props } = await readResource("", {}, envFor(sim));
  t.is(props.cluster.version, "9.7.0");
  t.is(props.fips, undefined);
  t.true(props.onboardKeyManagerConfigurableStatus !== undefined);
  const failures = await preflight({ fips: { enabled: true } }, envFor(sim));
  t.regex(failures[0].reason, /fips\.enabled \(needs ONTAP 9\.8\.0 or later\)/);
});

test("a vanished job is judged by re-reading the settings", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0];
  cluster.scenario.lostJobs = true;
  // The job ends at once without effect, so its judgement does not race the deadline on a loaded machine.
  cluster.scenario.jobsWithoutEffect = 1;
  const { outs } = await createResource({ ...baseline, jobTimeoutSeconds: 30 }, envFor(sim)).catch((error: PartialUpdateError) => {
    t.true(error.cause instanceof OntapJobLostError, String(error));
    return { outs: undefined };
  });
  t.is(outs, undefined, "a lost job whose change is not in place is an error, not a success");
});

test("a vanished job whose change is in place counts as done", async (t) => {
  const sim = await simulator(t);
  sim.clusters[0].scenario.lostJobs = true;
  const { outs } = await createResource(baseline, envFor(sim));
  t.deepEqual(outs.fips, { enabled: true });
});

test("dropped connections, 500s and the MetroCluster lock are retried a bounded number of times", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0];
  cluster.scenario.dropConnections = 1;
  cluster.scenario.serverErrors = 1;
  cluster.scenario.configLocked = 1;
  const { outs } = await createResource(baseline, envFor(sim));
  t.deepEqual(outs.fips, { enabled: true });
  cluster.scenario.dropConnections = 100;
  const error = await t.throwsAsync(readResource(cluster.uuid, {}, envFor(sim)), { instanceOf: OntapNetworkError });
  t.regex(error?.message ?? "", /^GET https:\/\/127\.0\.0\.1:\d+\/api\/cluster\?fields=version%2Cname%2Cuuid failed/);
  cluster.scenario.dropConnections = 0;
});

test("a conversion PATCH turned away with 503 after the transport's retries fails with the 503, and is not sent again", async (t) => {
  const sim = await simulator(t);
  const cluster = sim.clusters[0] as SimCluster;
  cluster.scenario.transportFaults.push({ kind: "retryAfter", status: 503, retryAfter: "0", method: "PATCH", path: "/api/security", count: 1000 });
  const error = await t.throwsAsync(createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim)));
  // The answer says nothing was done: not "no answer", and not a reason to ask the cluster and resend.
  const cause = error instanceof PartialUpdateError ? error.cause : error;
  t.false(cause instanceof OntapPatchOutcomeUnknownError, error?.message);
  t.true(cause instanceof OntapApiError && cause.status === 503, error?.message);
  const patches = cluster.requests.filter((r) => r.method === "PATCH").length;
  const jobQueries = cluster.requests.filter((r) => r.path === "/api/cluster/jobs").length;
  t.true(patches >= 1 && patches <= 4, `${patches} PATCHes: one send and the transport's own retries`);
  t.is(jobQueries, 1, "only the query before planning: a refused PATCH sends no one looking for its job");
  t.is(cluster.startedJobs.length, 0);
});

test("a 403 on the first PATCH changes nothing and says so: not a partial update, no advice to run up again", async (t) => {
  const sim = await simulator(t);
  const env = envFor(sim);
  const config: Record<string, string> = { "ontap:username": sim.readOnlyUsername, "ontap:password": sim.readOnlyPassword };
  const readOnly = { ...env, config: { get: (key: string) => config[key] ?? env.config?.get(key) } };
  const error = await t.throwsAsync(createResource(baseline, readOnly), { instanceOf: OntapApiError });
  t.false(error instanceof PartialUpdateError);
  t.regex(error?.message ?? "", /PATCH https:\/\/127\.0\.0\.1:\d+\/api\/security\?return_timeout=\d+ failed with HTTP 403: not authorized for that command \(ONTAP error code 6\)\. The account lacks the role/);
  t.regex(error?.message ?? "", /Nothing was changed on the cluster\. Give the account that role, or use another \(argument username/);
  t.notRegex(error?.message ?? "", /pulumi up/);
});

test("a 400 refusal of the first PATCH changes nothing and says what to fix; after a change was applied it is a partial update", async (t) => {
  const sim = await simulator(t, { scenario: { jobDurationMs: 30, mixedRelease: true } });
  const cluster = sim.clusters[0];
  const refused = await t.throwsAsync(createResource(baseline, envFor(sim)), { instanceOf: OntapApiError });
  t.false(refused instanceof PartialUpdateError);
  t.regex(refused?.message ?? "", /5636142.*Nothing was changed on the cluster\. Complete the upgrade of every node, then run 'pulumi up' again/);
  t.is(cluster.startedJobs.length, 0);

  // The conversion refused synchronously once FIPS and the rest were applied: something changed.
  cluster.scenario.mixedRelease = false;
  cluster.scenario.preconditionErrors = "patch";
  cluster.scenario.dataVolumesPresent = true;
  const partial = await t.throwsAsync(createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim)), {
    instanceOf: PartialUpdateError,
  });
  t.regex(partial?.message ?? "", /196608081/);
  t.notRegex(partial?.message ?? "", /Nothing was changed/);
  t.deepEqual((partial?.properties as { fips?: unknown }).fips, { enabled: true }, "state records what was applied");
});

test("wrong credentials say which settings to check, and never show the password", async (t) => {
  const sim = await simulator(t);
  const env = envFor(sim);
  const error = await t.throwsAsync(createResource({ ...baseline, password: "hunter2-wrong" }, env), { instanceOf: OntapApiError });
  t.is(error?.status, 401);
  t.regex(error?.message ?? "", /Check the username and password/);
  t.notRegex(error?.message ?? "", /hunter2-wrong/);
  t.notRegex(JSON.stringify(error), /hunter2-wrong/);
});

test("the cluster's certificate is verified: without its CA the connection is refused with a hint", async (t) => {
  const sim = await simulator(t);
  const env = envFor(sim);
  const noCa = { ...env, config: { get: (key: string) => (key === "ontap:caCertificate" ? undefined : env.config?.get(key)) } };
  const error = await t.throwsAsync(readResource("", {}, noCa), { instanceOf: OntapNetworkError });
  t.regex(error?.message ?? "", /set caCertificate/);
  const { props } = await readResource("", { insecure: true }, noCa);
  t.is(props.cluster.uuid, sim.clusters[0].uuid, "insecure: true skips verification");
});

test("read refuses a host that now answers as another cluster", async (t) => {
  const sim = await simulator(t);
  await t.throwsAsync(readResource("another-uuid", {}, envFor(sim)), { instanceOf: ClusterIdentityError });
  await t.throwsAsync(updateResource("another-uuid", baseline, envFor(sim)), { instanceOf: ClusterIdentityError });
  t.is(sim.clusters[0].patches().length, 0);
});

test("delete sends nothing and says the settings stay", async (t) => {
  const sim = await simulator(t);
  const logs: string[] = [];
  const { outs } = await createResource(baseline, envFor(sim));
  sim.clusters[0].clearLog();
  deleteResource(outs, envFor(sim, logs));
  t.deepEqual(sim.clusters[0].requests, []);
  t.regex(logs.join("\n"), /left as they are/);
});

test("missing connection settings name every source that was tried", async (t) => {
  const env: LifecycleEnv = { config: undefined, env: {}, clock: { now: Date.now, sleep: async () => undefined }, log: () => undefined };
  const failures = await preflight({}, env);
  t.regex(failures[0].reason, /no host \(argument, config ontap:host or ONTAP_HOST\), username .*, password \(argument, config ontap:password or ONTAP_PASSWORD\)/);
});

test("the client reads each release with only the fields it has", async (t) => {
  for (const version of ["9.8.0", "9.10.1", "9.16.1"]) {
    const sim = await startSimulator({ clusters: [{ version }] });
    const client = new OntapClient({ host: sim.clusters[0].host, username: sim.username, password: sim.password, caCertificate: sim.caCertificate });
    try {
      const security = await client.getSecurity(parseVersion(version));
      t.is(security.tls !== undefined, version !== "9.8.0", version);
      t.is(security.software_data_encryption?.encryption_state !== undefined, version === "9.16.1", version);
    } finally {
      client.close();
      await sim.close();
    }
  }
});

test("on ONTAP 9.8 a FIPS change says that each node must be rebooted; from 9.9.1 it does not", async (t) => {
  for (const [version, reboot] of [["9.8.0", true], ["9.10.1", false]] as const) {
    const sim = await startSimulator({ clusters: [{ version, scenario: { jobDurationMs: 20 } }] });
    const logs: string[] = [];
    try {
      await createResource({ fips: { enabled: true } }, envFor(sim, logs));
    } finally {
      await sim.close();
    }
    t.is(logs.some((line) => /reboot each node for the change of fips\.enabled to take effect/.test(line)), reboot, `${version}: ${logs.join(" | ")}`);
  }
});

test("a security job started by someone else just before the update is waited for, and the plan starts from after it", async (t) => {
  const sim = await simulator(t, { scenario: { jobDurationMs: 200 } });
  const cluster = sim.clusters[0];
  holdJobsUntilLookedFor(cluster, 1);
  const logs: string[] = [];
  const admins = cluster.startSecurityJob({ software_data_encryption: { conversion_enabled: true } });
  const { outs } = await createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim, logs));
  t.true(logs.some((line) => line.includes(`job ${admins.uuid} (PATCH /api/security) is `) && line.includes("waiting for it before planning")), logs.join("\n"));
  t.deepEqual(cluster.conversionJobs().map((job) => job.uuid), [admins.uuid], "exactly one conversion job, the admin's");
  t.deepEqual(cluster.patchesWhileJobRunning, [], "no PATCH while a security job ran");
  t.is(cluster.patches().length, 1, "one PATCH, for the settings the admin's job did not change");
  t.false(cluster.patches().some((p) => JSON.stringify(p.body).includes("conversion_enabled")), "the conversion was not sent again");
  t.is(outs.softwareDataEncryption?.conversionEnabled, true);
});

test("a security job that outlives the deadline fails the update with its uuid and state, sending nothing", async (t) => {
  const clock = new ManualClock();
  const sim = await simulator(t, { scenario: { jobDurationMs: 30, stuckJobs: true } }, clock);
  const cluster = sim.clusters[0];
  const admins = cluster.startSecurityJob({ fips: { enabled: true } });
  const error = await t.throwsAsync(clock.runWhile(createResource({ ...baseline, jobTimeoutSeconds: 4 }, envFor(sim, [], clock))), { instanceOf: SecurityJobInProgressError });
  t.is(error?.jobUuid, admins.uuid);
  t.is(error?.state, "running");
  t.regex(error?.message ?? "", new RegExp(`job ${admins.uuid} \\(PATCH /api/security\\), started before this update, is still running after \\d+ s\\. Nothing was sent\\.`));
  t.deepEqual(cluster.patches(), []);
  cluster.scenario.stuckJobs = false;
});

test("a PATCH whose answer is lost after its job started is not sent again: its job is found and waited for", async (t) => {
  const sim = await simulator(t, { scenario: { jobDurationMs: 200, patchAnswersLost: 2 } });
  const cluster = sim.clusters[0];
  holdJobsUntilLookedFor(cluster, 2);
  const logs: string[] = [];
  const { outs } = await createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim, logs));
  t.is(cluster.patches().length, 2, "one PATCH for the settings, one for the conversion: none sent twice");
  t.is(cluster.conversionJobs().length, 1);
  t.deepEqual(cluster.patchesWhileJobRunning, []);
  t.is(outs.softwareDataEncryption?.conversionEnabled, true);
  t.deepEqual(outs.fips, { enabled: true });
  t.true(logs.some((line) => /no answer to the PATCH .*asking the cluster whether it was applied/.test(line)), logs.join("\n"));
  t.true(logs.some((line) => line.includes(`job ${cluster.conversionJobs()[0]?.uuid} (PATCH /api/security) is `)), logs.join("\n"));
});

test("a lost PATCH answer whose job did nothing: the cluster is asked, then only what it still lacks is sent; a conversion never twice", async (t) => {
  const sim = await simulator(t, { scenario: { jobDurationMs: 200, patchAnswersLost: 1, jobsWithoutEffect: 1 } });
  const cluster = sim.clusters[0];
  holdJobsUntilLookedFor(cluster, 1);
  const { outs } = await createResource(baseline, envFor(sim));
  t.deepEqual(outs.fips, { enabled: true });
  t.is(cluster.patches().length, 2, "sent again once the cluster showed the first had no effect");
  t.deepEqual(cluster.patchesWhileJobRunning, []);

  cluster.scenario.patchAnswersLost = 1;
  cluster.scenario.jobsWithoutEffect = 1;
  holdJobsUntilLookedFor(cluster, 1);
  const error = await t.throwsAsync(createResource({ ...baseline, softwareDataEncryption: { conversionEnabled: true } }, envFor(sim)), {
    instanceOf: PartialUpdateError,
  });
  t.true(error?.cause instanceof OntapPatchOutcomeUnknownError, String(error?.cause));
  t.regex(error?.message ?? "", /not sent again, so that a conversion never starts twice/);
  t.is(cluster.conversionJobs().length, 1);
  t.is((error?.properties as { softwareDataEncryption?: { conversionEnabled?: boolean } }).softwareDataEncryption?.conversionEnabled, false);
});

test("a job that reports success without effect is an error naming each field asked and found; state records the cluster", async (t) => {
  const sim = await simulator(t, { scenario: { jobDurationMs: 30, jobsWithoutEffect: 1 } });
  const cluster = sim.clusters[0];
  const error = await t.throwsAsync(createResource(baseline, envFor(sim)), { instanceOf: PartialUpdateError });
  t.true(error?.cause instanceof OntapNotAppliedError);
  const jobUuid = cluster.startedJobs[0]?.uuid;
  t.is((error?.cause as OntapNotAppliedError).jobUuid, jobUuid);
  t.regex(error?.message ?? "", new RegExp(`job ${jobUuid} \\(PATCH .*\\) ended in success, but the cluster does not show the change`));
  t.regex(error?.message ?? "", /fips\.enabled: asked true, cluster has false/);
  t.regex(error?.message ?? "", /Find out why in the cluster's event log/);
  const properties = error?.properties as { fips?: unknown };
  t.deepEqual(properties.fips, { enabled: false }, "state records what the cluster has, not what was asked");
});

test("a change of jobTimeoutSeconds alone is reflected in the outputs, sending nothing", async (t) => {
  const sim = await startSimulator({ clusters: [{ scenario: { jobDurationMs: 10 } }] });
  t.teardown(() => sim.close());
  const only = sim.clusters[0];
  if (only === undefined) throw new Error("no cluster");
  const env = { ...defaultEnv(undefined), env: {}, log: () => undefined };
  const inputs = { host: only.host, username: sim.username, password: sim.password, caCertificate: sim.caCertificate, fips: { enabled: false } };
  const { id } = await createResource({ ...inputs, jobTimeoutSeconds: 600 }, env);
  only.clearLog();
  const outs = await updateResource(id, { ...inputs, jobTimeoutSeconds: 60 }, env);
  t.is(outs.jobTimeoutSeconds, 60);
  t.deepEqual(only.patches(), []);
});
