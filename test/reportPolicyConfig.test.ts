/**
 * `--policy-config FILE` for the fleet report, by tables: the file Pulumi takes for the baseline pack
 * sets the report's levels and rule settings as it sets the pack's (`all` first, then each policy;
 * `remediate` reported as mandatory), and a bad file is one line naming the file, the key, the value
 * and what is allowed, before anything runs.
 */
import test from "ava";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseFleetArgs, runFleetCommand } from "../cli/fleet";
import { runReportCommand } from "../cli/reportCommand";
import { renderJunit } from "../cli/reportJunit";
import { buildReport } from "../cli/reportModel";
import { loadPolicyConfig, rulesFromPolicyConfig } from "../cli/reportPolicyConfig";
import { UsageError } from "../cli/usageError";
import { BASELINE_RULES } from "../policy/baseline";
import { good, record, stack, summary, telnetOn } from "./reportFixtures";

const DEFAULT_LEVELS = Object.fromEntries(BASELINE_RULES.map((r) => [r.name, r.enforcementLevel]));
const levels = (config: unknown) => Object.fromEntries(rulesFromPolicyConfig(config).map((r) => [r.rule.name, r.level]));

const good_: [string, unknown, Record<string, string>][] = [
  ["nothing: the pack's own levels", undefined, DEFAULT_LEVELS],
  ["an empty object", {}, DEFAULT_LEVELS],
  ["all advisory", { all: "advisory" }, Object.fromEntries(BASELINE_RULES.map((r) => [r.name, "advisory"]))],
  [
    "all advisory, one mandatory again (the policy's own entry wins over all)",
    { all: { enforcementLevel: "advisory" }, "ontap-telnet-disabled": "mandatory" },
    Object.fromEntries(BASELINE_RULES.map((r) => [r.name, r.name === "ontap-telnet-disabled" ? "mandatory" : "advisory"])),
  ],
  ["a level in an object, beside no settings", { "ontap-tls-minimum-version": { enforcementLevel: "disabled" } }, { ...DEFAULT_LEVELS, "ontap-tls-minimum-version": "disabled" }],
  ["remediate: mandatory, as the pack reports a policy with no remediation", { "ontap-software-encryption-converted": "remediate" }, { ...DEFAULT_LEVELS, "ontap-software-encryption-converted": "mandatory" }],
];
for (const [title, config, expected] of good_) test(`policy config: ${title}`, (t) => t.deepEqual(levels(config), expected));

test("policy config: a rule's settings reach the rule, the level unchanged", (t) => {
  const tls = rulesFromPolicyConfig({ "ontap-tls-minimum-version": { minimumVersion: "TLSv1.3", enforcementLevel: "advisory" } }).find((r) => r.rule.name === "ontap-tls-minimum-version");
  t.deepEqual(tls?.config, { minimumVersion: "TLSv1.3" });
  t.is(tls?.level, "advisory");
});

const ALLOWED_LEVELS = /expected an enforcement level \("advisory", "mandatory", "remediate", "disabled"\)/;
const bad: [string, string, RegExp][] = [
  ["not JSON", "{ all: advisory }", /: not valid JSON at line 1, column 3$/],
  ["not an object", "[]", /key "\(file\)": value \[\]: expected a JSON object of policy names/],
  ["a misspelt policy", '{"ontap-telnet-disbled": "mandatory"}', /key "ontap-telnet-disbled": expected "all" or a policy of the baseline pack: ontap-fips-enabled, .*ontap-telnet-disabled/],
  ["a level that is none", '{"ontap-fips-enabled": "strict"}', new RegExp(`key "ontap-fips-enabled": value "strict": ${ALLOWED_LEVELS.source}`)],
  ["a level in an object that is none", '{"ontap-fips-enabled": {"enforcementLevel": 3}}', new RegExp(`key "ontap-fips-enabled.enforcementLevel": value 3: ${ALLOWED_LEVELS.source}`)],
  ["a number for a policy", '{"ontap-fips-enabled": 5}', /key "ontap-fips-enabled": value 5: expected an enforcement level .* or an object of the policy's settings/],
  ["a setting's value outside its schema", '{"ontap-tls-minimum-version": {"minimumVersion": "TLSv9"}}', /key "ontap-tls-minimum-version.minimumVersion": value "TLSv9": ontap-tls-minimum-version.minimumVersion must be .*TLSv1\.2.*TLSv1\.3/],
  ["a misspelt setting", '{"ontap-tls-minimum-version": {"minimumVerison": "TLSv1.3"}}', /key "ontap-tls-minimum-version.minimumVerison": value "TLSv1.3": ontap-tls-minimum-version has no setting "minimumVerison"; allowed: requireInProgram, minimumVersion/],
  ["a setting under all", '{"all": {"enforcementLevel": "advisory", "minimumVersion": "TLSv1.3"}}', /key "all.minimumVersion": "all" takes only an enforcement level/],
];

test("policy config: a bad file is one line naming the file, the key, the value and what is allowed", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  bad.forEach(([title, text, message], i) => {
    const file = path.join(dir, `bad-${i}.json`);
    writeFileSync(file, text);
    const loaded = loadPolicyConfig(file);
    const problem = "problem" in loaded ? loaded.problem : "";
    t.true(problem.startsWith(`--policy-config ${JSON.stringify(file)}: `), `${title}: ${problem}`);
    t.regex(problem, message, title);
    t.false(problem.includes("\n"), `${title}: one line`);
  });
  const missing = loadPolicyConfig(path.join(dir, "none.json"));
  t.regex("problem" in missing ? missing.problem : "", /none\.json": cannot be read: ENOENT/);
  writeFileSync(path.join(dir, "empty.json"), " \n");
  t.deepEqual(loadPolicyConfig(path.join(dir, "empty.json")), { rules: rulesFromPolicyConfig(undefined) }, "an empty file is the defaults, as Pulumi takes it");
});

test("the report's verdicts follow the policy config: a rule disabled, one made mandatory, a setting changed", (t) => {
  const tls12 = { ...good, tls: { protocolVersions: ["TLSv1.2"], cipherSuites: ["TLS_AES_256_GCM_SHA384"] } };
  const unconverted = { ...good, softwareDataEncryption: { conversionEnabled: false, disabledByDefault: false } };
  const run = summary([stack("s", "succeeded", [record("telnet", { found: telnetOn }), record("tls12", { found: tls12 }), record("unconverted", { found: unconverted })])]);
  const below = (config: unknown) => {
    const model = buildReport([run], { rules: rulesFromPolicyConfig(config) });
    return model.clusters.filter((c) => c.belowBaseline).map((c) => c.cluster).sort();
  };
  t.deepEqual(below(undefined), ["telnet"]);
  t.deepEqual(below({ "ontap-telnet-disabled": "disabled" }), []);
  t.deepEqual(below({ "ontap-software-encryption-converted": "mandatory" }), ["telnet", "unconverted"]);
  // Every one of them enables TLS 1.2 still.
  t.deepEqual(below({ "ontap-tls-minimum-version": { minimumVersion: "TLSv1.3" } }), ["telnet", "tls12", "unconverted"]);
  t.deepEqual(below({ all: "advisory" }), []);
  const disabled = buildReport([run], { rules: rulesFromPolicyConfig({ "ontap-telnet-disabled": "disabled" }) });
  t.false(disabled.rules.some((r) => r.rule === "ontap-telnet-disabled"));
  t.notRegex(renderJunit(disabled), /<failure/);
});

test("--policy-config is checked before anything runs: fleet report and a fleet run exit 2 with the problem, writing nothing", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-config-cli-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bad = path.join(dir, "policy.json");
  writeFileSync(bad, '{"ontap-fips-enabled": "strict"}');
  const summaryFile = path.join(dir, "fleet-summary.json");
  writeFileSync(summaryFile, JSON.stringify(summary([stack("s", "succeeded", [record("a")])])));
  const error = await t.throwsAsync(runReportCommand([summaryFile, "--out", path.join(dir, "out"), "--policy-config", bad]), { instanceOf: UsageError });
  t.is(error?.option, "--policy-config");
  t.regex(error?.message ?? "", /^--policy-config ".*policy\.json": key "ontap-fips-enabled": value "strict": expected an enforcement level/);
  t.false(existsSync(path.join(dir, "out")));

  const inventory = path.join(dir, "fleet.yaml");
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ontap-fleet\nruntime: nodejs\n");
  writeFileSync(inventory, "project: .\nstacks:\n  - name: s\n    clusters: [a.example.com]\n");
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((text: string) => (written.push(text), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await runFleetCommand(["up", "--inventory", inventory, "--report", path.join(dir, "report"), "--policy-config", bad]);
  } finally {
    process.stderr.write = write;
  }
  t.is(code, 2);
  t.regex(written.join(""), /key "ontap-fips-enabled": value "strict".*; nothing was run/);
  t.false(existsSync(path.join(dir, "report")));
  t.throws(() => parseFleetArgs(["up", "--inventory", inventory, "--policy-config", bad]), { instanceOf: UsageError, message: /goes with --report DIR/ });
});

test("policy config: a credentials file given by mistake is refused without a word of its secrets", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const secret = "hunter2-Secret-9f3";
  for (const [name, text] of [
    ["creds.env", `ONTAP_PASSWORD=${secret}\n`],
    ["creds.json", `{"password": "${secret}"}`],
    ["creds-broken.json", `{"password": ${secret}}`],
    ["creds-all.json", `{"all": {"password": "${secret}"}}`],
  ] as const) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const loaded = loadPolicyConfig(file);
    t.true("problem" in loaded, name);
    const problem = "problem" in loaded ? loaded.problem : "";
    for (const part of [secret, secret.slice(0, 6), secret.slice(-6)]) t.false(problem.includes(part), `${name}: ${problem}`);
  }
});
