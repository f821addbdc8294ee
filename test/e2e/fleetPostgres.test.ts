/**
 * The fleet command against Pulumi's PostgreSQL state backend (a real server on loopback, started for
 * this file) and the simulator: pipelines on disjoint stacks, pipelines on the same stack, and a
 * pipeline killed mid-`up`. After each, every stack's state is checked against its clusters.
 */
import test, { ExecutionContext } from "ava";
import { ManualClock, SimCluster, Simulator } from "../../simulator";
import { FleetProject, FleetRun, StackPlan, killGroup, shard } from "../../harness/fleetProject";
import { Postgres, findPostgres, startPostgres } from "../../harness/postgres";
import { fleetPrerequisites, fleetSimulator } from "./fleetFixtures";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";

const CLUSTER_TYPE = CLUSTER_SECURITY_TYPE;
let postgres: Postgres | undefined;
// One at a time: each test times pipelines against each other, which concurrent tests would blur.

test.before(async () => {
  if (findPostgres().ok) postgres = await startPostgres();
});
test.after.always(async () => {
  await postgres?.stop();
});

function project(t: ExecutionContext, cliDir: string, sim: Simulator, pg: Postgres): FleetProject {
  const p = new FleetProject(cliDir, sim, { backend: pg.url });
  t.teardown(() => p.close());
  return p;
}

/** The cluster is as examples/fleet declares it. */
function compliant(cluster: SimCluster): boolean {
  const s = cluster.security;
  return s.fips?.enabled === true && (s.tls?.protocol_versions ?? []).every((v) => v === "TLSv1.2" || v === "TLSv1.3") && s.management_protocols?.rsh_enabled === false && s.management_protocols?.telnet_enabled === false;
}

/** Every stack's state holds exactly its clusters, each read back as the cluster is, with nothing pending. */
async function assertStateMatches(t: ExecutionContext, p: FleetProject, sim: Simulator, stacks: readonly StackPlan[]): Promise<void> {
  for (const stack of stacks) {
    const exported = JSON.parse(await p.pulumi(["stack", "export", "--stack", stack.name])) as {
      deployment: { resources?: { type: string; id?: string; outputs?: Record<string, { enabled?: boolean; rshEnabled?: boolean; telnetEnabled?: boolean; protocolVersions?: string[] }> }[]; pending_operations?: unknown[] };
    };
    t.deepEqual(exported.deployment.pending_operations ?? [], [], `${stack.name}: pending operations`);
    const ours = (exported.deployment.resources ?? []).filter((r) => r.type === CLUSTER_TYPE);
    const expected = stack.clusters.map((c) => (sim.clusters.find((s) => s.name === c.name) as SimCluster).uuid).sort();
    t.deepEqual(ours.map((r) => r.id).sort(), expected, `${stack.name}: resources`);
    for (const resource of ours) {
      const cluster = sim.clusters.find((c) => c.uuid === resource.id) as SimCluster;
      t.true(compliant(cluster), `${cluster.name} is as declared`);
      t.is(resource.outputs?.fips?.enabled, cluster.security.fips?.enabled, `${cluster.name}: state's fips`);
      t.is(resource.outputs?.managementProtocols?.telnetEnabled, cluster.security.management_protocols?.telnet_enabled, `${cluster.name}: state's telnet`);
    }
  }
}

/** No cluster got the same PATCH twice. */
function assertNoPatchRepeated(t: ExecutionContext, sim: Simulator): void {
  for (const cluster of sim.clusters) {
    const bodies = cluster.patches().map((entry) => JSON.stringify(entry.body));
    t.deepEqual(bodies, [...new Set(bodies)], `${cluster.name} got a PATCH twice`);
    t.true(bodies.length > 0, `${cluster.name} got no PATCH`);
  }
}

function explain(run: FleetRun): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Lock objects of a stack in the backend's table (which Pulumi creates on first use). */
async function locks(pg: Postgres, stack: string): Promise<number> {
  try {
    return Number(await pg.query(`select count(*) from pulumi_state where key like '%/.pulumi/locks/%/${stack}/%'`));
  } catch (error) {
    if (String((error as { stderr?: string }).stderr).includes('relation "pulumi_state" does not exist')) return 0;
    throw error;
  }
}

test.serial("two pipelines on disjoint stacks of one PostgreSQL backend both succeed; a drift check then finds only the cluster changed behind their back", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 20 * 60_000);
  const sim = await fleetSimulator(t, "disjoint", 8, 300);
  const east = project(t, cliDir, sim, pg);
  const west = project(t, cliDir, sim, pg);
  const [eastStacks, westStacks] = [shard(sim, 4, "disjoint").slice(0, 2), shard(sim, 4, "disjoint").slice(2)] as [StackPlan[], StackPlan[]];
  // A new PostgreSQL backend makes its table on first use, and two Pulumi processes doing that at the
  // same moment can collide in PostgreSQL (duplicate pg_type entry); a shared backend is set up once,
  // as the README says, before pipelines share it.
  await east.pulumi(["stack", "ls"]);
  const [a, b] = await Promise.all([
    east.fleet(["up", "--inventory", east.writeInventory(eastStacks), "--concurrency", "2"]),
    west.fleet(["up", "--inventory", west.writeInventory(westStacks), "--concurrency", "2"]),
  ]);
  t.is(a.code, 0, explain(a));
  t.is(b.code, 0, explain(b));
  t.deepEqual(a.summary?.stacks.map((s) => [s.stack, s.status, s.clusters, s.changed]), eastStacks.map((s) => [s.name, "succeeded", 2, 2]));
  t.deepEqual(b.summary?.stacks.map((s) => [s.stack, s.status, s.clusters, s.changed]), westStacks.map((s) => [s.name, "succeeded", 2, 2]));
  t.regex(a.stderr, /\[2\/2\] disjoint-0[12] succeeded/);
  t.regex(a.stdout, /fleet up: 2 stacks \(2 succeeded\), 4 clusters, 4 changed, 0 failed/);
  await assertStateMatches(t, east, sim, [...eastStacks, ...westStacks]);
  assertNoPatchRepeated(t, sim);

  const inventory = east.writeInventory([...eastStacks, ...westStacks], "all.yaml");
  const clean = await east.fleet(["refresh", "--drift-check", "--inventory", inventory, "--concurrency", "2"]);
  t.is(clean.code, 0, explain(clean));
  const drifted = sim.clusters[5] as SimCluster;
  drifted.security.management_protocols = { rsh_enabled: false, telnet_enabled: true };
  const drift = await east.fleet(["refresh", "--drift-check", "--inventory", inventory, "--concurrency", "2"]);
  t.is(drift.code, 3, explain(drift));
  t.deepEqual(drift.summary?.stacks.map((s) => [s.stack, s.status, s.changed]), [
    ["disjoint-01", "succeeded", 0],
    ["disjoint-02", "succeeded", 0],
    ["disjoint-03", "drift", 1],
    ["disjoint-04", "succeeded", 0],
  ]);
  t.is(drifted.patches().length, 1, "a drift check changes nothing");
  // A plain refresh records the drift, and says where it found it.
  const refreshed = await east.fleet(["refresh", "--inventory", inventory, "--concurrency", "2"]);
  t.is(refreshed.code, 0, explain(refreshed));
  t.deepEqual(refreshed.summary?.stacks.map((s) => [s.stack, s.status, s.changed]), [
    ["disjoint-01", "succeeded", 0],
    ["disjoint-02", "succeeded", 0],
    ["disjoint-03", "succeeded", 1],
    ["disjoint-04", "succeeded", 0],
  ]);
  t.regex(refreshed.stdout, /fleet refresh: 4 stacks \(4 succeeded\), 8 clusters, 1 drifted, 0 failed/);
});

test.serial("two pipelines on the same stack: the second fails naming the lock, or waits for it and finds nothing left to do; state intact", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 20 * 60_000);
  // The clusters' clock stands still until the waiting pipeline has been refused once, so the first
  // pipeline surely holds the lock until then; then it runs while both finish.
  const clock = new ManualClock();
  const sim = await fleetSimulator(t, "same", 2, 8_000, clock);
  const p = project(t, cliDir, sim, pg);
  const stacks = shard(sim, 1, "same");
  const inventory = p.writeInventory(stacks);
  const first = p.fleet(["up", "--inventory", inventory]);
  await until("the first pipeline's lock", async () => (await locks(pg, "same-01")) > 0);
  const impatient = await p.fleet(["up", "--inventory", inventory, "--lock-retries", "0"]);
  t.is(impatient.code, 1, explain(impatient));
  const refused = impatient.summary?.stacks[0];
  t.is(refused?.status, "locked");
  t.regex(refused?.error ?? "", /still locked after 1 attempt\(s\): \S+ by \S+@\S+ \(pid \d+\) since/);
  t.regex(refused?.lock?.holders[0]?.lock ?? "", /\.pulumi\/locks\/.*\/same-01\/[^/]+\.json/);
  let waiting = "";
  const patientRun = p.fleet(["up", "--inventory", inventory, "--lock-retries", "30", "--lock-wait", "1"], {
    onStart: (child) => child.stderr?.on("data", (chunk: Buffer) => (waiting += chunk)),
  });
  await until("the waiting pipeline's first refusal", () => /; attempt 2 in/.test(waiting));
  const [done, patient] = await clock.runWhile(Promise.all([first, patientRun]));
  t.is(done.code, 0, explain(done));
  t.is(patient.code, 0, explain(patient));
  t.true((patient.summary?.stacks[0]?.attempts ?? 0) > 1, explain(patient));
  t.regex(patient.stderr, /same-01: locked \(.*pid \d+.*\); attempt 2 in/);
  t.is(patient.summary?.stacks[0]?.changed, 0, "the waiting pipeline found the clusters as declared");
  t.is(await locks(pg, "same-01"), 0);
  await assertStateMatches(t, p, sim, stacks);
  assertNoPatchRepeated(t, sim);
});

test.serial("a pipeline killed mid-up leaves a stale lock, reported with `pulumi cancel`; after it and a refresh, the next up converges with no PATCH repeated", async (t) => {
  const { cliDir, pg } = fleetPrerequisites(t, postgres, 20 * 60_000);
  // The clusters' clock stands still until the kill, so both jobs are surely in flight when it lands.
  const clock = new ManualClock();
  const sim = await fleetSimulator(t, "killed", 2, 6_000, clock);
  const p = project(t, cliDir, sim, pg);
  const stacks = shard(sim, 1, "killed");
  const inventory = p.writeInventory(stacks);
  let pipeline: import("child_process").ChildProcess | undefined;
  const killed = p.fleet(["up", "--inventory", inventory], { onStart: (child) => (pipeline = child) });
  await until("a PATCH on every cluster", () => sim.clusters.every((c) => c.patches().length > 0));
  killGroup(pipeline as import("child_process").ChildProcess);
  t.not((await killed).code, 0);
  t.is(await locks(pg, "killed-01"), 1, "the killed run's lock is left");

  const stale = await p.fleet(["up", "--inventory", inventory, "--lock-retries", "3", "--lock-wait", "1"]);
  t.is(stale.code, 1, explain(stale));
  const reported = stale.summary?.stacks[0];
  t.is(reported?.status, "stale-lock");
  t.is(reported?.attempts, 1, "a stale lock is not waited for");
  t.regex(reported?.error ?? "", /locked by a run that no longer exists \(pid \d+ on \S+\).*pulumi cancel --stack killed-01 --yes/s);
  t.is(reported?.lock?.recovery?.includes("pulumi cancel --stack killed-01 --yes"), true);
  t.is(await locks(pg, "killed-01"), 1, "the runner never removes a lock");

  await p.pulumi(["cancel", "--stack", "killed-01", "--yes"]);
  t.is(await locks(pg, "killed-01"), 0);
  // The jobs the killed run started go on inside ONTAP. Once they have ended, the records of the
  // creates it had in flight are dropped and the next up adopts those clusters, sending nothing again.
  await clock.advance(6_000);
  t.true(sim.clusters.every((c) => [...c.jobs.values()].every((job) => job.state === "success" || job.state === "failure")), "the killed run's jobs ended");
  const cleared = await clock.runWhile(p.fleet(["refresh", "--clear-pending-creates", "--inventory", inventory]));
  t.is(cleared.code, 0, explain(cleared));
  const next = await clock.runWhile(p.fleet(["up", "--inventory", inventory]));
  t.is(next.code, 0, explain(next));
  t.is(next.summary?.stacks[0]?.clusters, 2);
  await assertStateMatches(t, p, sim, stacks);
  assertNoPatchRepeated(t, sim);
});
