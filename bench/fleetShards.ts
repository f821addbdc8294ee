/**
 * Section "shards": a fleet past one stack. N simulated clusters split into S stacks, run by the
 * package's own command (`pulumi-ontap-security fleet up`, the Automation API) C stacks at once, on
 * the file or the PostgreSQL backend, from an as-found fleet. Per run: wall time, time per cluster,
 * state bytes per cluster, backend writes, peak memory of the whole process tree.
 */
import { existsSync, mkdirSync, readdirSync, statSync, watch } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { Simulator, asFound, startSimulator } from "../simulator";
import { FleetProject, shard } from "../harness/fleetProject";
import { Postgres, startPostgres } from "../harness/postgres";
import { findPulumiCli } from "../harness/pulumiCli";
import { TreeSampler, pulumiRole } from "../harness/processTree";
import { formatBytes, formatMs, heading, renderTable } from "./table";

/** Short jobs: the shards measure the tool and the backend, not ONTAP. */
const JOB_MS = 200;

export const BACKENDS = ["file", "postgres"] as const;
export type Backend = (typeof BACKENDS)[number];

/** One cell of the matrix: `stacks` × `perStack` clusters, `concurrency` stacks at once, on `backend`. */
export interface ShardRun {
  readonly stacks: number;
  readonly perStack: number;
  readonly concurrency: number;
  readonly backend: Backend;
  /** Extra environment (PULUMI_SKIP_CHECKPOINTS). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ShardOptions {
  readonly runs: readonly ShardRun[];
  readonly progress: (line: string) => void;
}

interface Measured {
  readonly run: ShardRun;
  readonly clusters: number;
  readonly wallMs: number;
  readonly peakBytes: number;
  readonly stateBytes: number;
  /** Rows inserted or updated (PostgreSQL), or files written (file backend, from inotify). */
  readonly writes: number;
  readonly ok: boolean;
  readonly note: string;
}

/** `1x1000,10x100` → layouts; a bad one names itself. */
export function parseLayouts(text: string): { stacks: number; perStack: number }[] {
  return text.split(",").map((item) => {
    const match = /^\s*(\d+)x(\d+)\s*$/.exec(item);
    if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`--layouts has "${item}"; allowed: STACKSxCLUSTERS such as 1x1000,10x100,20x50`);
    return { stacks: Number(match[1]), perStack: Number(match[2]) };
  });
}

export async function runShards(options: ShardOptions): Promise<string[]> {
  const cli = findPulumiCli();
  if (!cli.ok) return [heading(2, "5. A fleet in shards"), `Skipped: no Pulumi CLI (${cli.reason}).`];
  const results: Measured[] = [];
  for (const run of options.runs) {
    const clusters = run.stacks * run.perStack;
    options.progress(`shards: ${run.stacks}×${run.perStack} on ${run.backend}, concurrency ${run.concurrency}${run.env ? ` ${JSON.stringify(run.env)}` : ""}`);
    results.push(await measure(cli.dir, run, clusters));
    const last = results[results.length - 1] as Measured;
    options.progress(`shards: ${formatMs(last.wallMs)}, ${last.ok ? "ok" : `FAILED: ${last.note}`}`);
  }
  return report(results);
}

async function measure(cliDir: string, run: ShardRun, clusters: number): Promise<Measured> {
  const sim: Simulator = await startSimulator({
    clusters: Array.from({ length: clusters }, (_, i) => ({ name: `cluster-${String(i + 1).padStart(4, "0")}`, security: asFound(), scenario: { jobDurationMs: JOB_MS } })),
  });
  // Durable PostgreSQL (fsync on): what a backend costs is part of the measure.
  const pg: Postgres | undefined = run.backend === "postgres" ? await startPostgres({ fast: false }) : undefined;
  const project = new FleetProject(cliDir, sim, { ...(pg === undefined ? {} : { backend: pg.url }), ...(run.env === undefined ? {} : { env: run.env }) });
  // The file backend writes each checkpoint to a temporary file and renames it over `<stack>.json`:
  // one rename onto that name per write. The folder is made first, because inotify watches only
  // folders that exist.
  let fileWrites = 0;
  const stacksDir = path.join(project.dir, "state", ".pulumi", "stacks", "ontap-fleet");
  if (pg === undefined) mkdirSync(stacksDir, { recursive: true });
  const watcher = pg === undefined ? watch(stacksDir, (event, name) => {
    if (event === "rename" && typeof name === "string" && /^[^.].*\.json$/.test(name) && existsSync(path.join(stacksDir, name))) fileWrites++;
  }) : undefined;
  try {
    const inventory = project.writeInventory(shard(sim, run.stacks, "shard"));
    const before = pg === undefined ? 0 : Number(await pg.query("select coalesce(sum(n_tup_ins + n_tup_upd), 0) from pg_stat_user_tables"));
    const sampler = new TreeSampler(pulumiRole);
    const started = performance.now();
    const result = await project.fleet(["up", "--inventory", inventory, "--concurrency", String(run.concurrency), "--lock-retries", "0"], { timeoutMs: 60 * 60_000 });
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    let stateBytes: number;
    let writes: number;
    if (pg !== undefined) {
      // Statistics reach pg_stat a moment after the commit.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      writes = Number(await pg.query("select coalesce(sum(n_tup_ins + n_tup_upd), 0) from pg_stat_user_tables")) - before;
      stateBytes = Number(await pg.query("select coalesce(sum(octet_length(data::text)), 0) from pulumi_state where key like '%/.pulumi/stacks/%.json'"));
    } else {
      writes = fileWrites;
      const dir = stacksDir;
      stateBytes = readdirSync(dir).filter((f) => f.endsWith(".json")).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    }
    const ok = result.code === 0;
    return { run, clusters, wallMs, peakBytes: peak.peakSumBytes, stateBytes, writes, ok, note: ok ? "" : `exit ${result.code}: ${(result.stdout + result.stderr).slice(-400)}` };
  } finally {
    watcher?.close();
    project.close();
    await pg?.stop();
    await sim.close();
  }
}

function label(run: ShardRun): string {
  return `${run.stacks}×${run.perStack}`;
}

function report(results: readonly Measured[]): string[] {
  const rows = results.map((m) => [
    String(m.clusters),
    label(m.run),
    m.run.backend + (m.run.env?.PULUMI_SKIP_CHECKPOINTS === "true" ? ", skip checkpoints" : ""),
    String(m.run.concurrency),
    m.ok ? formatMs(m.wallMs) : `failed (${formatMs(m.wallMs)})`,
    formatMs(m.wallMs / m.clusters),
    formatBytes(m.stateBytes / m.clusters),
    `${m.writes} (${(m.writes / m.clusters).toFixed(1)} per cluster)`,
    formatBytes(m.peakBytes),
  ]);
  const lines = [
    heading(2, "5. A fleet in shards (measured)"),
    `\`pulumi-ontap-security fleet up\` (the Automation API, one \`pulumi up\` per stack) from an as-found fleet of simulated clusters on loopback (jobs of ${JOB_MS} ms). PostgreSQL runs durable (fsync on). State: the stacks' checkpoints (\`.pulumi/stacks/*.json\`) after the run. Writes: rows inserted or updated in PostgreSQL, or checkpoint files renamed into place by the file backend (inotify; a rename whose file is gone again by the time it is seen is not counted, so this is a lower bound). Peak memory: the largest sum of VmRSS over the runner's process tree (PostgreSQL's own processes not included). One run per figure.`,
    "",
    renderTable(["clusters", "stacks × clusters", "backend", "stacks at once", "wall", "per cluster", "state per cluster", "backend writes", "peak memory"], rows),
  ];
  // Marginal cost: between fleets of the same shard size, backend and concurrency.
  const marginal: string[][] = [];
  const groups = new Map<string, Measured[]>();
  for (const m of results) {
    if (!m.ok) continue;
    const key = `${m.run.perStack}/${m.run.backend}/${m.run.concurrency}/${JSON.stringify(m.run.env ?? {})}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.clusters - b.clusters);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1] as Measured;
      const b = sorted[i] as Measured;
      if (a.clusters === b.clusters) continue;
      marginal.push([`${label(a.run)} → ${label(b.run)}`, b.run.backend, String(b.run.concurrency), formatMs(a.wallMs / a.clusters), formatMs(b.wallMs / b.clusters), formatMs((b.wallMs - a.wallMs) / (b.clusters - a.clusters)), `${(b.wallMs / b.clusters / (a.wallMs / a.clusters)).toFixed(2)}×`]);
    }
  }
  if (marginal.length > 0) {
    lines.push("", "Marginal cost (same shard size, backend and concurrency):", "", renderTable(["fleets", "backend", "stacks at once", "per cluster, smaller", "per cluster, larger", "marginal per extra cluster", "larger vs smaller per cluster"], marginal));
  }
  return lines;
}
