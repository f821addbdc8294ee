/**
 * A fleet's security posture from one or more fleet runs (a whole fleet, or the shards of one): every
 * cluster with its outcome, its settings found and declared, and the baseline's verdicts. Pure: the
 * HTML, JUnit and Markdown reports are views of this model, and tested through it.
 *
 * The verdicts are `policy/baseline.ts`'s rules, run on the settings each cluster reported, exactly as
 * the policy pack runs them on a stack's outputs; which settings differ is the provider's own judgement.
 */
import { BASELINE_RULES, BaselineRule, EnforcementLevel, SettingsView, Shortfall, ruleConfig, violationMessage } from "../policy/baseline";
import { MANAGED_ROWS, differingSettings, valueIn } from "../provider/lifecycle/settings";
import type { ClusterRecord } from "./fleetClusters";
import type { FleetStack } from "./fleetInventory";
import { EXIT, FleetSummary, exitCode } from "./fleetReport";
import type { FleetCommand, StackResult, StackStatus } from "./fleetRunner";

/** What became of one cluster, worst first. */
export const OUTCOMES = ["failed", "unreachable", "locked", "not-run", "drifted", "as-declared"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  failed: "failed",
  unreachable: "unreachable",
  locked: "locked",
  "not-run": "not run",
  drifted: "drifted",
  "as-declared": "as declared",
};

/** One managed setting of one cluster. */
export interface SettingCell {
  /** `tls.protocolVersions`. */
  readonly setting: string;
  /** What the cluster reported (absent: not reported, or not read). */
  readonly found?: unknown;
  /** What the program declares (absent: not managed by the program). */
  readonly desired?: unknown;
  /** The program declares it and the cluster reports something else. */
  readonly differs: boolean;
}

/** One rule's verdict on one cluster. */
export interface Verdict {
  readonly rule: string;
  readonly level: EnforcementLevel;
  /** `pass`, `fail`, or `unknown` when the cluster's settings were never read. */
  readonly result: "pass" | "fail" | "unknown";
  /** What falls short (the rule's own findings) and the policy pack's message for each. */
  readonly shortfalls: readonly Shortfall[];
  readonly messages: readonly string[];
}

/** One row of the report. */
export interface ReportCluster {
  readonly stack: string;
  /** The resource's name; the cluster's own name when it differs is `clusterName`. */
  readonly cluster: string;
  readonly clusterName?: string;
  readonly host?: string;
  readonly release?: string;
  readonly encryptionState?: string;
  readonly outcome: Outcome;
  /** A mandatory rule of the baseline falls short on it. */
  readonly belowBaseline: boolean;
  readonly settings: readonly SettingCell[];
  readonly verdicts: readonly Verdict[];
  readonly lastChange?: string;
  readonly error?: string;
  /** What to do about `error` or the outcome, when the error does not say it already. */
  readonly advice?: string;
}

export interface ReportStack {
  readonly stack: string;
  /** The runner's status, or `not-run` when no summary (nor, for a report from state, the backend) has the stack. */
  readonly status: StackStatus | "not-run";
  /** Taken from the stack's state as last written at this time, not from a run. */
  readonly recordedAt?: string;
  readonly shard?: string;
  readonly error?: string;
  readonly recovery?: string;
}

export interface RuleTotal {
  readonly rule: string;
  readonly description: string;
  readonly level: EnforcementLevel;
  /** Clusters that fall short of it. */
  readonly shortfalls: number;
  /** Clusters whose settings it could judge. */
  readonly checked: number;
}

export interface FleetReportModel {
  readonly title: string;
  /** When the newest run started (ISO). */
  readonly startedAt?: string;
  readonly commands: readonly string[];
  readonly exitCode: number;
  readonly totals: Readonly<Record<Outcome, number>> & { readonly clusters: number; readonly belowBaseline: number; readonly stacks: number };
  readonly rules: readonly RuleTotal[];
  /** Clusters per ONTAP release (`unknown` when never read), and per encryption state. */
  readonly releases: Readonly<Record<string, number>>;
  readonly encryptionStates: Readonly<Record<string, number>>;
  readonly stacks: readonly ReportStack[];
  /** Worst first. */
  readonly clusters: readonly ReportCluster[];
  /**
   * The stacks taken from their state rather than from a run, each with when its state was last written
   * (absent: the backend has no such stack). Their clusters were not asked: drift is as last recorded.
   */
  readonly recorded?: readonly { readonly stack: string; readonly at?: string }[];
  /** Runs that went into it, each with its shard. */
  readonly runs: readonly { readonly command: string; readonly driftCheck: boolean; readonly startedAt: string; readonly exitCode: number; readonly shard?: string; readonly stacks: number }[];
}

/** An inventory stack with the shard that runs it, for stacks no summary has. */
export interface ExpectedStack extends Pick<FleetStack, "name" | "clusters"> {
  readonly shard?: string;
  /** The command line that runs it again. */
  readonly rerun?: string;
}

/** A stack as its state records it, for a report without a run (see reportState.ts). */
export interface RecordedStack {
  readonly stack: string;
  /** When its state was last written; absent: the backend has no such stack. */
  readonly recordedAt?: string;
  /** What the state records, as a run's result says it: `succeeded`, `drift` (as recorded), `failed` (operations left in flight), `cancelled` (no such stack). */
  readonly result: StackResult;
  /** What to do about it, when something is. */
  readonly recovery?: string;
}

/** Error text that says the cluster did not answer (the network, not the cluster, failed). */
const UNREACHABLE = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up)\b|lost contact with the cluster|network timeout/i;

/** The rules as the report runs them: the pack's defaults. */
export interface RuleSetting {
  readonly rule: BaselineRule;
  readonly level: EnforcementLevel;
  readonly config: Readonly<Record<string, unknown>>;
}

export const DEFAULT_RULES: readonly RuleSetting[] = BASELINE_RULES.map((rule) => ({ rule, level: rule.enforcementLevel, config: {} }));

function verdictsOf(found: Readonly<Record<string, unknown>> | undefined, label: { resource: string; cluster?: string; host?: string }, rules: readonly RuleSetting[]): Verdict[] {
  return rules
    .filter((r) => r.level !== "disabled")
    .map(({ rule, level, config }) => {
      if (found === undefined) return { rule: rule.name, level, result: "unknown" as const, shortfalls: [], messages: [] };
      const shortfalls: Shortfall[] = rule.check(found as SettingsView, ruleConfig(rule, config), "cluster");
      return { rule: rule.name, level, result: shortfalls.length === 0 ? ("pass" as const) : ("fail" as const), shortfalls, messages: shortfalls.map((s) => violationMessage(label, "cluster", s)) };
    });
}

function settingsOf(record: ClusterRecord): SettingCell[] {
  const desired = record.desired ?? {};
  const differing = record.found === undefined ? new Set<string>() : new Set(differingSettings(desired, record.found).map((row) => row.setting as string));
  return MANAGED_ROWS.map((row) => {
    const found = valueIn(record.found, row);
    const want = valueIn(desired, row);
    return { setting: row.setting, ...(found === undefined ? {} : { found }), ...(want === undefined ? {} : { desired: want }), differs: differing.has(row.setting) };
  });
}

function outcomeOf(record: ClusterRecord, stack: StackResult | undefined, command: FleetCommand | undefined): Outcome {
  if (stack === undefined || stack.status === "cancelled") return record.op === undefined ? "not-run" : record.failed ? "failed" : record.changed && command !== "up" ? "drifted" : "as-declared";
  if (stack.status === "locked" || stack.status === "stale-lock") return "locked";
  if (record.failed || (record.errors?.length ?? 0) > 0) return UNREACHABLE.test((record.errors ?? []).join("\n")) ? "unreachable" : "failed";
  if (stack.status === "failed") return record.op === undefined ? (UNREACHABLE.test(stack.error ?? "") ? "unreachable" : "failed") : record.changed && command !== "up" ? "drifted" : "as-declared";
  if (record.op === undefined) return "not-run";
  // An up that changed a cluster made it as declared; anything else that changed found it differing.
  return record.changed && command !== "up" ? "drifted" : "as-declared";
}

function adviceFor(outcome: Outcome, stack: ReportStack, command: string | undefined): string | undefined {
  switch (outcome) {
    case "not-run":
      return stack.recovery ?? (command === undefined ? "no run reached this stack: run it" : `the run never reached this stack: run \`fleet ${command}\` for it again`);
    case "locked":
      return stack.recovery === undefined ? "wait for the run holding the lock to finish, then run again" : `once sure no run is using the stack: \`${stack.recovery}\`, then run again`;
    case "drifted":
      return command === "up" ? undefined : "`fleet up` brings it back to the declaration (or change the program if the cluster is right)";
    default:
      return undefined;
  }
}

const tally = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

/**
 * The model from the summaries of one or more runs (later summaries win for a stack they share),
 * optionally the stacks every run should have covered (those no summary has are `not-run`), and the
 * stacks as their state records them, for the stacks no summary has: a run's word beats the state's.
 */
export function buildReport(
  summaries: readonly FleetSummary[],
  options: { expected?: readonly ExpectedStack[]; recorded?: readonly RecordedStack[]; title?: string; rules?: readonly RuleSetting[] } = {},
): FleetReportModel {
  const rules = options.rules ?? DEFAULT_RULES;
  const latest = new Map<string, { result: StackResult; summary: FleetSummary }>();
  const ordered = [...summaries].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const summary of ordered) for (const result of summary.stacks) latest.set(result.stack, { result, summary });
  const expected = new Map((options.expected ?? []).map((s) => [s.name, s]));
  const recordedStacks = new Map((options.recorded ?? []).map((s) => [s.stack, s]));
  const stackNames = [...new Set([...(options.expected ?? []).map((s) => s.name), ...ordered.flatMap((s) => s.stacks.map((r) => r.stack)), ...recordedStacks.keys()])];
  const recorded: { stack: string; at?: string }[] = [];

  const stacks: ReportStack[] = [];
  const clusters: ReportCluster[] = [];
  for (const name of stackNames) {
    const run = latest.get(name);
    const state = run === undefined ? recordedStacks.get(name) : undefined;
    if (state !== undefined) recorded.push({ stack: name, ...(state.recordedAt === undefined ? {} : { at: state.recordedAt }) });
    // What the state records reads as a refresh's result: drift is what differs, nothing more was done.
    const got = run ?? (state === undefined ? undefined : { result: state.result, summary: undefined });
    const plan = expected.get(name);
    const shard = got?.summary?.shard === undefined ? plan?.shard : `${got.summary.shard.index}/${got.summary.shard.count}`;
    const stack: ReportStack = {
      stack: name,
      status: got === undefined || (state !== undefined && state.recordedAt === undefined) ? "not-run" : got.result.status,
      ...(state?.recordedAt === undefined ? {} : { recordedAt: state.recordedAt }),
      ...(shard === undefined ? {} : { shard }),
      ...(got?.result.error === undefined ? (got === undefined ? { error: `no summary has this stack${shard === undefined ? "" : `: shard ${shard} did not report (its runner stopped or never ran)`}` } : {}) : { error: got.result.error }),
      ...(got?.result.lock?.recovery !== undefined || state?.recovery !== undefined
        ? { recovery: (got?.result.lock?.recovery ?? state?.recovery) as string }
        : got === undefined && plan?.rerun !== undefined
          ? { recovery: `${plan.rerun} (a stack its stopped runner left locked is then reported stale, with its \`pulumi cancel\`)` }
          : {}),
    };
    stacks.push(stack);
    const command = got === undefined ? undefined : (got.summary?.command ?? "refresh");
    const records: readonly ClusterRecord[] = got?.result.details ?? (plan?.clusters ?? []).map((c) => ({ name: c.name, host: c.host, changed: false, failed: false }));
    for (const record of records) {
      const outcome = outcomeOf(record, got?.result, command);
      const label = { resource: record.name, ...(record.clusterName === undefined ? {} : { cluster: record.clusterName }), ...(record.host === undefined ? {} : { host: record.host }) };
      const verdicts = verdictsOf(record.found, label, rules);
      const sde = record.found?.softwareDataEncryption as { encryptionState?: unknown } | undefined;
      const error = record.errors?.join("\n") ?? (outcome === "failed" || outcome === "unreachable" || outcome === "locked" || outcome === "not-run" ? stack.error : undefined);
      const advice = adviceFor(outcome, stack, command);
      clusters.push({
        stack: name,
        cluster: record.name,
        ...(record.clusterName === undefined || record.clusterName === record.name ? {} : { clusterName: record.clusterName }),
        ...(record.host === undefined ? {} : { host: record.host }),
        ...(record.release === undefined ? {} : { release: record.release }),
        ...(typeof sde?.encryptionState === "string" ? { encryptionState: sde.encryptionState } : {}),
        outcome,
        belowBaseline: verdicts.some((v) => v.result === "fail" && v.level === "mandatory"),
        settings: settingsOf(record),
        verdicts,
        ...(record.lastChange === undefined ? {} : { lastChange: record.lastChange }),
        ...(error === undefined ? {} : { error }),
        ...(advice === undefined ? {} : { advice }),
      });
    }
  }
  clusters.sort(worstFirst);

  const totals = { clusters: clusters.length, belowBaseline: 0, stacks: stacks.length } as Record<string, number>;
  for (const outcome of OUTCOMES) totals[outcome] = 0;
  const releases: Record<string, number> = {};
  const encryptionStates: Record<string, number> = {};
  for (const cluster of clusters) {
    tally(totals, cluster.outcome);
    if (cluster.belowBaseline) totals.belowBaseline = (totals.belowBaseline ?? 0) + 1;
    tally(releases, cluster.release ?? "unknown");
    tally(encryptionStates, cluster.encryptionState ?? (cluster.release === undefined ? "unknown" : "not reported"));
  }
  const ruleTotals: RuleTotal[] = rules
    .filter((r) => r.level !== "disabled")
    .map(({ rule, level }) => ({
      rule: rule.name,
      description: rule.description,
      level,
      shortfalls: clusters.filter((c) => c.verdicts.some((v) => v.rule === rule.name && v.result === "fail")).length,
      checked: clusters.filter((c) => c.verdicts.some((v) => v.rule === rule.name && v.result !== "unknown")).length,
    }));

  const allResults: StackResult[] = stackNames.map(
    (name) => latest.get(name)?.result ?? recordedStacks.get(name)?.result ?? { stack: name, status: "cancelled", clusters: 0, changed: 0, failed: 0, operations: {}, attempts: 0, durationMs: 0 },
  );
  const newest = ordered[ordered.length - 1];
  return {
    title: options.title ?? "ONTAP fleet security",
    ...(newest === undefined ? {} : { startedAt: newest.startedAt }),
    commands: [...new Set(ordered.map((s) => `${s.command}${s.driftCheck ? " --drift-check" : ""}`))],
    ...(recorded.length === 0 ? {} : { recorded }),
    exitCode: allResults.length === 0 ? EXIT.failed : exitCode(allResults),
    totals: totals as FleetReportModel["totals"],
    rules: ruleTotals,
    releases,
    encryptionStates,
    stacks,
    clusters,
    runs: ordered.map((s) => ({
      command: s.command,
      driftCheck: s.driftCheck,
      startedAt: s.startedAt,
      exitCode: s.exitCode,
      stacks: s.stacks.length,
      ...(s.shard === undefined ? {} : { shard: `${s.shard.index}/${s.shard.count}` }),
    })),
  };
}

/** Rank of a cluster for "worst first": its outcome, then below the baseline, then failed rules. */
export function severity(cluster: ReportCluster): number {
  const outcome = OUTCOMES.indexOf(cluster.outcome);
  const failedRules = cluster.verdicts.filter((v) => v.result === "fail").length;
  return outcome * 100 - (cluster.belowBaseline ? 50 : 0) - failedRules;
}

function worstFirst(a: ReportCluster, b: ReportCluster): number {
  return severity(a) - severity(b) || a.stack.localeCompare(b.stack) || a.cluster.localeCompare(b.cluster);
}

/**
 * What every view says of a report from state, so nobody takes it for a drift check: whose state, as
 * last written when, and that no cluster was asked. `max` stacks are named, then how many more.
 */
export function recordedNotice(model: FleetReportModel, max: number): { headline: string; stacks: string[]; more: number } | undefined {
  if (model.recorded === undefined || model.recorded.length === 0) return undefined;
  const inBackend = model.recorded.filter((r) => r.at !== undefined);
  const times = inBackend.map((r) => r.at as string).sort();
  const span = times.length === 0 ? "" : times[0] === times[times.length - 1] ? `, last written at ${times[0]}` : `, last written between ${times[0]} and ${times[times.length - 1]}`;
  return {
    headline: `State as last recorded, not a live read: ${model.recorded.length} stack${model.recorded.length === 1 ? "" : "s"} as their state in the backend records them${span}. No cluster was asked; drift is what the last update or refresh recorded (\`fleet refresh --drift-check\` reads the clusters).`,
    stacks: model.recorded.slice(0, max).map((r) => `${r.stack}: ${r.at === undefined ? "no state in the backend" : `state as last recorded at ${r.at}`}`),
    more: Math.max(0, model.recorded.length - max),
  };
}

/** A value as the reports print it: lists joined, booleans as on/off words ONTAP's CLI uses. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "—";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "true" : "false";
  return typeof value === "string" ? value : JSON.stringify(value);
}
