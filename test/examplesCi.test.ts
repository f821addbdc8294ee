/**
 * examples/ci: the GitHub Actions and GitLab CI pipelines that spread one fleet over N runners. Their
 * structure is checked here (they cannot run here): a matrix of N shards, each running the fleet with
 * --shard K/N and keeping its report as an artifact whatever its exit code, and one job after them all
 * that merges the shards' summaries with `fleet report` and fails the pipeline by the merged exit code.
 * The command lines they hold are parsed by the command's own parsers.
 */
import test from "ava";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseFleetArgs } from "../cli/fleet";
import { parseShard } from "../cli/fleetShard";

const DIR = path.join(__dirname, "..", "..", "examples", "ci");
const load = (file: string) => parse(readFileSync(path.join(DIR, file), "utf8")) as Record<string, unknown>;

type Step = { run?: string; uses?: string; with?: Record<string, unknown>; if?: string; id?: string };
type Job = { needs?: unknown; if?: string; strategy?: { matrix?: { shard?: number[] }; "fail-fast"?: boolean }; steps: Step[] };

/** The arguments after `pulumi-ontap-security fleet` in a script line, with CI expressions given values. */
function fleetArgs(line: string, values: Record<string, string>): string[] | undefined {
  const match = /pulumi-ontap-security fleet (.*?)(\s*\|\|.*)?$/m.exec(line);
  if (match === null) return undefined;
  let text = match[1] as string;
  for (const [expression, value] of Object.entries(values)) text = text.split(expression).join(value);
  return text.replace(/"/g, "").split(/\s+/).filter((a) => a !== "");
}

test("GitHub Actions: a matrix of shards, each with its report kept, then one merge that sets the exit code", (t) => {
  const workflow = load("github-actions.yml") as { jobs: Record<string, Job>; env: Record<string, string> };
  const drift = workflow.jobs.drift as Job;
  const shards = drift.strategy?.matrix?.shard ?? [];
  t.deepEqual(shards, [1, 2, 3]);
  t.false(drift.strategy?.["fail-fast"], "one shard's failure does not cancel the others");
  const run = drift.steps.find((s) => s.run?.includes("pulumi-ontap-security fleet"));
  for (const shard of shards) {
    const args = fleetArgs(run?.run ?? "", { "${{ matrix.shard }}": String(shard) });
    const line = parseFleetArgs(args ?? []);
    t.deepEqual(line?.shard, { index: shard, count: shards.length });
    t.is(line?.command, "refresh");
    t.true(line?.driftCheck);
    t.is(line?.report, "report");
  }
  t.regex(run?.run ?? "", /\|\| true$/, "the shard's exit code is left to the merge");
  const upload = drift.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  t.is(upload?.if, "always()");
  t.is(upload?.with?.path, "report/");
  t.is(upload?.with?.name, "fleet-report-${{ matrix.shard }}");

  const report = workflow.jobs.report as Job;
  t.is(report.needs, "drift");
  t.is(report.if, "always()", "the merge runs when shards failed or were cancelled");
  t.is(report.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))?.with?.pattern, "fleet-report-*");
  const merge = report.steps.find((s) => s.id === "merge");
  t.regex(merge?.run ?? "", /pulumi-ontap-security fleet report shards\/\* --inventory fleet\.yaml --out merged/);
  t.regex(merge?.run ?? "", /fleet-summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
  t.is(report.steps[report.steps.length - 1]?.run, "exit ${{ steps.merge.outputs.code }}");
  for (const secret of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "ONTAP_PASSWORD"]) t.is(workflow.env[secret], `\${{ secrets.${secret} }}`);
});

test("GitLab CI: parallel shards by CI_NODE_INDEX/CI_NODE_TOTAL, reports as artifacts, one merge with a JUnit report", (t) => {
  const pipeline = load("gitlab-ci.yml") as Record<string, { stage?: string; parallel?: number; script?: string[]; needs?: { job: string }[]; when?: string; artifacts?: { when?: string; paths?: string[]; reports?: { junit?: string } } }>;
  const drift = pipeline.drift;
  t.is(drift?.parallel, 3);
  const line = (drift?.script ?? []).find((l) => l.includes("pulumi-ontap-security fleet"));
  for (let k = 1; k <= 3; k++) {
    const args = fleetArgs(line ?? "", { "${CI_NODE_INDEX}": String(k), "${CI_NODE_TOTAL}": "3" });
    const parsed = parseFleetArgs(args ?? []);
    t.deepEqual(parsed?.shard, parseShard(`${k}/3`));
    t.is(parsed?.report, `report/shard-${k}`);
  }
  t.is(drift?.artifacts?.when, "always");
  const merge = pipeline["fleet-report"];
  t.is(merge?.when, "always");
  t.deepEqual(merge?.needs?.map((n) => n.job), ["drift"]);
  t.true((merge?.script ?? []).some((l) => /pulumi-ontap-security fleet report report\/shard-\* --inventory fleet\.yaml --out merged$/.test(l)));
  t.is(merge?.artifacts?.reports?.junit, "merged/fleet-junit.xml");
  t.deepEqual(pipeline.stages as unknown, ["drift", "report"]);
});
