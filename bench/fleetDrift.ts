/**
 * What a drift check costs: `fleet refresh --drift-check` (a `pulumi preview --refresh` per stack,
 * reading every cluster, writing nothing) over stacks of simulated clusters on a durable PostgreSQL
 * backend, after a `fleet up` has brought them to the declaration, with and without `--report`. Per
 * run: wall time, per stack, per cluster; then what 5,000 clusters would take on 1 to N runners,
 * extrapolated linearly from the measured time per stack (said so in the output: not measured).
 *
 *   node build/bench/fleetDrift.js [--stacks 3] [--per-stack 100] [--concurrency 1,2] [--report no,yes] [--target 5000]
 *
 * With `--stacks 50 --per-stack 100` the 5,000-cluster drift check is measured, not extrapolated
 * (about 20 minutes on a quiet 2-core machine, most of it the `fleet up` that sets the fleet up).
 */
import { mkdtempSync, rmSync } from "fs";
import { loadavg, tmpdir } from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { asFound, startSimulator } from "../simulator";
import { FleetProject, shard } from "../harness/fleetProject";
import { startPostgres } from "../harness/postgres";
import { findPulumiCli } from "../harness/pulumiCli";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number): string => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : seconds(ms));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
  };
  const stacks = Number(option("--stacks", "3"));
  const perStack = Number(option("--per-stack", "100"));
  const concurrencies = option("--concurrency", "1,2").split(",").map(Number);
  const target = Number(option("--target", "5000"));
  const reportChoices = option("--report", "no,yes").split(",").map((choice) => {
    if (choice !== "no" && choice !== "yes") throw new Error(`--report: got ${JSON.stringify(choice)}, expected a list of no and yes`);
    return choice === "yes";
  });
  const cli = findPulumiCli();
  if (!cli.ok) throw new Error(cli.reason);
  const pg = await startPostgres({ fast: false });
  process.stderr.write(`fleet drift bench: load average ${loadavg().map((l) => l.toFixed(1)).join(", ")} at the start\n`);
  const sim = await startSimulator({ clusters: Array.from({ length: stacks * perStack }, (_, i) => ({ name: `drift-${i + 1}`, security: asFound(), scenario: { jobDurationMs: 200 } })) });
  const project = new FleetProject(cli.dir, sim, { backend: pg.url });
  const reports = mkdtempSync(path.join(tmpdir(), "drift-bench-"));
  const rows: string[] = [];
  const perStackMs: { concurrency: number; report: boolean; ms: number }[] = [];
  try {
    const inventory = project.writeInventory(shard(sim, stacks, "drift"));
    await project.pulumi(["stack", "ls"]);
    process.stderr.write(`fleet drift bench: up of ${stacks}×${perStack} clusters first\n`);
    const up = await project.fleet(["up", "--inventory", inventory, "--concurrency", "2"]);
    if (up.code !== 0) throw new Error(`fleet up failed: ${up.stderr}`);
    for (const concurrency of concurrencies) {
      for (const report of reportChoices) {
        const t0 = performance.now();
        const run = await project.fleet(["refresh", "--drift-check", "--inventory", inventory, "--concurrency", String(concurrency), ...(report ? ["--report", path.join(reports, `c${concurrency}`)] : [])]);
        const wall = performance.now() - t0;
        if (run.code !== 0) throw new Error(`drift check exited ${run.code}: ${run.stderr}`);
        const stackMs = (wall * Math.min(concurrency, stacks)) / stacks;
        perStackMs.push({ concurrency, report, ms: wall / stacks });
        rows.push(`| ${stacks}×${perStack} | ${concurrency} | ${report ? "yes" : "no"} | ${seconds(wall)} | ${seconds(stackMs)} | ${((wall / (stacks * perStack)) * 1).toFixed(0)} ms |`);
        process.stderr.write(`fleet drift bench: concurrency ${concurrency}, report ${report}: ${seconds(wall)} (load average after: ${loadavg()[0]?.toFixed(1)})\n`);
      }
    }
  } finally {
    project.close();
    await sim.close();
    await pg.stop();
    rmSync(reports, { recursive: true, force: true });
  }
  console.log(`Drift check (fleet refresh --drift-check), PostgreSQL (durable), ${stacks} stacks of ${perStack} clusters, one run each:\n`);
  console.log("| stacks × clusters | stacks at once | --report | wall | per stack (one at a time) | per cluster (wall) |");
  console.log("|---|---:|---|---:|---:|---:|");
  for (const row of rows) console.log(row);
  const targetStacks = Math.ceil(target / perStack);
  const measured = targetStacks === stacks ? " (the 1-runner column is the run above, measured; the others are extrapolated from it)" : ", extrapolated, not measured";
  console.log(`\n${target.toLocaleString("en-US")} clusters as ${targetStacks} stacks of ${perStack}, each runner a 2-core machine like this one, from the wall time per stack above (wall ÷ stacks at that concurrency)${measured}:\n`);
  console.log(`| stacks at once per runner | ${[1, 2, 4, 8].map((n) => `${n} runner${n === 1 ? "" : "s"}`).join(" | ")} |`);
  console.log(`|---:|${[1, 2, 4, 8].map(() => "---:").join("|")}|`);
  for (const { concurrency, ms } of perStackMs.filter((p) => p.report || !reportChoices.includes(true))) {
    console.log(`| ${concurrency} | ${[1, 2, 4, 8].map((n) => minutes(Math.ceil(targetStacks / n) * ms)).join(" | ")} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
