/**
 * Writing the fleet report: `fleet preview|up|refresh --report DIR` after a run, and
 * `fleet report SUMMARY.json|DIR... [--inventory FILE] --out DIR`, which rebuilds one from the JSON
 * summaries of earlier runs (a fleet's shards merged into one report and one exit code), or, with no
 * summary, from the inventory's stacks' state in the backend.
 */
import { accessSync, constants, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { Inventory, loadInventory } from "./fleetInventory";
// The CLI checks the fleet's runs make before anything starts (fleet.ts imports this module too: both are read at call time).
import { pulumiOnPathProblem, pulumiRootProblem } from "./fleetPreconditions";
import { Redactor } from "./fleetRedact";
import { EXIT, FleetSummary } from "./fleetReport";
import { shellQuote } from "./fleetLocks";
import { Shard, assignShards, describeShard } from "./fleetShard";
import { renderHtml } from "./reportHtml";
import { renderJunit } from "./reportJunit";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "./reportMarkdown";
import { ExpectedStack, FleetReportModel, OUTCOMES, OUTCOME_LABELS, RecordedStack, RuleSetting, buildReport } from "./reportModel";
import { kindOf } from "../provider/ontap/decode";
import { parseJsonText } from "./jsonText";
import { loadPolicyConfig } from "./reportPolicyConfig";
import { readRecordedStacks } from "./reportState";
import { UsageError, integerOption } from "./usageError";

/** The files a report directory holds. */
export const REPORT_FILES = { html: "fleet-report.html", junit: "fleet-junit.xml", markdown: "fleet-summary.md" } as const;

/** The JSON summary's name in a report directory: one per shard, so shards can share one artifact folder. */
export function summaryFileName(shard?: Shard): string {
  return shard === undefined ? "fleet-summary.json" : `fleet-summary-${shard.index}-of-${shard.count}.json`;
}

/** The stacks the runs should have covered, each with its shard and the command that runs it again. */
export function expectedStacks(inventory: Inventory, inventoryArg: string, command: string | undefined, shardCount: number | undefined): ExpectedStack[] {
  const shards = shardCount === undefined ? undefined : assignShards(inventory.stacks, shardCount);
  return inventory.stacks.map((stack, i) => {
    const shard = shards === undefined ? undefined : `${shards[i]}/${shardCount}`;
    const rerun = command === undefined ? undefined : `pulumi-ontap-security fleet ${command} --inventory ${shellQuote(inventoryArg)}${shard === undefined ? "" : ` --shard ${shard}`}`;
    return { ...stack, ...(shard === undefined ? {} : { shard }), ...(rerun === undefined ? {} : { rerun }) };
  });
}

/** Writes the HTML, JUnit and Markdown views of `model` into `dir`; returns the files written. */
export function writeReports(dir: string, model: FleetReportModel, markdownLimit = GITHUB_COMMENT_LIMIT): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [
    [REPORT_FILES.html, renderHtml(model)],
    [REPORT_FILES.junit, renderJunit(model)],
    [REPORT_FILES.markdown, renderMarkdown(model, { limit: markdownLimit, htmlName: REPORT_FILES.html })],
  ] as const;
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}

/** After a run: its summary and its report (with the rules as a policy config sets them), into `dir`. */
export function writeRunReport(dir: string, summary: FleetSummary, inventory: Inventory, inventoryArg: string, rules?: readonly RuleSetting[]): string[] {
  mkdirSync(dir, { recursive: true });
  const summaryFile = path.join(dir, summaryFileName(summary.shard));
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  const command = `${summary.command}${summary.driftCheck ? " --drift-check" : ""}`;
  const expected = expectedStacks(inventory, inventoryArg, command, summary.shard?.count).filter((s) => summary.shard === undefined || s.shard === describeShard(summary.shard));
  return [summaryFile, ...writeReports(dir, buildReport([summary], { expected, ...(rules === undefined ? {} : { rules }) }))];
}

/**
 * Why `option DIR` cannot take the report's files, or undefined. Checked before anything runs: DIR
 * may be missing (it is made), but then its nearest existing folder must be writable; an existing DIR
 * must be a writable folder; and none of the files written there may be the inventory.
 */
export function reportTargetProblem(option: string, dir: string, inventory: string | undefined, files: readonly string[]): string | undefined {
  const quoted = `${option} ${JSON.stringify(dir)}`;
  let existing = path.resolve(dir);
  for (;;) {
    let stat;
    try {
      stat = statSync(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") return `${quoted}: ${(error as Error).message}`;
      const parent = path.dirname(existing);
      if (parent === existing) return `${quoted}: no folder of it exists`;
      existing = parent;
      continue;
    }
    if (!stat.isDirectory()) return `${quoted}: ${JSON.stringify(existing)} is not a folder`;
    break;
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    return `${quoted}: ${JSON.stringify(existing)} cannot be written`;
  }
  if (inventory !== undefined) {
    let inventoryPath: string;
    try {
      inventoryPath = realpathSync(inventory);
    } catch {
      return undefined;
    }
    const clash = files.find((file) => path.resolve(dir, file) === inventoryPath);
    if (clash !== undefined) return `${quoted}: its ${clash} would overwrite the inventory; give another folder`;
  }
  return undefined;
}

export const REPORT_USAGE = `usage: pulumi-ontap-security fleet report [SUMMARY...] --out DIR [options]

Builds the fleet report (${REPORT_FILES.html}, ${REPORT_FILES.junit}, ${REPORT_FILES.markdown}) from the
JSON summaries of fleet runs (--json FILE, or the ${summaryFileName()} / fleet-summary-K-of-N.json that
--report DIR writes): files, or folders holding them. The summaries of a fleet's shards merge into one
report and one exit code; a stack two summaries share is taken from the later run.

With no SUMMARY, from the stacks' state instead: --inventory's stacks as their state in the backend
records them (pulumi stack export; no cluster is asked, nothing is written): each cluster's declared
and last-read settings, release, encryption state and last change, drift as last recorded, and the
operations a run left in flight. Every view says it is the state as last recorded, with each stack's
time. A stack the backend does not have is not run.

  --out DIR            where to write the report (required)
  --inventory FILE     the fleet's inventory: its stacks that no summary has are reported as not run,
                       with the command that runs their shard again (required with no SUMMARY)
  --state              with SUMMARY: the stacks no summary has are read from their state instead of
                       reported as not run (a run's word wins for the stacks it covers)
  --concurrency N      stacks read from the backend at once (default 4)
  --pulumi-root DIR    use DIR/bin/pulumi to read state (default: pulumi on PATH)
  --policy-config FILE
                       the baseline pack's policy config (the JSON file pulumi preview|up
                       --policy-pack-config takes): the verdicts use its levels and rule settings
  --title TEXT         the report's title (default: ONTAP fleet security)
  --markdown-limit N   most characters of the Markdown (default ${GITHUB_COMMENT_LIMIT}, a GitHub comment)
  -h, --help           this text

Exit codes: as the merged run's: 0 all as declared; 1 a stack failed, was locked or not run (from
state: operations left in flight); 2 bad command line, summary or policy config; 3 drift found (from
state: as last recorded) and nothing failed.`;

/** The summary files named by `paths` (folders: their fleet-summary*.json), in a stable order. */
export function summaryFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new UsageError("SUMMARY", p, `summary "${p}" does not exist: give JSON summaries of fleet runs, or folders holding them`);
    }
    if (!stat.isDirectory()) return [p];
    const found = readdirSync(p)
      .filter((name) => /^fleet-summary.*\.json$/.test(name))
      .sort()
      .map((name) => path.join(p, name));
    if (found.length === 0) throw new UsageError("SUMMARY", p, `folder "${p}" holds no fleet-summary*.json`);
    return found;
  });
}

/** Reads one summary, naming the file and what is wrong with it. */
export function readSummary(file: string): FleetSummary {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError("SUMMARY", file, `summary ${file} cannot be read: ${(error as Error).message}`);
  }
  const parsed = parseJsonText(text);
  if ("problem" in parsed) throw new UsageError("SUMMARY", file, `summary ${file} cannot be read as JSON: ${parsed.problem}`);
  const s = parsed.value as Partial<FleetSummary>;
  const problems: string[] = [];
  if (typeof s !== "object" || s === null) problems.push("(file): expected a JSON object");
  else {
    if (s.command !== "preview" && s.command !== "up" && s.command !== "refresh") problems.push(`command: got ${JSON.stringify(s.command)}, expected "preview", "up" or "refresh"`);
    if (typeof s.startedAt !== "string") problems.push(`startedAt: got ${JSON.stringify(s.startedAt)}, expected an ISO time`);
    if (!Array.isArray(s.stacks)) problems.push(`stacks: got ${kindOf(s.stacks)}, expected the array a fleet run writes`);
    else
      s.stacks.forEach((r, i) => {
        if (typeof r?.stack !== "string" || typeof r?.status !== "string") problems.push(`stacks[${i}]: expected {stack, status, ...}`);
      });
  }
  if (problems.length > 0) throw new UsageError("SUMMARY", file, `summary ${file} is not a fleet summary:\n  ${problems.join("\n  ")}`);
  return s as FleetSummary;
}

/** `fleet report …`: resolves to the merged exit code. */
export async function runReportCommand(args: readonly string[], write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string" },
        inventory: { type: "string" },
        state: { type: "boolean" },
        concurrency: { type: "string" },
        "pulumi-root": { type: "string" },
        "policy-config": { type: "string" },
        title: { type: "string" },
        "markdown-limit": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError("", undefined, `${(error as Error).message}\n${REPORT_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(REPORT_USAGE);
    return EXIT.ok;
  }
  if (values.out === undefined || values.out === "") throw new UsageError("--out", values.out, "--out DIR is required: the folder the report is written to");
  const outProblem = reportTargetProblem("--out", values.out, values.inventory, [...Object.values(REPORT_FILES)]);
  if (outProblem !== undefined) throw new UsageError("--out", values.out, outProblem);
  const fromState = positionals.length === 0 || values.state === true;
  if (fromState && values.inventory === undefined) {
    throw new UsageError(
      "SUMMARY",
      undefined,
      `fleet report needs JSON summaries (or folders of them), or --inventory FILE to read the stacks' state${values.state === true ? " (--state reads the inventory's stacks)" : ""}\n${REPORT_USAGE}`,
    );
  }
  const limit = values["markdown-limit"] === undefined ? GITHUB_COMMENT_LIMIT : integerOption("--markdown-limit", values["markdown-limit"], 2_000, 10_000_000);
  const policy = values["policy-config"] === undefined ? undefined : loadPolicyConfig(values["policy-config"]);
  if (policy !== undefined && "problem" in policy) throw new UsageError("--policy-config", values["policy-config"], policy.problem);
  const concurrency = values.concurrency === undefined ? 4 : integerOption("--concurrency", values.concurrency, 1, 64);
  const summaries = summaryFiles(positionals).map(readSummary);
  const counts = new Set(summaries.map((s) => s.shard?.count));
  if (counts.size > 1) {
    throw new UsageError("SUMMARY", undefined, `the summaries come from different splits (${[...counts].map((c) => (c === undefined ? "unsharded" : `N=${c}`)).join(", ")}): merge the shards of one split`);
  }
  let expected: ExpectedStack[] | undefined;
  let recorded: RecordedStack[] | undefined;
  if (values.inventory !== undefined) {
    let inventory: Inventory;
    try {
      inventory = loadInventory(values.inventory);
    } catch (error) {
      throw new UsageError("--inventory", values.inventory, (error as Error).message);
    }
    const newest = [...summaries].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).pop();
    const command = newest === undefined ? undefined : `${newest.command}${newest.driftCheck ? " --drift-check" : ""}`;
    expected = expectedStacks(inventory, values.inventory, command, [...counts][0]);
    if (fromState) {
      const redactor = Redactor.forFleet([inventory.backend, process.env.PULUMI_BACKEND_URL], process.env);
      const covered = new Set(summaries.flatMap((s) => s.stacks.map((r) => r.stack)));
      const uncovered = { ...inventory, stacks: inventory.stacks.filter((s) => !covered.has(s.name)) };
      const root = values["pulumi-root"];
      const cliProblem = root === undefined ? pulumiOnPathProblem(process.env.PATH) : pulumiRootProblem(root);
      if (cliProblem !== undefined) throw new UsageError("--pulumi-root", root, `${cliProblem}: reading the stacks' state needs the Pulumi CLI`);
      try {
        recorded = redactor.value(await readRecordedStacks(uncovered, values.inventory, { concurrency, ...(values["pulumi-root"] === undefined ? {} : { pulumiRoot: values["pulumi-root"] }) }));
      } catch (error) {
        throw new Error(redactor.text(`the stacks' state could not be read from ${inventory.backend ?? "the CLI's backend"}: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  }
  const model = buildReport(summaries, {
    ...(expected === undefined ? {} : { expected }),
    ...(recorded === undefined ? {} : { recorded }),
    ...(values.title === undefined ? {} : { title: values.title }),
    ...(policy === undefined ? {} : { rules: policy.rules }),
  });
  const files = writeReports(values.out, model, limit);
  const t = model.totals;
  const sources = [...(summaries.length === 0 ? [] : [`${summaries.length} summaries`]), ...(recorded === undefined ? [] : [`the state of ${recorded.length} stacks as last recorded (not a live read)`])];
  console.log(
    `fleet report: ${t.clusters} clusters in ${t.stacks} stacks from ${sources.join(" and ")}: ${OUTCOMES.map((o) => `${t[o]} ${OUTCOME_LABELS[o]}`).join(", ")}, ${t.belowBaseline} below the baseline; exit ${model.exitCode}`,
  );
  for (const file of files) write(`fleet report: wrote ${file}`);
  return model.exitCode;
}
