import test from "ava";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import * as ts from "typescript";
import { MANAGED_ROWS, ROWS } from "../provider/lifecycle/settings";
import { CONNECTION_KEYS } from "../provider/lifecycle/model";
import { fieldRow } from "../provider/ontap/securityFields";
import { DECLARATIONS_FILE, Declaration, packageDeclarations, plainType, readDeclarations } from "../provider/plugin/docs";
import { ObjectType, PACKAGE, RESOURCE_TOKEN, SchemaProperty, codecType, packageSchema } from "../provider/plugin/schema";
import { PluginProvider, SECRET_CONNECTION_KEYS } from "../provider/plugin/pluginProvider";
import { createProvider } from "../provider/provider";
import { LifecycleEnv, defaultEnv } from "../provider/lifecycle/operations";
import { secret } from "../provider/plugin/secrets";

// The plugin's schema is generated from the settings tables and the public types' TSDoc; these tests
// hold the three to each other, and hold the plugin to deciding nothing the lifecycle decides.

type Schema = {
  config: { variables: Record<string, SchemaProperty> };
  provider: { inputProperties: Record<string, SchemaProperty> };
  types: Record<string, ObjectType>;
  resources: Record<string, { inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty>; required: string[] }>;
};

const schema = (declarations?: Map<string, Declaration>) => packageSchema(declarations) as unknown as Schema;
/** A declared type with its union members in one order. */
const declaredAs = (type: string): string => plainType(type).split(" | ").sort().join(" | ");
const typeName = (property: SchemaProperty): string => ("$ref" in property ? property.$ref.replace(`#/types/`, "") : "");

/** A schema type as TypeScript writes it: how the public types must declare the same value. */
function asTypeScript(property: SchemaProperty): string {
  if ("oneOf" in property) return property.oneOf.map(asTypeScript).sort().join(" | ");
  if ("items" in property) return `${asTypeScript(property.items)}[]`;
  if ("type" in property) return property.type === "integer" ? "number" : property.type;
  return typeName(property);
}

/**
 * Where the schema, the tables and the documented public types disagree: every setting of the tables
 * in the schema with its wire type, nothing else there, each leaf typed and required as its public
 * type declares it.
 */
function disagreements(declarations: Map<string, Declaration>): string[] {
  const out: string[] = [];
  let generated: Schema;
  try {
    generated = schema(declarations);
  } catch (error) {
    return [(error as Error).message];
  }
  const resource = generated.resources[RESOURCE_TOKEN];
  const args = declarations.get("ClusterSecurityArgs");
  const klass = declarations.get("ClusterSecurity");
  const check = (side: "input" | "output", rows: readonly (typeof ROWS)[number][], properties: Record<string, SchemaProperty>, owner: Declaration | undefined) => {
    const groups = [...new Set(rows.map((row) => row.group))];
    for (const group of groups) {
      const type = generated.types[typeName(properties[group] ?? ({} as SchemaProperty))];
      if (type === undefined) {
        out.push(`${side} ${group}: no type in the schema`);
        continue;
      }
      const declaredName = plainType(owner?.members.get(group)?.type ?? "");
      const declared = declarations.get(declaredName);
      const groupRows = rows.filter((row) => row.group === group);
      const keys = Object.keys(type.properties).sort();
      if (JSON.stringify(keys) !== JSON.stringify(groupRows.map((row) => row.key).sort())) out.push(`${side} ${group}: schema has ${keys}, tables ${groupRows.map((r) => r.key)}`);
      for (const row of groupRows) {
        const property = type.properties[row.key];
        if (property === undefined) continue;
        if (asTypeScript(property) !== asTypeScript(codecType(fieldRow(row.wire).codec))) out.push(`${side} ${row.setting}: schema type differs from the wire table`);
        const member = declared?.members.get(row.key);
        if (member === undefined) {
          out.push(`${side} ${row.setting}: not declared in ${declaredName}`);
          continue;
        }
        if (declaredAs(member.type) !== asTypeScript(property)) out.push(`${side} ${row.setting}: declared ${declaredAs(member.type)}, schema ${asTypeScript(property)}`);
        const required = (type.required ?? []).includes(row.key);
        if (required === member.optional) out.push(`${side} ${row.setting}: declared ${member.optional ? "optional" : "required"}, schema ${required ? "required" : "optional"}`);
      }
    }
    const extra = Object.keys(properties).filter((key) => !groups.includes(key) && !["cluster", "jobTimeoutSeconds"].includes(key));
    if (extra.length > 0) out.push(`${side}: schema has ${extra} beyond the tables`);
  };
  check("input", MANAGED_ROWS, resource.inputProperties, args);
  check("output", ROWS, resource.properties, klass);
  for (const key of CONNECTION_KEYS) {
    const property = generated.provider.inputProperties[key];
    const member = args?.members.get(key);
    if (property === undefined || member === undefined) out.push(`connection ${key}: missing`);
    else if (plainType(member.type) !== asTypeScript(property)) out.push(`connection ${key}: declared ${plainType(member.type)}, schema ${asTypeScript(property)}`);
  }
  return out;
}

test("the schema, the settings tables and the documented public types agree", (t) => {
  t.deepEqual(disagreements(packageDeclarations()), []);
});

test("the agreement check fails on a public type that says otherwise, or a setting left undeclared", (t) => {
  const declarations = packageDeclarations();
  const row = MANAGED_ROWS[0];
  const argsName = plainType(declarations.get("ClusterSecurityArgs")?.members.get(row.group)?.type ?? "");
  const original = declarations.get(argsName) as Declaration;
  const retyped = new Map(original.members);
  retyped.set(row.key, { ...(retyped.get(row.key) as NonNullable<ReturnType<typeof retyped.get>>), type: "pulumi.Input<string[]>" });
  const tampered = new Map(declarations).set(argsName, { ...original, members: retyped });
  t.true(disagreements(tampered).some((d) => d.includes(row.setting)), "a retyped setting is found");
  const missing = new Map(original.members);
  missing.delete(row.key);
  t.true(disagreements(new Map(declarations).set(argsName, { ...original, members: missing })).some((d) => d.includes(row.setting)), "an undeclared setting is found");
});

test("every setting's description in the schema is the TSDoc a TypeScript user reads, as TypeScript's own parser reads it", (t) => {
  const text = readFileSync(DECLARATIONS_FILE, "utf8");
  const source = ts.createSourceFile(DECLARATIONS_FILE, text, ts.ScriptTarget.ES2022, true);
  const normalize = (s: string) => s.replace(/\s+/g, " ").trim();
  const fromTypeScript = new Map<string, Map<string, string>>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) && !ts.isClassDeclaration(node)) return;
    const members = new Map<string, string>();
    for (const member of node.members) {
      const name = member.name !== undefined && ts.isIdentifier(member.name) ? member.name.text : undefined;
      if (name === undefined) continue;
      const doc = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc).map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ");
      members.set(name, normalize(doc));
    }
    fromTypeScript.set(node.name?.text ?? "", members);
  });
  const ours = readDeclarations(text);
  t.true(ours.size >= 10, `read ${ours.size} declarations`);
  for (const [name, members] of fromTypeScript) {
    for (const [member, doc] of members) t.is(ours.get(name)?.members.get(member)?.doc, doc, `${name}.${member}`);
  }
  // And the schema carries them: each managed setting's description starts with its TSDoc.
  const generated = schema();
  for (const row of MANAGED_ROWS) {
    const argsName = plainType(ours.get("ClusterSecurityArgs")?.members.get(row.group)?.type ?? "");
    const doc = ours.get(argsName)?.members.get(row.key)?.doc ?? "";
    const property = generated.types[`${PACKAGE}:index:${argsName.replace(/Args$/, "")}`].properties[row.key];
    t.true(property.description?.startsWith(doc), `${row.setting}: ${property.description}`);
  }
});

test("the credentials are secret in the provider's schema, exactly those check never prints", (t) => {
  const generated = schema();
  const secretKeys = Object.entries(generated.provider.inputProperties).filter(([, p]) => p.secret === true).map(([key]) => key);
  t.deepEqual(secretKeys.sort(), [...SECRET_CONNECTION_KEYS].sort());
  t.deepEqual([...SECRET_CONNECTION_KEYS].sort(), ["clientKey", "password"]);
  t.deepEqual(generated.config.variables, generated.provider.inputProperties);
});

// --- One implementation of every decision ---------------------------------------------------------

const PLUGIN_DIR = path.join(__dirname, "..", "..", "provider", "plugin");
/** The lifecycle's deciding entry points: the plugin reaches them only through provider.ts, as the dynamic resource does. */
const DECIDERS = ["validateInputs", "preflight", "preflightKind", "diffResource", "createResource", "updateResource", "readResource", "deleteResource", "planUpdate", "applyRules", "resolveConnection"];

function lifecycleExports(): Set<string> {
  const dir = path.join(__dirname, "..", "..", "provider", "lifecycle");
  const names = new Set<string>();
  for (const file of [...readdirSync(dir).map((f) => path.join(dir, f)), path.join(dir, "..", "provider.ts")]) {
    for (const match of readFileSync(file, "utf8").matchAll(/export (?:async )?(?:function|const|class) (\w+)/g)) names.add(match[1]);
  }
  return names;
}

test("the plugin defines none of the lifecycle's functions and calls its decisions only through the provider ClusterSecurity uses", (t) => {
  const exported = lifecycleExports();
  t.true(exported.has("diffResource") && exported.has("createProvider"), "the lifecycle's exports are found");
  const files = readdirSync(PLUGIN_DIR).filter((f) => f.endsWith(".ts"));
  t.true(files.length >= 5);
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(path.join(PLUGIN_DIR, file), "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isVariableDeclaration(node)) && node.name !== undefined && ts.isIdentifier(node.name)) {
        t.false(exported.has(node.name.text), `${file} defines ${node.name.text}, which the lifecycle or provider.ts already has`);
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const names = node.importClause?.namedBindings !== undefined && ts.isNamedImports(node.importClause.namedBindings) ? node.importClause.namedBindings.elements.map((e) => e.name.text) : [];
        for (const name of names) t.false(DECIDERS.includes(name), `${file} imports ${name} from ${node.moduleSpecifier.text}: call it through provider.ts`);
        t.false(/ontap\/(client|transport|jobs|semantics)$/.test(node.moduleSpecifier.text), `${file} reaches the ONTAP layer (${node.moduleSpecifier.text})`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
});

/** Lifecycle surroundings that reach no cluster and record what is logged. */
function quietEnv(lines: string[]): LifecycleEnv {
  return { ...defaultEnv(undefined), env: {}, log: (line) => lines.push(line) };
}

const row = MANAGED_ROWS.find((r) => r.oneWay !== undefined);
const boolRow = MANAGED_ROWS.find((r) => r.oneWay === undefined && fieldRow(r.wire).codec.name === "boolean");

test("the plugin's check and diff answer exactly as the dynamic provider's, secrets unwrapped and wrapped back", async (t) => {
  if (row === undefined || boolRow === undefined) return t.fail("the tables have a one-way and a plain boolean setting");
  const dynamicLines: string[] = [];
  const pluginLines: string[] = [];
  const dynamic = createProvider(() => quietEnv(dynamicLines));
  const plugin = new PluginProvider({ log: (_urn, line) => pluginLines.push(line), envFor: () => quietEnv(pluginLines) });
  const on = { [row.group]: { [row.key]: true } };
  const off = { [row.group]: { [row.key]: false } };
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [on, off],
    [{}, { [boolRow.group]: { [boolRow.key]: "yes" } }],
    [{}, { jobTimeoutSeconds: 0 }],
    [{}, { [boolRow.group]: { nope: true } }],
  ];
  for (const [olds, news] of cases) {
    const expected = await dynamic.check(olds, news);
    const got = await plugin.check("urn:test", olds, news);
    t.true((expected.failures ?? []).length > 0, JSON.stringify(news));
    t.deepEqual(got.failures, expected.failures);
  }
  // A secret input comes back secret from check.
  const secretNews = { [row.group]: secret({ [row.key]: false }) };
  const wrapped = await plugin.check("urn:test", on, secretNews);
  t.deepEqual(wrapped.inputs[row.group], secret({ [row.key]: false }));
  t.deepEqual(wrapped.failures, (await dynamic.check(on, off)).failures);

  const olds = { [boolRow.group]: { [boolRow.key]: false }, cluster: { uuid: "u", name: "c1", version: "9.16.1" } };
  const news = { [boolRow.group]: { [boolRow.key]: true } };
  const expectedDiff = await dynamic.diff("u", olds as never, news);
  const diff = plugin.diff("urn:test", olds, news);
  t.is(diff.changes, expectedDiff.changes === true);
  t.deepEqual(diff.detailedDiff, { [boolRow.setting]: "update" });
  t.deepEqual(pluginLines, dynamicLines, "the same found → desired report");
  t.deepEqual(plugin.diff("urn:test", olds, olds), { changes: false, detailedDiff: {} });
  // A setting not reported before is added; a timeout left out of the program is deleted from state.
  t.deepEqual(plugin.diff("urn:test", { cluster: olds.cluster }, news).detailedDiff, { [boolRow.setting]: "add" });
  t.deepEqual(plugin.diff("urn:test", { ...olds, jobTimeoutSeconds: 60 }, {}).detailedDiff, { jobTimeoutSeconds: "delete" });
});

test("a connection the plugin's provider lacks is named by the provider's own config keys", async (t) => {
  if (boolRow === undefined) return t.fail("the tables have a plain boolean setting");
  const plugin = new PluginProvider({ log: () => undefined, envFor: (config) => ({ ...quietEnv([]), config }) });
  plugin.configure({}, {});
  const { failures } = await plugin.check("urn:test", {}, { [boolRow.group]: { [boolRow.key]: true } });
  const text = failures.map((f) => f.reason).join("\n");
  t.regex(text, /config ontap-security:host or ONTAP_HOST/);
  t.notRegex(text, /config ontap:/);
  plugin.configure(undefined, { "ontap-security:config:host": "cluster1.example.com" });
  t.is(plugin.configSource.get("ontap:host"), "cluster1.example.com", "config variables reach the lifecycle");
});

test("the provider's config refuses a key it does not know, names the ones it takes, and keeps credentials secret", (t) => {
  const plugin = new PluginProvider({ log: () => undefined });
  const checked = plugin.checkConfig({ hots: "cluster1", username: "admin", password: "pw", version: "0.1.0" });
  t.deepEqual(checked.failures.map((f) => f.property), [""], "no property: the engine would print its value");
  t.regex(checked.failures[0]?.reason ?? "", /ontap-security:hots is not a setting of the ontap-security provider; it takes host, username, password/);
  t.deepEqual(checked.inputs.password, secret("pw"));
  t.is(checked.inputs.username, "admin");
});
