/**
 * Someone insisting: a second Ctrl-C while a fleet's stacks wait on ONTAP jobs stops them at once.
 * What that leaves (the creates in flight pending, perhaps the stack's lock) is what a killed run
 * leaves, and the runner must say so with the recovery; following it brings state and clusters
 * together without sending any setting twice. Real CLI, file backend, simulated clusters whose jobs
 * are held until the test lets them end (no job waits on the wall clock).
 */
import test, { ExecutionContext } from "ava";
import type { ChildProcess } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { SimCluster } from "../../simulator";
import { FleetProject, FleetRun, shard } from "../../harness/fleetProject";
import { findPulumiCli } from "../../harness/pulumiCli";
import { CLUSTER_SECURITY_TYPE } from "../../provider/resourceType";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { detachedPulumi, interruptAll } from "../../cli/fleetProcess";
import { fleetSimulator } from "./fleetFixtures";
import { waitFor } from "../simulatorHttp";

const explain = (run: FleetRun): string => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

/** The lock files of `stack` in a file backend. */
function lockFiles(p: FleetProject, stack: string): string[] {
  const dir = path.join(p.dir, "state", ".pulumi", "locks", "organization", "ontap-fleet", stack);
  return existsSync(dir) ? readdirSync(dir) : [];
}

/**
 * Starts `fleet up`, and once `inFlight` holds presses Ctrl-C as a terminal does (SIGINT to the
 * foreground process group), then again, someone insisting; returns the stopped run.
 */
async function upStoppedTwice(t: ExecutionContext, p: FleetProject, inventory: string, what: string, inFlight: () => boolean): Promise<FleetRun> {
  let child: ChildProcess | undefined;
  let said = "";
  const running = p.fleet(["up", "--inventory", inventory], {
    onStart: (started) => {
      child = started;
      started.stderr?.on("data", (chunk: Buffer) => (said += chunk));
    },
  });
  await waitFor(t, what, inFlight, 5 * 60_000);
  const pid = child?.pid as number;
  process.kill(-pid, "SIGINT");
  // Signals of one kind do not queue: the second is sent once the runner has taken the first.
  await waitFor(t, "the runner to take the first SIGINT", () => said.includes("SIGINT: interrupting running stacks"), 60_000);
  process.kill(-pid, "SIGINT");
  return running;
}

test("a second Ctrl-C stops the stacks at once; the recovery the runner prints brings state and clusters together, no setting sent twice", async (t) => {
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  t.timeout(10 * 60_000);
  const sim = await fleetSimulator(t, "insist", 2, 20);
  const clusters = sim.clusters as SimCluster[];
  // Each job is held running until the test lets it end: the signals land while both wait on it.
  for (const cluster of clusters) cluster.scenario.stuckJobs = true;
  const p = new FleetProject(cli.dir, sim);
  t.teardown(() => p.close());
  const stacks = shard(sim, 1, "insist");
  const inventory = p.writeInventory(stacks);
  const stack = stacks[0]?.name as string;

  const stopped = await upStoppedTwice(t, p, inventory, "a security job running on every cluster", () => clusters.every((c) => c.startedJobs.some((job) => job.state === "running")));
  t.is(stopped.code, 1, explain(stopped));
  t.regex(stopped.stderr, /SIGINT again: stopping the running stacks at once/, explain(stopped));
  const reported = stopped.summary?.stacks[0];
  t.is(reported?.status, "failed", explain(stopped));
  t.regex(reported?.error ?? "", /its state records 2 operations left in flight by a run stopped before it finished \(creating insist-\d, creating insist-\d\): run `fleet refresh --clear-pending-creates`, then `fleet up` again/, explain(stopped));
  t.deepEqual(lockFiles(p, stack), [], "Pulumi releases the lock when stopped at once");

  // The jobs the stopped run started go on inside ONTAP; let them end, as they would.
  for (const cluster of clusters) cluster.scenario.stuckJobs = false;
  await waitFor(t, "the clusters' jobs to end", () => clusters.every((c) => c.startedJobs.every((job) => job.state === "success")), 60_000);

  // An up that ignores the recovery does its work but is not green: Pulumi leaves the records of the
  // stopped creates in state beside the new resources, and the runner says so again.
  const ignored = await p.fleet(["up", "--inventory", inventory]);
  t.is(ignored.code, 1, explain(ignored));
  t.regex(ignored.summary?.stacks[0]?.error ?? "", /left in flight .*fleet refresh --clear-pending-creates/, explain(ignored));

  // The recovery, as the runner printed it.
  const cleared = await p.fleet(["refresh", "--clear-pending-creates", "--inventory", inventory]);
  t.is(cleared.code, 0, explain(cleared));
  const next = await p.fleet(["up", "--inventory", inventory]);
  t.is(next.code, 0, explain(next));

  const exported = JSON.parse(await p.pulumi(["stack", "export", "--stack", stack])) as { deployment: { resources?: { type: string; id?: string }[]; pending_operations?: unknown[] } };
  t.deepEqual(exported.deployment.pending_operations ?? [], [], "nothing left pending");
  t.deepEqual(
    (exported.deployment.resources ?? []).filter((r) => r.type === CLUSTER_SECURITY_TYPE).map((r) => r.id).sort(),
    clusters.map((c) => c.uuid).sort(),
  );
  for (const cluster of clusters) {
    const bodies = cluster.patches().map((entry) => JSON.stringify(entry.body));
    t.deepEqual(bodies, [...new Set(bodies)], `${cluster.name} got a PATCH twice`);
    t.is(cluster.startedJobs.length, 1, `${cluster.name}: one job in all`);
  }
  const check = await p.fleet(["refresh", "--drift-check", "--inventory", inventory]);
  t.is(check.code, 0, explain(check));
});

test("a second Ctrl-C during an update: the update left in flight fails the stack, and the same recovery clears it", async (t) => {
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  t.timeout(10 * 60_000);
  const sim = await fleetSimulator(t, "midupdate", 1, 20);
  const cluster = sim.clusters[0] as SimCluster;
  const p = new FleetProject(cli.dir, sim);
  t.teardown(() => p.close());
  const stacks = shard(sim, 1, "midupdate");
  const inventory = p.writeInventory(stacks);
  const first = await p.fleet(["up", "--inventory", inventory]);
  t.is(first.code, 0, explain(first));
  // Someone turns telnet back on; a refresh records it, so the next up updates the cluster.
  (cluster.security.management_protocols as { telnet_enabled: boolean }).telnet_enabled = true;
  t.is((await p.fleet(["refresh", "--inventory", inventory])).code, 0);
  cluster.scenario.stuckJobs = true;
  const jobsBefore = cluster.startedJobs.length;

  const stopped = await upStoppedTwice(t, p, inventory, "the update's job to run", () => cluster.startedJobs.slice(jobsBefore).some((job) => job.state === "running"));
  t.is(stopped.code, 1, explain(stopped));
  t.regex(stopped.summary?.stacks[0]?.error ?? "", /its state records 1 operation left in flight .*\(updating midupdate-1\): run `fleet refresh --clear-pending-creates`, then `fleet up` again/, explain(stopped));

  cluster.scenario.stuckJobs = false;
  await waitFor(t, "the job to end", () => cluster.startedJobs.every((job) => job.state === "success"), 60_000);
  const cleared = await p.fleet(["refresh", "--clear-pending-creates", "--inventory", inventory]);
  t.is(cleared.code, 0, explain(cleared));
  const next = await p.fleet(["up", "--inventory", inventory]);
  t.is(next.code, 0, explain(next));
  t.is(next.summary?.stacks[0]?.changed, 0, "the job the stopped run started had done the update");
  t.is(cluster.startedJobs.length, jobsBefore + 1, "one job for the update in all");
  const exported = JSON.parse(await p.pulumi(["stack", "export", "--stack", stacks[0]?.name as string])) as { deployment: { pending_operations?: unknown[] } };
  t.deepEqual(exported.deployment.pending_operations ?? [], []);
});

/*
 * The runner against a stand-in CLI that hears signals as Pulumi does: the first SIGINT cancels (the
 * steps in flight finish), a later one terminates, and a second that comes before the first was taken
 * is dropped (Pulumi keeps one signal waiting). Two signals in quick succession, as a pipeline sends
 * them, are then one, and the stacks would go on waiting.
 */
/** Says "started", "cancelling" and "terminating"; a second SIGINT within 500 ms of the first is lost. */
const STAND_IN = `#!/usr/bin/env node
require("fs").writeFileSync(require("path").join(__dirname, "pid-" + process.pid), "");
let first;
process.stdout.write("started\\n");
process.on("SIGINT", () => {
  if (first === undefined) {
    first = Date.now();
    process.stdout.write("cancelling\\n");
  } else if (Date.now() - first >= 500) {
    process.stdout.write("terminating\\n");
    process.exit(1);
  }
});
setInterval(() => undefined, 1000);
`;

type Run = (args: string[], cwd: string, env: Record<string, string>, onOutput?: (data: string) => void, onError?: (data: string) => void, signal?: AbortSignal) => Promise<unknown>;

function standIn(dir: string): Run {
  const binary = path.join(dir, "pulumi");
  writeFileSync(binary, STAND_IN);
  chmodSync(binary, 0o755);
  const command = { command: binary, run: (_a: string[], _b: string, _c: Record<string, string>, _d?: unknown, _e?: unknown, _f?: unknown) => Promise.reject(new Error("replaced")) };
  return (detachedPulumi(command as unknown as PulumiCommand) as unknown as { run: Run }).run;
}

test("a second stop that Pulumi drops is said again until the CLI ends; a CLI started after the stop is not told", async (t) => {
  t.timeout(30_000);
  const dir = mkdtempSync(path.join(tmpdir(), "pulumi-ontap-fleet-process-"));
  t.teardown(() => {
    // Each stand-in wrote its pid: none outlives the test, whatever it ended on.
    for (const file of readdirSync(dir).filter((name) => name.startsWith("pid-"))) {
      try {
        process.kill(Number(file.slice("pid-".length)), "SIGKILL");
      } catch {
        // already ended
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const run = standIn(dir);

  const abort = new AbortController();
  let said = "";
  const stopped = run(["up"], dir, {}, (text) => (said += text), undefined, abort.signal).then(
    () => "exit 0",
    (error: unknown) => String(error),
  );
  await waitFor(t, "the stand-in to start", () => said.includes("started"), 10_000);
  abort.abort();
  await waitFor(t, "the first SIGINT to be taken", () => said.includes("cancelling"), 10_000);
  // At once, as a person pressing Ctrl-C twice in quick succession, or a pipeline sending two signals.
  interruptAll();

  const later = new AbortController();
  let laterSaid = "";
  const afterwards = run(["stack", "export"], dir, {}, (text) => (laterSaid += text), undefined, later.signal).catch(() => undefined);
  await waitFor(t, "the later stand-in to start", () => laterSaid.includes("started"), 10_000);

  t.regex(await stopped, /code: 1/, "the stand-in ended by a repeated SIGINT");
  t.true(said.includes("terminating"), said);
  t.false(laterSaid.includes("cancelling"), "the CLI started after the stop heard no signal");
  later.abort();
  await waitFor(t, "the later stand-in to take its SIGINT", () => laterSaid.includes("cancelling"), 10_000);
  interruptAll();
  await afterwards;
});
