/**
 * The fleet report as Markdown for a CI job summary or a pull-request comment: the verdict, the totals,
 * the shortfalls per rule, then the clusters worst first, cut to a length the target accepts (a GitHub
 * comment holds 65,536 characters, a job summary 1 MiB; GitLab notes 1,000,000), saying how many were
 * left out and where the rest is. Pure.
 */
import { FleetReportModel, OUTCOME_LABELS, ReportCluster, formatValue, recordedNotice } from "./reportModel";

/** GitHub's limit on an issue or pull-request comment's body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Text inside a table cell: one line, no pipes, no markup, at most `max` characters. */
export function cellText(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|").replace(/([*_`<>[\]])/g, "\\$1");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const ICON: Readonly<Record<string, string>> = { failed: "🔴", unreachable: "🟣", locked: "🟠", "not-run": "⚪", drifted: "🟡", "as-declared": "🟢" };

function problem(c: ReportCluster): string {
  if (c.outcome === "drifted") {
    const differing = c.settings.filter((s) => s.differs).map((s) => `${s.setting} ${formatValue(s.found)} → ${formatValue(s.desired)}`);
    return differing.length > 0 ? `drifted: ${differing.join("; ")}` : "drifted";
  }
  if (c.error !== undefined) return `${c.error.split("\n")[0]}${c.advice === undefined ? "" : ` — ${c.advice}`}`;
  if (c.advice !== undefined) return c.advice;
  const short = c.verdicts.filter((v) => v.result === "fail").map((v) => `${v.rule}${v.level === "advisory" ? " (advisory)" : ""}`);
  return short.length > 0 ? `short of ${short.join(", ")}` : "";
}

/** The report in at most `limit` characters (whole lines: the table is cut, never a row). */
export function renderMarkdown(model: FleetReportModel, options: { limit?: number; htmlName?: string } = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const t = model.totals;
  const verdict = model.exitCode === 0 ? "✅ all as declared" : model.exitCode === 3 ? "🟡 drift found" : "❌ problems found";
  const notice = recordedNotice(model, 20);
  const head = [
    `## ${cellText(model.title, 120)}: ${verdict} (exit ${model.exitCode})`,
    "",
    ...(notice === undefined
      ? []
      : [`> ⚠️ **${notice.headline}**`, ">", ...notice.stacks.map((line) => `> - ${cellText(line, 200)}`), ...(notice.more > 0 ? [`> - … and ${notice.more} more stacks`] : []), ""]),
    `${t.clusters.toLocaleString("en-US")} clusters in ${t.stacks.toLocaleString("en-US")} stacks · ${model.commands.map((c) => `\`fleet ${c}\``).join(", ") || (notice === undefined ? "no run" : "state as last recorded")}${model.startedAt === undefined ? "" : ` · ${model.startedAt}`}`,
    "",
    "| as declared | drifted | below baseline | failed | unreachable | locked | not run |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    `| ${t["as-declared"]} | ${t.drifted} | ${t.belowBaseline} | ${t.failed} | ${t.unreachable} | ${t.locked} | ${t["not-run"]} |`,
    "",
    "| baseline rule | level | clusters short | checked |",
    "|---|---|---:|---:|",
    ...model.rules.map((r) => `| ${r.rule} | ${r.level} | ${r.shortfalls} | ${r.checked} |`),
    "",
  ];
  const troubled = model.stacks.filter((s) => s.recovery !== undefined);
  const recovery = troubled.length === 0 ? [] : ["**Recovery**", "", ...troubled.slice(0, 20).map((s) => `- ${cellText(s.stack, 80)} (${s.status}): ${cellText(s.recovery as string, 400)}`), ...(troubled.length > 20 ? [`- … and ${troubled.length - 20} more stacks`] : []), ""];
  const worst = model.clusters.filter((c) => c.outcome !== "as-declared" || c.verdicts.some((v) => v.result === "fail"));
  const tableHead = ["| | stack | cluster | release | below baseline | problem |", "|---|---|---|---|---|---|"];
  const rows = worst.map((c) => `| ${ICON[c.outcome]} ${OUTCOME_LABELS[c.outcome]} | ${cellText(c.stack, 60)} | ${cellText(c.cluster, 60)} | ${cellText(c.release ?? "?", 20)} | ${c.belowBaseline ? "yes" : "no"} | ${cellText(problem(c))} |`);
  const where = options.htmlName === undefined ? "the HTML report" : `\`${options.htmlName}\``;
  const tail = (left: number) => (left === 0 ? [] : ["", `… and ${left.toLocaleString("en-US")} more clusters with problems: see ${where}.`]);
  const fixed = [...head, ...recovery];
  if (worst.length === 0) return `${[...fixed, "No cluster needs attention."].join("\n")}\n`;
  const lines = [...fixed, `**Clusters needing attention, worst first (${worst.length.toLocaleString("en-US")})**`, "", ...tableHead];
  let length = lines.join("\n").length + 1;
  let shown = 0;
  const reserve = tail(worst.length).join("\n").length + 2;
  for (const row of rows) {
    if (length + row.length + 1 + reserve > limit) break;
    lines.push(row);
    length += row.length + 1;
    shown++;
  }
  const text = [...lines, ...tail(worst.length - shown)].join("\n");
  return `${text.length + 1 > limit ? text.slice(0, limit - 2) : text}\n`;
}
