/**
 * The fleet report's pure parts, by tables: the model (outcomes, the baseline's verdicts through the
 * policy's own rules, merging shards), the Markdown's length limit, the HTML's embedded data, and the
 * shard split (the JUnit XML: reportJunit.test.ts).
 */
import test from "ava";
import { BASELINE_RULES, ruleConfig } from "../policy/baseline";
import type { ClusterRecord } from "../cli/fleetClusters";
import type { StackResult } from "../cli/fleetRunner";
import { assignShards, parseShard, shardStacks } from "../cli/fleetShard";
import { embeddedData, renderHtml } from "../cli/reportHtml";
import { renderMarkdown } from "../cli/reportMarkdown";
import { Outcome, buildReport } from "../cli/reportModel";
import { UsageError } from "../cli/usageError";
import type { Inventory } from "../cli/fleetInventory";
import { expectedStacks } from "../cli/reportCommand";
import { good, record, stack, summary, telnetOn } from "./reportFixtures";

const cases: { title: string; records: ClusterRecord[]; status: StackResult["status"]; outcome: Outcome; below: boolean; failing: string[] }[] = [
  { title: "as declared and meets the baseline", records: [record("a")], status: "succeeded", outcome: "as-declared", below: false, failing: [] },
  { title: "drifted: telnet back on", records: [record("a", { found: telnetOn, changed: true, op: "update" })], status: "drift", outcome: "drifted", below: true, failing: ["ontap-telnet-disabled"] },
  {
    title: "failed with the provider's error",
    records: [record("a", { failed: true, errors: ["ONTAP refused: tls needs 9.10.1. Fix tls in the program"], found: undefined })],
    status: "failed",
    outcome: "failed",
    below: false,
    failing: [],
  },
  {
    title: "unreachable",
    records: [record("a", { failed: true, errors: ["GET https://10.0.0.1/api/security failed: connect ECONNREFUSED 10.0.0.1:443"], found: undefined })],
    status: "failed",
    outcome: "unreachable",
    below: false,
    failing: [],
  },
  { title: "locked stack", records: [record("a", { op: undefined, found: undefined })], status: "stale-lock", outcome: "locked", below: false, failing: [] },
  { title: "cancelled stack", records: [record("a", { op: undefined, found: undefined })], status: "cancelled", outcome: "not-run", below: false, failing: [] },
  {
    title: "advisory only: not converted",
    records: [record("a", { found: { ...good, softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false } } })],
    status: "succeeded",
    outcome: "as-declared",
    below: false,
    failing: ["ontap-software-encryption-converted"],
  },
];

for (const c of cases) {
  test(`model: ${c.title}`, (t) => {
    const model = buildReport([summary([stack("s1", c.status, c.records)])]);
    const [cluster] = model.clusters;
    t.is(cluster?.outcome, c.outcome);
    t.is(cluster?.belowBaseline, c.below);
    t.deepEqual(cluster?.verdicts.filter((v) => v.result === "fail").map((v) => v.rule), c.failing);
    t.is(model.totals[c.outcome], 1);
    t.is(model.totals.belowBaseline, c.below ? 1 : 0);
  });
}

test("verdicts are the policy's own rules, on what the cluster reported", (t) => {
  const model = buildReport([summary([stack("s1", "drift", [record("a", { found: telnetOn, changed: true })])])]);
  const verdicts = model.clusters[0]?.verdicts ?? [];
  t.deepEqual(
    verdicts.map((v) => v.rule),
    BASELINE_RULES.map((r) => r.name),
  );
  for (const rule of BASELINE_RULES) {
    const expected = rule.check(telnetOn, ruleConfig(rule, {}), "cluster");
    t.deepEqual(verdicts.find((v) => v.rule === rule.name)?.shortfalls, expected, rule.name);
  }
  t.regex(verdicts.find((v) => v.rule === "ontap-telnet-disabled")?.messages[0] ?? "", /cluster "a" \(ClusterSecurity "a", host a\.example\.com\): the cluster reports managementProtocols\.telnetEnabled = true/);
});

test("settings: found and declared side by side, differing as the provider judges", (t) => {
  const model = buildReport([summary([stack("s1", "drift", [record("a", { found: telnetOn, changed: true })])])]);
  const settings = model.clusters[0]?.settings ?? [];
  t.deepEqual(
    settings.filter((s) => s.differs).map((s) => s.setting),
    ["managementProtocols.telnetEnabled"],
  );
  // ONTAP reports TLS 1.3 too: "1.2 and up" is not a difference.
  t.false(settings.find((s) => s.setting === "tls.protocolVersions")?.differs);
  t.is(settings.find((s) => s.setting === "tls.cipherSuites")?.desired, undefined);
});

test("merging shards: later runs win, stacks no summary has are not run with the shard's command", (t) => {
  const first = summary([stack("s1", "succeeded", [record("a")])], { shard: { index: 1, count: 2 } });
  const second = summary([stack("s2", "stale-lock", [record("b", { op: undefined, found: undefined })], { lock: { holders: [], recovery: "pulumi cancel --stack s2 --yes" } })], {
    shard: { index: 2, count: 2 },
    startedAt: "2026-12-03T10:05:00.000Z",
  });
  const model = buildReport([second, first], {
    expected: [
      { name: "s1", clusters: [{ name: "a", host: "a" }], shard: "1/2" },
      { name: "s2", clusters: [{ name: "b", host: "b" }], shard: "2/2" },
      { name: "s3", clusters: [{ name: "c", host: "c" }, { name: "d", host: "d" }], shard: "2/2", rerun: "fleet refresh --shard 2/2" },
    ],
  });
  t.deepEqual(
    model.stacks.map((s) => [s.stack, s.status, s.shard]),
    [
      ["s1", "succeeded", "1/2"],
      ["s2", "stale-lock", "2/2"],
      ["s3", "not-run", "2/2"],
    ],
  );
  t.is(model.totals["not-run"], 2);
  t.is(model.totals.locked, 1);
  t.is(model.exitCode, 1);
  t.regex(model.stacks[1]?.recovery ?? "", /pulumi cancel --stack s2/);
  t.regex(model.clusters.find((c) => c.cluster === "c")?.advice ?? "", /fleet refresh --shard 2\/2/);
  // Later summary wins for a stack two of them have.
  const rerun = summary([stack("s2", "succeeded", [record("b")])], { shard: { index: 2, count: 2 }, startedAt: "2026-12-03T10:09:00.000Z" });
  t.is(buildReport([first, second, rerun]).stacks.find((s) => s.stack === "s2")?.status, "succeeded");
  t.is(buildReport([first, second, rerun]).exitCode, 0);
});

test("Markdown: worst first, within the limit, saying how many were left out", (t) => {
  const records = Array.from({ length: 3000 }, (_, i) => record(`cluster-${String(i).padStart(4, "0")}`, { found: telnetOn, changed: true }));
  const model = buildReport([summary([stack("big", "drift", records), stack("bad", "failed", [record("broken", { failed: true, errors: ["boom"], found: undefined })])])]);
  for (const limit of [65_536, 10_000]) {
    const md = renderMarkdown(model, { limit, htmlName: "fleet-report.html" });
    t.true(md.length <= limit, `${md.length} > ${limit}`);
    t.regex(md, /\| 0 \| 3000 \| 3000 \| 1 \| 0 \| 0 \| 0 \|/);
    const rows = md.split("\n").filter((l) => /^\| (🔴|🟡)/.test(l));
    t.regex(rows[0] ?? "", /failed \| bad \| broken/);
    t.regex(md, new RegExp(`… and ${(3001 - rows.length).toLocaleString("en-US")} more clusters with problems: see \`fleet-report.html\`\\.`));
  }
  t.regex(renderMarkdown(buildReport([summary([stack("s", "succeeded", [record("a")])])])), /No cluster needs attention\./);
});

test("HTML: one self-contained file; every cluster's row in the embedded data, strings stored once", (t) => {
  const records = Array.from({ length: 50 }, (_, i) => record(`c${i}`, i % 5 === 0 ? { found: telnetOn, changed: true } : {}));
  const model = buildReport([summary([stack("s1", "drift", records)])], { title: "Fleet <east>" });
  const html = renderHtml(model);
  t.notRegex(html, /<(script|link|img)[^>]+(src|href)=/i, "nothing loaded from elsewhere");
  t.notRegex(html, /https?:\/\//, "no URL at all");
  t.regex(html, /<title>Fleet &lt;east&gt;<\/title>/);
  t.regex(html, /<div class="card" style="--c:#f9a825" data-total="drifted"><b>10<\/b>/);
  t.regex(html, /<figure class="chart" id="chart-rules">.*ontap-telnet-disabled: 10/s);
  const data = embeddedData(model);
  t.is(data.rows.length, 50);
  t.is(new Set(data.s).size, data.s.length);
  t.is(data.s.filter((s) => s === "s1").length, 1);
  // A value that would end the script element is escaped inside it.
  const hostile = renderHtml(buildReport([summary([stack("s1", "failed", [record("x", { failed: true, errors: ["</script><script>alert(1)</script>"] })])])]));
  t.is(hostile.match(/<\/script>/g)?.length, 2);
});

test("shards: a fixed split that balances clusters, every stack in exactly one shard", (t) => {
  const sizes = [100, 10, 10, 40, 50, 60, 5, 5, 30, 90];
  const stacks = sizes.map((n, i) => ({ name: `s${i}`, clusters: Array.from({ length: n }, (_, j) => ({ name: `c${j}`, host: `h${i}-${j}` })) }));
  for (const count of [1, 2, 3, 4, 7, 12]) {
    const assigned = assignShards(stacks, count);
    t.deepEqual(assignShards(stacks, count), assigned, "deterministic");
    const loads = Array.from({ length: count }, (_, k) => stacks.filter((_, i) => assigned[i] === k + 1).reduce((n, s) => n + s.clusters.length, 0));
    t.is(loads.reduce((a, b) => a + b, 0), 400);
    if (count <= sizes.length) t.true(Math.max(...loads) - Math.min(...loads) <= Math.max(...sizes), `${count}: ${loads}`);
    const union = Array.from({ length: count }, (_, k) => shardStacks(stacks, { index: k + 1, count }).map((s) => s.name)).flat();
    t.deepEqual(union.sort(), stacks.map((s) => s.name).sort());
  }
  // Largest first, each to the lightest shard: 100→1, 90→2, 60→3, 50→3, 40→2, 30→1, 10→3, 10→3, 5→1, 5→2 (135/135/130).
  t.deepEqual(assignShards(stacks, 3), [1, 3, 3, 2, 3, 3, 1, 2, 1, 2]);
});

const badShards: [string, RegExp][] = [
  ["0/3", /shard K \(1 to N\) of N/],
  ["4/3", /got "4\/3"/],
  ["1/0", /got "1\/0"/],
  ["a/b", /got "a\/b"/],
  ["2", /e\.g\. --shard 2\/3/],
  ["1/1001", /1 to 1000/],
];
for (const [value, message] of badShards) {
  test(`--shard ${value} is refused, naming the option and the value`, (t) => {
    const error = t.throws(() => parseShard(value), { instanceOf: UsageError });
    t.is(error?.option, "--shard");
    t.is(error?.value, value);
    t.regex(error?.message ?? "", message);
  });
}
test("--shard K/N parses", (t) => t.deepEqual(parseShard(" 2/3 "), { index: 2, count: 3 }));

test("the command that runs a stack's shard again quotes the inventory's path for the shell", (t) => {
  const inventory = { stacks: [{ name: "s1", qualified: "s1", clusters: [{ name: "a", host: "a" }] }] } as unknown as Inventory;
  const [stack] = expectedStacks(inventory, "it's my fleet.yaml", "refresh --drift-check", 1);
  t.is(stack?.rerun, `pulumi-ontap-security fleet refresh --drift-check --inventory 'it'\\''s my fleet.yaml' --shard 1/1`);
  t.is(expectedStacks(inventory, "ci/fleet.yaml", "up", undefined)[0]?.rerun, "pulumi-ontap-security fleet up --inventory ci/fleet.yaml");
});
