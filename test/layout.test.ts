import test from "ava";
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { EXCLUSION_RULES, FIELD_NAMES, SECURITY_FIELDS, fieldRow, splitField } from "../provider/ontap/securityFields";
import { ROWS } from "../provider/lifecycle/settings";
import { CLUSTER_SECURITY_TYPE } from "../provider/resourceType";
import { SECURITY_FIELDS as SIMULATOR_FIELDS } from "../simulator/securityState";

// Adding a setting is a row in the wire table, a row in the settings table and its written-out public
// type, and a row in the simulator's own table (the judge, kept apart on purpose, but held to the same
// releases): every other module derives what it needs from the tables. These tests keep it so, across
// everything shipped (provider/, cli/, policy/). Two more keep every shipped file short and the ONTAP
// layer looking no further than itself.

/** The tests run from build/test; the sources are two folders up. */
const ROOT = path.join(__dirname, "..", "..");
const PROVIDER = path.join(ROOT, "provider");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** Leaves too common to name one setting (`enabled`): the group names it instead. */
const GENERIC = new Set(["enabled", "supported", "message", "code"]);

/** The words that name a setting in code or text: its camelCase and wire leaves, or its groups. */
function namesOf(row: (typeof ROWS)[number]): string[] {
  const [wireGroup, wireLeaf] = splitField(row.wire);
  return GENERIC.has(row.key) ? [row.group, wireGroup] : [row.key, wireLeaf];
}

test("every setting is named in at most three files under provider/", (t) => {
  const files = sources(PROVIDER).map((file) => ({ file: path.relative(PROVIDER, file), text: readFileSync(file, "utf8") }));
  t.true(files.length > 20, `expected the provider's sources under ${PROVIDER}`);
  for (const row of ROWS) {
    // Case-sensitive: code names a setting as written (`fips`), prose names the mode (`FIPS`).
    const words = [...new Set(namesOf(row))].map((word) => new RegExp(`\\b${word}\\b`));
    const naming = files.filter(({ text }) => words.some((word) => word.test(text))).map(({ file }) => file);
    t.true(naming.length >= 2, `${row.setting}: found in ${naming.join(", ")}; the word list no longer finds it`);
    t.true(naming.length <= 3, `${row.setting} is named in ${naming.length} files: ${naming.join(", ")}`);
  }
});

test("every wire field a cross-setting rule names maps to a setting", (t) => {
  const mapped = new Set(ROWS.map((row) => row.wire));
  for (const rule of EXCLUSION_RULES) {
    t.true(FIELD_NAMES.includes(rule.switch) && mapped.has(rule.switch), rule.switch);
    t.true(FIELD_NAMES.includes(rule.list) && mapped.has(rule.list), rule.list);
    for (const refusal of rule.refused) t.true(rule.order.includes(refusal.value), `${rule.list}: ${refusal.value} is not in its order`);
  }
});

/** Every TypeScript source under the folders `dirs` of the repository, with its text. */
function texts(...dirs: string[]): { file: string; text: string }[] {
  return dirs.flatMap((dir) => sources(path.join(ROOT, dir))).map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, "utf8") }));
}

/**
 * The files of cli/ and policy/ that may name a setting, and which: the baseline's rules judge settings
 * one by one; the fleet report shows each cluster's encryption state (and says where TLS versions come
 * from); the simulator command's usage and --config example speak of FIPS and telnet. Nothing else in
 * cli/ or policy/ names a setting: it derives what it needs from the tables.
 */
const NAMING_OUTSIDE_PROVIDER: Readonly<Record<string, "any" | readonly string[]>> = {
  "policy/baseline.ts": "any",
  "cli/reportModel.ts": ["softwareDataEncryption.encryptionState", "tls.protocolVersions"],
  "cli/reportHtml.ts": ["softwareDataEncryption.encryptionState"],
  "cli/reportJunit.ts": ["softwareDataEncryption.encryptionState"],
  "cli/simulator.ts": ["fips.enabled"],
  "cli/simulatorConfig.ts": ["managementProtocols.telnetEnabled"],
};

test("in cli/ and policy/, only the baseline's rules, the fleet report and the simulator command's help name a setting", (t) => {
  const files = texts("cli", "policy");
  t.true(files.some(({ file }) => file === path.join("policy", "baseline.ts")), `expected the sources under ${ROOT}`);
  for (const { file, text } of files) {
    const named = ROWS.filter((row) => [...new Set(namesOf(row))].some((word) => new RegExp(`\\b${word}\\b`).test(text))).map((row) => row.setting);
    const allowed = NAMING_OUTSIDE_PROVIDER[file.split(path.sep).join("/")] ?? [];
    const stray = allowed === "any" ? [] : named.filter((setting) => !allowed.includes(setting));
    t.deepEqual(stray, [], `${file} names ${stray.join(", ")}: derive it from the tables (or say here why this file reads it)`);
  }
});

test("the resource's type token is written once, in a module that imports nothing", (t) => {
  const writing = texts("provider", "cli", "policy", "harness", "simulator", "scripts", "bench", "test").filter(({ text }) => text.includes(CLUSTER_SECURITY_TYPE));
  t.deepEqual(
    writing.map(({ file }) => file),
    [path.join("provider", "resourceType.ts")],
  );
  t.notRegex(writing[0]?.text ?? "", /^import /m, "so the CLI and the policy pack can know it without loading @pulumi/pulumi");
});

test("the simulator's own table of fields has every field of the provider's, from the same release and as writable", (t) => {
  const simulator = new Map(SIMULATOR_FIELDS.map((field) => [field.path, field]));
  t.true(FIELD_NAMES.length > 0);
  for (const name of FIELD_NAMES) {
    const row = fieldRow(name);
    const judged = simulator.get(name);
    t.deepEqual(
      judged === undefined ? undefined : { since: judged.since, writable: judged.writable, readable: judged.readable },
      { since: row.since, writable: row.writable, readable: true },
      `${name}: the provider's table says since ${row.since}, ${row.writable ? "writable" : "read-only"}`,
    );
  }
});

test("the reboot FIPS needs is stated by the table alone: the public TSDoc names the same release", (t) => {
  const before = SECURITY_FIELDS["fips.enabled"].rebootBefore;
  const tsdoc = readFileSync(path.join(PROVIDER, "ClusterSecurity.ts"), "utf8");
  const rebootLines = tsdoc.split("\n").filter((line) => /reboot/i.test(line));
  t.true(rebootLines.length > 0);
  for (const line of rebootLines) t.regex(line, new RegExp(`[Bb]efore ONTAP ${before.replace(/\./g, "\\.")}\\b`), line.trim());
});

/** The most lines a shipped source file may have: past it, a file is doing more than one thing. */
const MAX_LINES = 400;

test(`no shipped source file (provider/, cli/, simulator/, policy/) is over ${MAX_LINES} lines`, (t) => {
  const files = texts("provider", "cli", "simulator", "policy");
  t.true(files.length > 40, `expected the shipped sources under ${ROOT}`);
  const long = files
    .map(({ file, text }) => ({ file, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  t.deepEqual(long, [], "split each by responsibility into modules named after what they export");
});

test("the ONTAP layer imports only its own modules and libraries: nothing of the lifecycle, the resource or Pulumi", (t) => {
  const files = texts(path.join("provider", "ontap"));
  t.true(files.length > 10, `expected the ONTAP layer's sources under ${PROVIDER}`);
  const seen = new Set<string>();
  for (const { file, text } of files) {
    const specifiers = [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["']([^"']+)["']/g)].map((match) => match[1] ?? "");
    for (const specifier of specifiers) seen.add(specifier);
    const outward = specifiers.filter((specifier) => specifier.startsWith("..") || specifier.startsWith("@pulumi/"));
    t.deepEqual(outward, [], `${file} imports ${outward.join(", ")}`);
  }
  t.true(seen.has("io-ts") && seen.has("./ontapError"), "the imports the layer is known to have were not found");
});
