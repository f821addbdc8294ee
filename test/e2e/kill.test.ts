/**
 * The provider process killed outright (SIGKILL: a CI runner timing out, a node lost) at each point of
 * an update, through Pulumi's own dynamic-provider host, followed at once by the next run, as the engine
 * would drive it. Whatever the point, the next run must leave the cluster as declared, start exactly one
 * conversion job in all, send no PATCH while a security job runs, and report what the cluster has. The
 * same when someone else (an admin in System Manager) starts a security job just before the update.
 * Serial: each test starts two provider hosts, and a loaded machine starts them slowly.
 */
import test, { ExecutionContext } from "ava";
import { SimCluster, Simulator, asFound, startSimulator } from "../../simulator";
import { ProviderHost, ProviderHostError, Props, serializedProviderText, startProviderHost } from "../../harness/providerHost";

/**
 * A job's length proves nothing here: a kill lands after a counted answer, or from inside the simulator
 * as a job starts running (which then holds it until the next run has looked for it).
 */
const JOB_MS = 50;

/** The example program's baseline: every group changes on an as-found cluster, and the conversion. */
const DESIRED: Props = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: true },
  jobTimeoutSeconds: 120,
};

/** Requests of an uninterrupted create: identity, running jobs, settings, PATCH, read-back, conversion PATCH, read-back. */
const CREATE_REQUESTS = 7;

let serialized: Promise<string> | undefined;
const providerText = (): Promise<string> => (serialized ??= serializedProviderText());

interface Fixture {
  sim: Simulator;
  cluster: SimCluster;
  inputs: Props;
  /** A provider host, configured for the cluster, closed when the test ends. */
  host(): Promise<ProviderHost>;
}

async function setup(t: ExecutionContext): Promise<Fixture> {
  const provider = await providerText();
  const sim = await startSimulator({ clusters: [{ version: "9.16.1", security: asFound(), scenario: { jobDurationMs: JOB_MS } }] });
  t.teardown(() => sim.close());
  const cluster = sim.clusters[0] as SimCluster;
  return {
    sim,
    cluster,
    inputs: { __provider: provider, ...DESIRED },
    async host() {
      const host = await startProviderHost();
      t.teardown(() => host.close());
      await host.configure({
        "ontap:host": cluster.host,
        "ontap:username": sim.username,
        "ontap:password": { secret: sim.password },
        "ontap:caCertificate": sim.caCertificate,
      });
      return host;
    },
  };
}

/** Where the first run is killed. */
type KillPoint = { readonly afterRequest: number } | { readonly whileJob: number };

const describePoint = (point: KillPoint): string =>
  "afterRequest" in point ? `as answer ${point.afterRequest} of ${CREATE_REQUESTS} leaves the cluster` : `while job ${point.whileJob} runs${point.whileJob === 2 ? " (the conversion)" : ""}`;

/**
 * Arms the kill: counts the answers the cluster gives during the create (or the jobs it starts) and
 * kills the host at the chosen one, from inside the simulator, so that nothing else runs first.
 */
function armKill(cluster: SimCluster, host: ProviderHost, point: KillPoint, jobsBefore: number): { fired: () => string | undefined } {
  let fired: string | undefined;
  let answered = 0;
  if ("afterRequest" in point) {
    cluster.onAnswered = (entry) => {
      answered += 1;
      if (fired !== undefined || answered !== point.afterRequest) return;
      host.kill();
      fired = `${entry.method} ${entry.path} → ${entry.status}`;
    };
  } else {
    cluster.onJobState = (job) => {
      if (fired !== undefined || job.state !== "running" || cluster.startedJobs.indexOf(job) !== jobsBefore + point.whileJob - 1) return;
      host.kill();
      // However long the next run takes to start on a loaded machine, it finds the job still running.
      cluster.scenario.stuckJobs = true;
      fired = `job ${job.uuid} running`;
    };
  }
  return { fired: () => fired };
}

function disarm(cluster: SimCluster): void {
  cluster.onAnswered = undefined;
  cluster.onJobState = undefined;
}

/** The outputs that describe settings, as the cluster reports them now. */
function clusterAsOutputs(cluster: SimCluster): Props {
  const s = cluster.security;
  return {
    fips: { enabled: s.fips?.enabled },
    tls: { protocolVersions: s.tls?.protocol_versions, cipherSuites: s.tls?.cipher_suites },
    managementProtocols: { rshEnabled: s.management_protocols?.rsh_enabled, telnetEnabled: s.management_protocols?.telnet_enabled },
    softwareDataEncryption: {
      conversionEnabled: s.software_data_encryption?.conversion_enabled,
      disabledByDefault: s.software_data_encryption?.disabled_by_default,
      encryptionState: s.software_data_encryption?.encryption_state,
    },
  };
}

const settingsOf = (outputs: Props): Props => ({
  fips: outputs.fips,
  tls: outputs.tls,
  managementProtocols: outputs.managementProtocols,
  softwareDataEncryption: outputs.softwareDataEncryption,
});

/**
 * The first run: check, then create, killed at `point`. Returns the create's result if the engine got
 * it before the kill (possible only after the last answer).
 */
async function killedRun(t: ExecutionContext, f: Fixture, point: KillPoint): Promise<{ id: string; properties: Props } | undefined> {
  const host = await f.host();
  t.deepEqual((await host.check({}, f.inputs)).failures, []);
  const kill = armKill(f.cluster, host, point, f.cluster.startedJobs.length);
  const outcome = await host.create(f.inputs).then(
    (created) => created,
    (error: unknown) => {
      if (!(error instanceof ProviderHostError)) throw error;
      return undefined;
    },
  );
  await host.exited();
  disarm(f.cluster);
  t.truthy(kill.fired(), `the provider was killed ${describePoint(point)}`);
  t.log(`killed ${describePoint(point)}: ${kill.fired()}; the engine ${outcome === undefined ? "got no answer" : "got the create's answer"}`);
  return outcome;
}

/** The next run, at once: a create again (nothing was recorded) or an update of what was. */
async function nextRun(t: ExecutionContext, f: Fixture, recorded: { id: string; properties: Props } | undefined): Promise<Props> {
  const host = await f.host();
  t.deepEqual((await host.check(recorded === undefined ? {} : f.inputs, f.inputs)).failures, []);
  const start = f.cluster.requests.length;
  // A job held past the kill runs on until this run has looked for it.
  f.cluster.onAnswered = (entry) => {
    if (entry.path === "/api/cluster/jobs") f.cluster.scenario.stuckJobs = false;
  };
  const outputs =
    recorded === undefined
      ? (await host.create(f.inputs)).properties
      : (await host.update(recorded.id, recorded.properties, f.inputs, f.inputs)).properties;
  f.cluster.onAnswered = undefined;
  const seen = f.cluster.requests.slice(start).map((r) => `${r.method} ${r.path} ${r.status}`);
  t.log(`next run: ${seen.join(", ")}`);
  // A preview after it: nothing left to change, and a refresh reads what state holds.
  t.is((await host.diff(f.cluster.uuid, outputs, f.inputs, f.inputs)).changes, "DIFF_NONE");
  t.deepEqual(settingsOf((await host.read(f.cluster.uuid, outputs, f.inputs)).properties), settingsOf(outputs));
  return outputs;
}

/** The job a killed run left running was waited for by the next run: it polled it. */
function assertWaitedFor(t: ExecutionContext, f: Fixture, jobIndex: number): void {
  const job = f.cluster.startedJobs[jobIndex];
  t.true(
    f.cluster.requests.some((r) => r.method === "GET" && r.path === `/api/cluster/jobs/${job?.uuid}`),
    `the next run polled job ${job?.uuid}, left running by the killed one`,
  );
}

function assertConverged(t: ExecutionContext, cluster: SimCluster, outputs: Props, conversionJobs = 1): void {
  t.deepEqual(cluster.security.fips, { enabled: true });
  t.deepEqual(cluster.security.tls?.protocol_versions, ["TLSv1.3", "TLSv1.2"]);
  t.deepEqual(cluster.security.management_protocols, { rsh_enabled: false, telnet_enabled: false });
  t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
  t.is(cluster.conversionJobs().length, conversionJobs, `conversion jobs: ${cluster.conversionJobs().map((job) => job.uuid).join(", ")}`);
  t.deepEqual(
    cluster.patchesWhileJobRunning.map((entry) => JSON.stringify(entry.body)),
    [],
    "no PATCH was sent while a security job ran",
  );
  t.deepEqual(settingsOf(outputs), clusterAsOutputs(cluster), "state agrees with the cluster");
}

const points: KillPoint[] = [
  ...Array.from({ length: CREATE_REQUESTS }, (_, i) => ({ afterRequest: i + 1 })),
  { whileJob: 1 },
  { whileJob: 2 },
];

for (const point of points) {
  test.serial(`killed ${describePoint(point)}: the next run ends as declared, with one conversion job`, async (t) => {
    const f = await setup(t);
    const recorded = await killedRun(t, f, point);
    const outputs = await nextRun(t, f, recorded);
    assertConverged(t, f.cluster, outputs);
    if ("whileJob" in point) assertWaitedFor(t, f, point.whileJob - 1);
  });
}

test.serial("a conversion started by someone else just before the update is waited for, and not started again", async (t) => {
  const f = await setup(t);
  const host = await f.host();
  t.deepEqual((await host.check({}, f.inputs)).failures, []);
  // Held running until the cluster has answered the provider's look at its jobs: the provider surely finds it running.
  f.cluster.scenario.stuckJobs = true;
  const admins = f.cluster.startSecurityJob({ software_data_encryption: { conversion_enabled: true } });
  f.cluster.onAnswered = (entry) => {
    if (entry.path.startsWith("/api/cluster/jobs")) f.cluster.scenario.stuckJobs = false;
  };
  const created = await host.create(f.inputs);
  disarm(f.cluster);
  t.regex(host.stdout(), new RegExp(`job ${admins.uuid} \\(PATCH /api/security\\) is (queued|running)`));
  t.false(f.cluster.patches().some((patch) => JSON.stringify(patch.body).includes("conversion_enabled")), "the conversion was not sent");
  assertConverged(t, f.cluster, created.properties);
  t.deepEqual(f.cluster.conversionJobs().map((job) => job.uuid), [admins.uuid]);
});

test.serial("killed while waiting for someone else's security job: the next run waits for it too, and ends as declared", async (t) => {
  const f = await setup(t);
  const host = await f.host();
  t.deepEqual((await host.check({}, f.inputs)).failures, []);
  // Held running from the start: the provider surely finds it running, and the next run releases it.
  f.cluster.scenario.stuckJobs = true;
  const admins = f.cluster.startSecurityJob({ management_protocols: { telnet_enabled: false } });
  // Killed as the provider polls the admin's job: it found the job and is waiting for it.
  f.cluster.onAnswered = (entry) => {
    if (entry.path === `/api/cluster/jobs/${admins.uuid}`) host.kill();
  };
  await t.throwsAsync(host.create(f.inputs), { instanceOf: ProviderHostError });
  await host.exited();
  disarm(f.cluster);
  t.deepEqual(f.cluster.patches(), [], "nothing was sent while the admin's job ran");
  const outputs = await nextRun(t, f, undefined);
  assertConverged(t, f.cluster, outputs);
  t.is(f.cluster.startedJobs[0]?.uuid, admins.uuid);
  assertWaitedFor(t, f, 0);
});
