/**
 * The fleet report as JUnit XML, the form GitLab, Jenkins, Azure DevOps and GitHub's test reporters
 * show natively: a test suite per stack, a test case per cluster, and in it a `<failure>` per mandatory
 * baseline shortfall and per drift, an `<error>` per error (a failed, unreachable or locked cluster), and
 * `<skipped>` for a cluster no run reached. Advisory shortfalls are printed in the case's output, not
 * failed: the policy pack only warns about them too. Pure.
 */
import { FleetReportModel, OUTCOME_LABELS, ReportCluster, formatValue } from "./reportModel";

/** Text fit for XML 1.0: escaped, and without the control characters XML cannot hold. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

const attr = (name: string, value: string | number): string => ` ${name}="${xmlText(String(value))}"`;

interface Problem {
  readonly kind: "failure" | "error" | "skipped";
  readonly type: string;
  readonly message: string;
  readonly detail?: string;
}

/** What a cluster's test case reports. */
export function problemsOf(cluster: ReportCluster): Problem[] {
  const problems: Problem[] = [];
  if (cluster.outcome === "not-run") return [{ kind: "skipped", type: "not-run", message: [cluster.error, cluster.advice].filter((x) => x !== undefined).join(": ") || "not run" }];
  if (cluster.outcome === "failed" || cluster.outcome === "unreachable" || cluster.outcome === "locked") {
    problems.push({
      kind: "error",
      type: cluster.outcome,
      message: `${OUTCOME_LABELS[cluster.outcome]}: ${(cluster.error ?? "no detail").split("\n")[0]}`,
      detail: [cluster.error, cluster.advice].filter((x) => x !== undefined).join("\n"),
    });
  }
  if (cluster.outcome === "drifted") {
    const differing = cluster.settings.filter((s) => s.differs);
    const lines = differing.map((s) => `${s.setting}: cluster has ${formatValue(s.found)}, program declares ${formatValue(s.desired)}`);
    problems.push({
      kind: "failure",
      type: "drift",
      message: differing.length === 0 ? "differs from its declaration" : `drifted: ${differing.map((s) => s.setting).join(", ")}`,
      detail: [...lines, ...(cluster.advice === undefined ? [] : [cluster.advice])].join("\n"),
    });
  }
  for (const verdict of cluster.verdicts) {
    if (verdict.result !== "fail" || verdict.level !== "mandatory") continue;
    verdict.shortfalls.forEach((shortfall, i) => {
      problems.push({ kind: "failure", type: verdict.rule, message: `${verdict.rule}: ${shortfall.setting} = ${formatValue(shortfall.value)}`, detail: verdict.messages[i] as string });
    });
  }
  return problems;
}

function testCase(cluster: ReportCluster): { xml: string; failures: number; errors: number; skipped: number } {
  const problems = problemsOf(cluster);
  const advisory = cluster.verdicts.filter((v) => v.result === "fail" && v.level === "advisory").flatMap((v) => v.messages.map((m) => `advisory ${v.rule}: ${m}`));
  const info = [
    `stack ${cluster.stack}, cluster ${cluster.cluster}${cluster.clusterName === undefined ? "" : ` (${cluster.clusterName})`}${cluster.host === undefined ? "" : `, host ${cluster.host}`}`,
    `release ${cluster.release ?? "unknown"}, encryption_state ${cluster.encryptionState ?? "not reported"}, outcome ${OUTCOME_LABELS[cluster.outcome]}${cluster.lastChange === undefined ? "" : `, last change ${cluster.lastChange}`}`,
    ...cluster.settings.filter((s) => s.found !== undefined || s.desired !== undefined).map((s) => `${s.setting}: found ${formatValue(s.found)}, declared ${formatValue(s.desired)}`),
    ...advisory,
  ];
  const body = problems
    .map((p) => `\n      <${p.kind}${attr("message", p.message)}${p.kind === "skipped" ? "" : attr("type", p.type)}>${p.detail === undefined ? "" : xmlText(p.detail)}</${p.kind}>`)
    .join("");
  const xml = `    <testcase${attr("classname", `ontap.fleet.${cluster.stack}`)}${attr("name", cluster.cluster)}${attr("time", 0)}>${body}\n      <system-out>${xmlText(info.join("\n"))}</system-out>\n    </testcase>`;
  return {
    xml,
    failures: problems.filter((p) => p.kind === "failure").length,
    errors: problems.filter((p) => p.kind === "error").length,
    skipped: problems.some((p) => p.kind === "skipped") ? 1 : 0,
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
    const cases = (byStack.get(stack.stack) ?? []).slice().sort((a, b) => a.cluster.localeCompare(b.cluster)).map(testCase);
    const f = cases.reduce((n, c) => n + c.failures, 0);
    const e = cases.reduce((n, c) => n + c.errors, 0);
    const s = cases.reduce((n, c) => n + c.skipped, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    skipped += s;
    suites.push(
      `  <testsuite${attr("name", stack.stack)}${attr("tests", cases.length)}${attr("failures", f)}${attr("errors", e)}${attr("skipped", s)}${model.startedAt === undefined ? "" : attr("timestamp", model.startedAt.replace(/\.\d+Z$/, ""))}>\n` +
        `    <properties><property${attr("name", "status")}${attr("value", stack.status)}/>${stack.shard === undefined ? "" : `<property${attr("name", "shard")}${attr("value", stack.shard)}/>`}</properties>\n` +
        `${cases.map((c) => c.xml).join("\n")}${cases.length === 0 ? "" : "\n"}  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr("name", model.title)}${attr("tests", tests)}${attr("failures", failures)}${attr("errors", errors)}${attr("skipped", skipped)}>\n${suites.join("\n")}\n</testsuites>\n`;
}
