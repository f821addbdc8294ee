import test from "ava";
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { EXCLUSION_RULES, FIELD_NAMES, splitField } from "../provider/ontap/securityFields";
import { ROWS } from "../provider/lifecycle/settings";

// Adding a setting is a row in the wire table, a row in the settings table and its written-out public
// type: every other module derives what it needs from the tables. These tests keep it so.

/** The tests run from build/test; the sources are two folders up. */
const PROVIDER = path.join(__dirname, "..", "..", "provider");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
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
    const words = [...new Set(namesOf(row))].map((word) => new RegExp(`\\b${word}\\b`, "i"));
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
