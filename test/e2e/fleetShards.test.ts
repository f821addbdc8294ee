/**
 * One fleet on three runners (`--shard K/3`), as a CI matrix runs it: three runner processes at once,
 * each its own checkout, sharing one PostgreSQL state backend. One runner is killed mid-`up`: the
 * others finish; `fleet report` merges the shards' summaries into one report and one exit code, with
 * the killed shard's stacks not run and the command that runs it again; that rerun reports the stack
 * the killed run left locked as stale, with its recovery; after the recovery the shard completes and
 * the merged report is all as declared.
 */
import test from "ava";
import { ChildProcess, spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ManualClock, asFound, startSimulator } from "../../simulator";
import { FLEET_MAIN, FleetProject, FleetRun, StackPlan, killGroup } from "../../harness/fleetProject";
import { findPostgres, startPostgres } from "../../harness/postgres";
import { findPulumiCli } from "../../harness/pulumiCli";
import type { FleetSummary } from "../../cli/fleetReport";
import { REPORT_FILES } from "../../cli/reportCommand";
import { assignShards } from "../../cli/fleetShard";

const explain = (run: FleetRun): string => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `fleet report` as its own process; resolves with its exit code and output. */
function fleetReport(args: readonly string[]): { code: number; output: string } {
  const result = spawnSync(process.execPath, [FLEET_MAIN, "fleet", "report", ...args], { encoding: "utf8" });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

test("three runners share one PostgreSQL backend; one is killed; the merged report shows its stacks not run, then stale-locked with the recovery; rerunning the shard completes", async (t) => {
  t.timeout(25 * 60_000);
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(`no Pulumi CLI: ${cli.reason}`);
  if (!findPostgres().ok) throw new Error(`no PostgreSQL: ${(findPostgres() as { reason: string }).reason}`);
  const pg = await startPostgres();
  t.teardown(() => pg.stop());
  // Six stacks of one or two clusters. The clusters' clock stands still until the kill, so the killed
  // runner surely has a job in flight; then it runs while the runners finish.
  const sizes = [2, 2, 1, 2, 1, 1];
  const count = sizes.reduce((a, b) => a + b, 0);
  const clock = new ManualClock();
  const sim = await startSimulator({ clusters: Array.from({ length: count }, (_, i) => ({ name: `shard-${i + 1}`, security: asFound(), scenario: { jobDurationMs: 4_000 } })), clock });
  t.teardown(() => sim.close());
  let next = 0;
  const stacks: StackPlan[] = sizes.map((size, i) => ({
    name: `region-${i + 1}`,
    clusters: Array.from({ length: size }, () => sim.clusters[next++]).map((c) => ({ name: c!.name, host: c!.host })),
  }));
  const shards = assignShards(stacks, 3);
  const stacksOf = (k: number) => stacks.filter((_, i) => shards[i] === k);
  for (const k of [1, 2, 3]) t.true(stacksOf(k).length > 0, `shard ${k} has stacks`);

  // Three checkouts (one per runner), one backend, one inventory.
  const runners = [1, 2, 3].map(() => new FleetProject(cli.dir, sim, { backend: pg.url }));
  t.teardown(() => runners.forEach((r) => r.close()));
  const inventories = runners.map((r) => r.writeInventory(stacks));
  const reports = mkdtempSync(path.join(tmpdir(), "fleet-shards-"));
  t.teardown(() => rmSync(reports, { recursive: true, force: true }));
  const dirOf = (k: number) => path.join(reports, `shard-${k}`);
  await runners[0]!.pulumi(["stack", "ls"]); // a new PostgreSQL backend makes its table once, before runners share it

  let victim: ChildProcess | undefined;
  const run = (k: number, command: string[], onStart?: (child: ChildProcess) => void) =>
    runners[k - 1]!.fleet([...command, "--inventory", inventories[k - 1]!, "--shard", `${k}/3`, "--report", dirOf(k)], onStart === undefined ? {} : { onStart });
  const [one, two, three] = [run(1, ["up"]), run(2, ["up"], (child) => (victim = child)), run(3, ["up"])];
  const victimStacks = stacksOf(2);
  const victimClusters = victimStacks.flatMap((s) => s.clusters.map((c) => sim.clusters.find((x) => x.name === c.name)!));
  await until("a PATCH on a cluster of shard 2", () => victimClusters.some((c) => c.patches().length > 0));
  killGroup(victim!);
  const [a, b, c] = await clock.runWhile(Promise.all([one, two, three]));
  t.is(a.code, 0, explain(a));
  t.is(c.code, 0, explain(c));
  t.not(b.code, 0, "the killed runner");
  t.deepEqual(a.summary?.stacks.map((s) => s.stack), stacksOf(1).map((s) => s.name));
  t.deepEqual(c.summary?.stacks.map((s) => s.stack), stacksOf(3).map((s) => s.name));
  t.regex(a.stderr, /stacks \(shard 1\/3\)/);

  // The merged report: shard 2 wrote nothing, so its stacks are not run, with the command for it.
  const merged = path.join(reports, "merged");
  const first = fleetReport([dirOf(1), dirOf(3), "--inventory", inventories[0]!, "--out", merged]);
  t.is(first.code, 1, first.output);
  const victimClusterCount = victimStacks.reduce((n, s) => n + s.clusters.length, 0);
  t.regex(first.output, new RegExp(`${count} clusters in 6 stacks from 2 summaries: 0 failed, 0 unreachable, 0 locked, ${victimClusterCount} not run, 0 drifted, ${count - victimClusterCount} as declared`));
  const markdown = readFileSync(path.join(merged, REPORT_FILES.markdown), "utf8");
  t.regex(markdown, /fleet up --inventory \S+ --shard 2\/3/);
  t.regex(readFileSync(path.join(merged, REPORT_FILES.junit), "utf8"), new RegExp(`skipped="${victimClusterCount}">`));

  // The rerun of shard 2 finds the lock the killed run left: stale, with `pulumi cancel`.
  const rerun = await clock.runWhile(run(2, ["up", "--lock-retries", "1", "--lock-wait", "1"]));
  const staleStacks = rerun.summary?.stacks.filter((s) => s.status === "stale-lock") ?? [];
  t.is(rerun.code, 1, explain(rerun));
  t.true(staleStacks.length >= 1, explain(rerun));
  const second = fleetReport([dirOf(1), dirOf(2), dirOf(3), "--out", merged]);
  t.is(second.code, 1, second.output);
  t.regex(second.output, new RegExp(`${staleStacks.reduce((n, s) => n + (s.details?.length ?? 0), 0)} locked`));
  t.regex(readFileSync(path.join(merged, REPORT_FILES.markdown), "utf8"), /pulumi cancel --stack region-\d+ --yes/);
  t.regex(readFileSync(path.join(merged, REPORT_FILES.html), "utf8"), /recovery: <code>[^<]*pulumi cancel --stack region-\d+ --yes/);

  // The recovery, as the report says it, then the shard again: it completes.
  for (const stale of staleStacks) await runners[1]!.pulumi(["cancel", "--stack", stale.stack, "--yes"]);
  await clock.runWhile(until("the clusters' jobs", () => victimClusters.every((cl) => [...cl.jobs.values()].every((job) => job.state === "success" || job.state === "failure")), 120_000));
  const cleared = await clock.runWhile(run(2, ["refresh", "--clear-pending-creates"]));
  t.is(cleared.code, 0, explain(cleared));
  const done = await clock.runWhile(run(2, ["up"]));
  t.is(done.code, 0, explain(done));
  const summary = JSON.parse(readFileSync(path.join(dirOf(2), "fleet-summary-2-of-3.json"), "utf8")) as FleetSummary;
  t.deepEqual(summary.shard, { index: 2, count: 3 });
  const final = fleetReport([dirOf(1), dirOf(2), dirOf(3), "--inventory", inventories[0]!, "--out", merged]);
  t.is(final.code, 0, final.output);
  t.regex(final.output, new RegExp(`from 3 summaries: 0 failed, 0 unreachable, 0 locked, 0 not run, 0 drifted, ${count} as declared`));
});
