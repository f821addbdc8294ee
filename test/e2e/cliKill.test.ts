/**
 * With the real Pulumi CLI: the provider process (`pulumi-resource-pulumi-nodejs`, the node process
 * serving the dynamic provider) killed with SIGKILL at each point of a `pulumi up` of the example
 * program, then the next `pulumi up` at once. The cluster ends as declared, exactly one conversion job
 * is ever started, no PATCH is sent while a security job runs, and state agrees with the cluster.
 */
import test, { ExecutionContext } from "ava";
import { SimCluster, Simulator, asFound, startSimulator } from "../../simulator";
import { commandOf, descendantsOf } from "../../harness/processTree";
import { PulumiProject, findPulumiCli } from "../../harness/pulumiCli";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";

const cli = findPulumiCli();
const inCi = process.env.CI === "true";

/**
 * A job's length proves nothing here: a kill lands after a counted answer, or from inside the simulator
 * as a job starts running (which then holds it until the next up has looked for it).
 */
const JOB_MS = 50;

interface Run {
  readonly code: number;
  readonly output: string;
}

interface Fixture {
  sim: Simulator;
  cluster: SimCluster;
  project: PulumiProject;
  /** `pulumi up`; `onAnswer` is told of each answer the cluster gives meanwhile, with the CLI's pid. */
  up(onAnswer?: (count: number, cliPid: number, path: string) => void): Promise<Run>;
}

async function fixture(t: ExecutionContext, dir: string): Promise<Fixture> {
  const sim = await startSimulator({ clusters: [{ version: "9.16.1", security: asFound(), scenario: { jobDurationMs: JOB_MS } }] });
  t.teardown(() => sim.close());
  const cluster = sim.clusters[0] as SimCluster;
  // Connection from the environment: one CLI call (stack init) instead of one per config key.
  const project = new PulumiProject(dir, {
    env: { ONTAP_HOST: cluster.host, ONTAP_USERNAME: sim.username, ONTAP_PASSWORD: sim.password, ONTAP_CA_CERTIFICATE: sim.caCertificate },
  });
  t.teardown(() => project.close());
  await project.init({});
  return {
    sim,
    cluster,
    project,
    async up(onAnswer) {
      let cliPid = 0;
      let count = 0;
      cluster.onAnswered = (entry) => {
        count += 1;
        onAnswer?.(count, cliPid, entry.path);
      };
      const result = await project.run(["up", "--yes", "--skip-preview"], { onStart: (child) => (cliPid = child.pid ?? 0) });
      cluster.onAnswered = undefined;
      t.log(`pulumi up → ${result.code} after ${count} answers`);
      return result;
    },
  };
}

/** Kills the node process serving the dynamic provider under the CLI; true if one was found. */
function killProvider(cliPid: number): boolean {
  const provider = descendantsOf(cliPid).find((pid) => commandOf(pid).includes("dynamic-provider"));
  if (provider === undefined) return false;
  process.kill(provider, "SIGKILL");
  return true;
}

interface ExportedResource {
  type: string;
  outputs: Record<string, Record<string, unknown>>;
}

/** The next `pulumi up` succeeds; then the cluster, the job log and the state are checked. */
async function assertNextUpConverges(t: ExecutionContext, f: Fixture, onJobQuery?: () => void): Promise<void> {
  const next = await f.up((_count, _pid, path) => {
    if (path === "/api/cluster/jobs") onJobQuery?.();
  });
  t.is(next.code, 0, next.output);
  const cluster = f.cluster;
  t.deepEqual(cluster.security.fips, { enabled: true });
  t.deepEqual(cluster.security.tls?.protocol_versions, ["TLSv1.3", "TLSv1.2"]);
  t.deepEqual(cluster.security.management_protocols, { rsh_enabled: false, telnet_enabled: false });
  t.is(cluster.security.software_data_encryption?.conversion_enabled, true);
  t.is(cluster.conversionJobs().length, 1, "exactly one conversion job");
  t.deepEqual(cluster.patchesWhileJobRunning.map((entry) => JSON.stringify(entry.body)), [], "no PATCH while a security job ran");
  const exported = JSON.parse((await f.project.ok(["stack", "export"])).stdout) as { deployment: { resources?: ExportedResource[] } };
  const resource = exported.deployment.resources?.find((r) => r.type === CLUSTER_SECURITY_TYPE);
  t.truthy(resource, "the resource is in state");
  t.deepEqual(resource?.outputs.fips, { enabled: true });
  t.deepEqual(resource?.outputs.tls?.protocolVersions, cluster.security.tls?.protocol_versions);
  t.deepEqual(resource?.outputs.managementProtocols, { rshEnabled: false, telnetEnabled: false });
  t.is(resource?.outputs.softwareDataEncryption?.conversionEnabled, true);
  t.is(resource?.outputs.softwareDataEncryption?.encryptionState, cluster.security.software_data_encryption?.encryption_state);
  const preview = await f.project.run(["preview", "--expect-no-changes"]);
  t.is(preview.code, 0, preview.output);
}

/**
 * The answers after which the provider is killed, counted back from the last answer of an
 * uninterrupted up: after the job query (nothing sent yet), after the first PATCH's answer (its job
 * done), after the read-back that precedes the conversion, and after the last answer. Each is its own
 * test (two `pulumi up` each). The provider-host kill test (test/e2e/kill.test.ts) covers every answer.
 */
const KILL_POINTS_FROM_END = [5, 3, 2, 0];

if (!cli.ok) {
  const waived = !inCi && process.env.PULUMI_ONTAP_SKIP_CLI === "1";
  (waived ? test.skip : test)(`the Pulumi CLI is available for the kill tests (${cli.reason})`, (t) => {
    t.fail(`No Pulumi CLI: ${cli.reason}. Set PULUMI_ONTAP_SKIP_CLI=1 to waive outside CI.`);
  });
} else {
  const cliDir = cli.dir;
  /** Answers a whole `pulumi up` gets from a fresh cluster: measured once, then every one is a kill point. */
  let answersOfUp = 0;

  test.serial("an uninterrupted up of the example program, counted: the kill points", async (t) => {
    const f = await fixture(t, cliDir);
    const up = await f.up((count) => (answersOfUp = count));
    t.is(up.code, 0, up.output);
    t.true(answersOfUp >= 8, `${answersOfUp} answers`);
    t.is(f.cluster.conversionJobs().length, 1);
  });

  for (const fromEnd of KILL_POINTS_FROM_END) {
    test.serial(`the provider killed ${fromEnd === 0 ? "after the last answer" : `${fromEnd} answers before the last`} of an up: the next up ends as declared, one conversion job`, async (t) => {
      t.true(answersOfUp > fromEnd, "the kill points were counted");
      const point = answersOfUp - fromEnd;
      const f = await fixture(t, cliDir);
      let killed = false;
      const first = await f.up((count, cliPid) => {
        if (count === point && !killed) killed = killProvider(cliPid);
      });
      t.true(killed, `killed after answer ${point}`);
      t.log(`killed after answer ${point} of ${answersOfUp}: the first up exited ${first.code}`);
      await assertNextUpConverges(t, f);
    });
  }

  for (const job of [1, 2]) {
    test.serial(`the provider killed while job ${job} of an up runs${job === 2 ? " (the conversion)" : ""}: the next up waits for it, one conversion job`, async (t) => {
      const f = await fixture(t, cliDir);
      let cliPid = 0;
      let killed = false;
      f.cluster.onJobState = (started) => {
        if (killed || started.state !== "running" || f.cluster.startedJobs.indexOf(started) !== job - 1) return;
        killed = killProvider(cliPid);
        // However long the next up takes to start, it finds the job still running.
        f.cluster.scenario.stuckJobs = true;
      };
      const first = await f.up((_count, pid) => (cliPid = pid));
      f.cluster.onJobState = undefined;
      t.true(killed);
      t.not(first.code, 0, "the provider died before the job ended, so the up failed");
      await assertNextUpConverges(t, f, () => (f.cluster.scenario.stuckJobs = false));
      const left = f.cluster.startedJobs[job - 1];
      t.true(f.cluster.requests.some((r) => r.path === `/api/cluster/jobs/${left?.uuid}`), "the next up polled the job the killed one left running");
    });
  }

  test.serial("a conversion started by someone else as up begins its update: up waits for it and does not start another", async (t) => {
    const f = await fixture(t, cliDir);
    // Started when the update asks who the cluster is (its GET /api/cluster after check's reads), and
    // held running until the cluster has answered the update's look at its jobs, so the update surely
    // finds it running, however slowly the CLI got there.
    let readSettings = false;
    let started: string | undefined;
    const up = await f.up((_count, _pid, path) => {
      if (path === "/api/security") readSettings = true;
      if (path === "/api/cluster" && readSettings && started === undefined) {
        f.cluster.scenario.stuckJobs = true;
        started = f.cluster.startSecurityJob({ software_data_encryption: { conversion_enabled: true } }).uuid;
      }
      if (started !== undefined && path.startsWith("/api/cluster/jobs")) f.cluster.scenario.stuckJobs = false;
    });
    t.truthy(started, "the update never asked who the cluster is");
    t.is(up.code, 0, up.output);
    t.regex(up.output, /\(PATCH \/api\/security\) is (queued|running)[^;]*; waiting for it before planning/);
    t.false(f.cluster.patches().some((patch) => JSON.stringify(patch.body).includes("conversion_enabled")));
    t.is(f.cluster.conversionJobs().length, 1);
    t.deepEqual(f.cluster.patchesWhileJobRunning, []);
  });
}
