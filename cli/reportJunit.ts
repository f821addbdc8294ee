/**
 * The fleet report as JUnit XML, the form GitLab, Jenkins, Azure DevOps and GitHub's test reporters
 * show natively: a test suite per stack, a test case per cluster, and in it at most one of: an `<error>`
 * (a failed, unreachable or locked cluster), a `<failure>` (drift and mandatory baseline shortfalls, a
 * line each), or `<skipped>` (a cluster no run reached). Advisory shortfalls are printed in the case's
 * output, not failed: the policy pack only warns about them too. Pure.
 */
import { FleetReportModel, OUTCOME_LABELS, ReportCluster, formatValue } from "./reportModel";

/** Text fit for XML 1.0: escaped, and without the control characters XML cannot hold. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

const attr = (name: string, value: string | number): string => ` ${name}="${xmlText(String(value))}"`;

/** What a test case reports: one element, or none when the cluster passes. */
export interface Problem {
  readonly kind: "failure" | "error" | "skipped";
  readonly type: string;
  readonly message: string;
  readonly detail?: string;
}

/** The mandatory shortfalls of a cluster, one line each (the policy pack's own message), worst rule first. */
function shortfallLines(cluster: ReportCluster): { rules: string[]; lines: string[] } {
  const failing = cluster.verdicts.filter((v) => v.result === "fail" && v.level === "mandatory");
  return { rules: failing.map((v) => v.rule), lines: failing.flatMap((v) => v.messages.map((m) => `${v.rule}: ${m}`)) };
}

/** How it differs from its declaration, one line per setting. */
function driftLines(cluster: ReportCluster): string[] {
  return cluster.settings.filter((s) => s.differs).map((s) => `drift ${s.setting}: cluster has ${formatValue(s.found)}, program declares ${formatValue(s.desired)}`);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The one thing a cluster's test case reports, or nothing when it passes. One element per case is what
 * the strictest readers take (Apache Ant's schema allows one failure or one error or one skipped; GitLab
 * shows only the first): a cluster that did not run or failed is that, with its drift and shortfalls in
 * the text; otherwise every drift and mandatory shortfall goes into one failure, a line each.
 */
export function problemOf(cluster: ReportCluster): Problem | undefined {
  if (cluster.outcome === "not-run") return { kind: "skipped", type: "not-run", message: [cluster.error, cluster.advice].filter((x) => x !== undefined).join(": ") || "not run" };
  const short = shortfallLines(cluster);
  const drift = driftLines(cluster);
  if (cluster.outcome === "failed" || cluster.outcome === "unreachable" || cluster.outcome === "locked") {
    return {
      kind: "error",
      type: cluster.outcome,
      message: `${OUTCOME_LABELS[cluster.outcome]}: ${(cluster.error ?? "no detail").split("\n")[0]}`,
      detail: [cluster.error, cluster.advice, ...short.lines, ...drift].filter((x) => x !== undefined).join("\n"),
    };
  }
  const drifted = cluster.outcome === "drifted";
  if (short.lines.length === 0 && !drifted) return undefined;
  const differing = cluster.settings.filter((s) => s.differs).map((s) => s.setting);
  const parts = [
    ...(short.lines.length === 0 ? [] : [`below the baseline: ${plural(short.lines.length, "mandatory shortfall")} (${short.rules.join(", ")})`]),
    ...(drifted ? [differing.length === 0 ? "drifted from its declaration" : `drifted in ${plural(differing.length, "setting")} (${differing.join(", ")})`] : []),
  ];
  return {
    kind: "failure",
    // The worst first: a shortfall of the baseline's first failing rule, else the drift.
    type: short.rules[0] ?? "drift",
    message: parts.join("; "),
    detail: [...short.lines, ...drift, ...(drifted && cluster.advice !== undefined ? [cluster.advice] : [])].join("\n"),
  };
}

function testCase(cluster: ReportCluster, recordedAt: string | undefined): { xml: string; failures: number; errors: number; skipped: number } {
  const p = problemOf(cluster);
  const advisory = cluster.verdicts.filter((v) => v.result === "fail" && v.level === "advisory").flatMap((v) => v.messages.map((m) => `advisory ${v.rule}: ${m}`));
  const info = [
    ...(recordedAt === undefined ? [] : [`state as last recorded at ${recordedAt}, not a live read: no cluster was asked`]),
    `stack ${cluster.stack}, cluster ${cluster.cluster}${cluster.clusterName === undefined ? "" : ` (${cluster.clusterName})`}${cluster.host === undefined ? "" : `, host ${cluster.host}`}`,
    `release ${cluster.release ?? "unknown"}, encryption_state ${cluster.encryptionState ?? "not reported"}, outcome ${OUTCOME_LABELS[cluster.outcome]}${cluster.lastChange === undefined ? "" : `, last change ${cluster.lastChange}`}`,
    ...cluster.settings.filter((s) => s.found !== undefined || s.desired !== undefined).map((s) => `${s.setting}: found ${formatValue(s.found)}, declared ${formatValue(s.desired)}`),
    ...advisory,
  ];
  const body = p === undefined ? "" : `\n      <${p.kind}${attr("message", p.message)}${p.kind === "skipped" ? "" : attr("type", p.type)}>${p.detail === undefined ? "" : xmlText(p.detail)}</${p.kind}>`;
  const xml = `    <testcase${attr("classname", `ontap.fleet.${cluster.stack}`)}${attr("name", cluster.cluster)}${attr("time", 0)}>${body}\n      <system-out>${xmlText(info.join("\n"))}</system-out>\n    </testcase>`;
  return {
    xml,
    failures: p?.kind === "failure" ? 1 : 0,
    errors: p?.kind === "error" ? 1 : 0,
    skipped: p?.kind === "skipped" ? 1 : 0,
  };
}

/** The whole report as one JUnit XML document. */
export function renderJunit(model: FleetReportModel): string {
  const byStack = new Map<string, ReportCluster[]>();
  for (const cluster of model.clusters) byStack.set(cluster.stack, [...(byStack.get(cluster.stack) ?? []), cluster]);
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const suites: string[] = [];
  for (const stack of model.stacks) {
    const cases = (byStack.get(stack.stack) ?? [])
      .slice()
      .sort((a, b) => a.cluster.localeCompare(b.cluster))
      .map((c) => testCase(c, stack.recordedAt));
    const timestamp = stack.recordedAt ?? model.startedAt;
    const f = cases.reduce((n, c) => n + c.failures, 0);
    const e = cases.reduce((n, c) => n + c.errors, 0);
    const s = cases.reduce((n, c) => n + c.skipped, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    skipped += s;
    suites.push(
      `  <testsuite${attr("name", stack.stack)}${attr("tests", cases.length)}${attr("failures", f)}${attr("errors", e)}${attr("skipped", s)}${timestamp === undefined ? "" : attr("timestamp", timestamp.replace(/(\.\d+)?Z$/, ""))}>\n` +
        `    <properties><property${attr("name", "status")}${attr("value", stack.status)}/>${stack.shard === undefined ? "" : `<property${attr("name", "shard")}${attr("value", stack.shard)}/>`}${
          stack.recordedAt === undefined ? "" : `<property${attr("name", "source")}${attr("value", `state as last recorded at ${stack.recordedAt}, not a live read`)}/>`
        }</properties>\n` +
        `${cases.map((c) => c.xml).join("\n")}${cases.length === 0 ? "" : "\n"}  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr("name", model.title)}${attr("tests", tests)}${attr("failures", failures)}${attr("errors", errors)}${attr("skipped", skipped)}>\n${suites.join("\n")}\n</testsuites>\n`;
}
