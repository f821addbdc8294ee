/**
 * What a fleet run tells a person and a pipeline: a table, a JSON summary for annotations, and an
 * exit code. Pure functions of the results.
 */
import type { FleetCommand, StackResult, StackStatus } from "./fleetRunner";
import type { Shard } from "./fleetShard";

/** Exit codes of `pulumi-ontap-security fleet`. */
export const EXIT = {
  /** Every stack succeeded (and a drift check found nothing). */
  ok: 0,
  /** A stack failed, stayed locked, had a stale lock or was cancelled. */
  failed: 1,
  /** The command line or the inventory is wrong; nothing ran. */
  usage: 2,
  /** A drift check found changes, and nothing failed. */
  drift: 3,
} as const;

/** Statuses that make the run fail. */
const FAILING: ReadonlySet<StackStatus> = new Set(["failed", "locked", "stale-lock", "cancelled"]);

/** The exit code for a run's results. */
export function exitCode(results: readonly StackResult[]): number {
  if (results.some((result) => FAILING.has(result.status))) return EXIT.failed;
  if (results.some((result) => result.status === "drift")) return EXIT.drift;
  return EXIT.ok;
}

/** Totals over the stacks. */
export interface FleetTotals {
  readonly stacks: number;
  readonly byStatus: Readonly<Partial<Record<StackStatus, number>>>;
  readonly clusters: number;
  readonly changed: number;
  readonly failedClusters: number;
}

export function totals(results: readonly StackResult[]): FleetTotals {
  const byStatus: Partial<Record<StackStatus, number>> = {};
  for (const result of results) byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
  return {
    stacks: results.length,
    byStatus,
    clusters: results.reduce((sum, r) => sum + r.clusters, 0),
    changed: results.reduce((sum, r) => sum + r.changed, 0),
    failedClusters: results.reduce((sum, r) => sum + r.failed, 0),
  };
}

/** The machine-readable summary (`--json FILE`). Stable field names; one entry per stack, in inventory order. */
export interface FleetSummary {
  readonly command: FleetCommand;
  readonly driftCheck: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly exitCode: number;
  readonly totals: FleetTotals;
  /** The part of the inventory this run covered (`--shard K/N`); absent: all of it. */
  readonly shard?: Shard;
  readonly stacks: readonly StackResult[];
}

export function summary(command: FleetCommand, driftCheck: boolean, startedAt: Date, durationMs: number, results: readonly StackResult[], shard?: Shard): FleetSummary {
  return {
    command,
    driftCheck,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    exitCode: exitCode(results),
    totals: totals(results),
    ...(shard === undefined ? {} : { shard }),
    stacks: results,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The table printed at the end: one row per stack, then the totals and each problem with what to do. */
export function renderSummary(s: FleetSummary): string {
  const changedLabel = s.command === "preview" ? "to change" : s.command === "refresh" ? "drifted" : "changed";
  const header = ["stack", "status", "clusters", changedLabel, "failed", "attempts", "time"];
  const rows = s.stacks.map((r) => [r.stack, r.status, String(r.clusters), String(r.changed), String(r.failed), String(r.attempts), seconds(r.durationMs)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join("  ").trimEnd();
  const statuses = Object.entries(s.totals.byStatus).map(([status, n]) => `${n} ${status}`).join(", ");
  const out = [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `fleet ${s.command}${s.driftCheck ? " (drift check)" : ""}: ${s.totals.stacks} stacks (${statuses}), ${s.totals.clusters} clusters, ${s.totals.changed} ${changedLabel}, ${s.totals.failedClusters} failed, in ${seconds(s.durationMs)}; exit ${s.exitCode}`,
  ];
  const problems = s.stacks.filter((r) => r.error !== undefined);
  if (problems.length > 0) {
    out.push("", "Problems:");
    for (const r of problems) out.push(`  ${r.stack} (${r.status}): ${(r.error as string).split("\n").join("\n    ")}`);
  }
  return out.join("\n");
}
