/**
 * The Pulumi package schema of the provider plugin, generated when asked (`GetSchema`) from the tables
 * of settings (`lifecycle/settings.ts` over `ontap/securityFields.ts`) and the TSDoc of the public types
 * (`ClusterSecurity.ts`, read from its declaration file): a row added to the tables is in the schema,
 * the SDKs generated from it and every YAML program's type checks, with nothing written twice.
 * @see https://www.pulumi.com/docs/iac/extending-pulumi/schema/
 */
import * as t from "io-ts";
import { readFileSync } from "fs";
import * as path from "path";
import { CONNECTION_KEYS } from "../lifecycle/model";
import { MANAGED_GROUPS, MANAGED_ROWS, REPORTED_GROUPS, ROWS, SettingRow, rowsOf } from "../lifecycle/settings";
import { fieldRow } from "../ontap/securityFields";
import { Declaration, DeclaredMember, packageDeclarations, plainType } from "./docs";
import { SECRET_CONNECTION_KEYS } from "./pluginProvider";

import { PACKAGE, RESOURCE_TOKEN } from "./token";

export { PACKAGE, RESOURCE_TOKEN };

/** The names of the public declarations the schema is read from. */
const ARGS = "ClusterSecurityArgs";
const RESOURCE = "ClusterSecurity";
/** Output holding the cluster's identity: not a setting, always reported. */
const IDENTITY_OUTPUT = "cluster";
/** Arguments that are neither settings nor connection. */
const TIMEOUT_ARGUMENT = "jobTimeoutSeconds";

/** A property's type as the schema writes it. */
export type SchemaType =
  | { type: "boolean" | "string" | "number" | "integer" }
  | { type: "array"; items: SchemaType }
  | { oneOf: SchemaType[] }
  | { $ref: string };
export type SchemaProperty = SchemaType & { description?: string; secret?: boolean };
export interface ObjectType {
  type: "object";
  description?: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

/** The npm package's manifest: the plugin reports its version and description. */
function manifest(): { version: string; description: string; license: string } {
  return JSON.parse(readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")) as { version: string; description: string; license: string };
}

/** The package version the plugin reports: the npm package's. */
export function packageVersion(): string {
  return manifest().version;
}

/** A wire codec as a schema type. */
export function codecType(codec: t.Mixed): SchemaType {
  if (codec instanceof t.BooleanType) return { type: "boolean" };
  if (codec instanceof t.StringType) return { type: "string" };
  if (codec instanceof t.NumberType) return { type: "number" };
  if (codec instanceof t.ArrayType) return { type: "array", items: codecType(codec.type as t.Mixed) };
  if (codec instanceof t.UnionType) return { oneOf: (codec.types as t.Mixed[]).map(codecType) };
  throw new Error(`the schema has no type for the codec ${codec.name}`);
}

/**
 * A declared TypeScript type as a schema type, for the arguments outside the tables. The one number
 * among them counts whole seconds, hence `integer`.
 */
export function declaredType(type: string): SchemaType {
  const plain = plainType(type);
  if (plain === "string" || plain === "boolean") return { type: plain };
  if (plain === "number") return { type: "integer" };
  throw new Error(`the schema has no type for the declared type ${type}`);
}

const ref = (name: string): { $ref: string } => ({ $ref: `#/types/${PACKAGE}:index:${name}` });
const described = <T extends object>(value: T, doc: string | undefined): T & { description?: string } =>
  doc === undefined || doc === "" ? value : { ...value, description: doc };

/** The interface a member's declared type names (`pulumi.Input<FipsArgs>` → `FipsArgs`). */
function interfaceOf(member: DeclaredMember | undefined, declarations: Map<string, Declaration>, where: string): string {
  const name = member === undefined ? undefined : plainType(member.type);
  if (name === undefined || !declarations.has(name)) throw new Error(`${where} is not declared with an interface of its own (${member?.type ?? "missing"})`);
  return name;
}

function requireDeclaration(declarations: Map<string, Declaration>, name: string): Declaration {
  const declaration = declarations.get(name);
  if (declaration === undefined) throw new Error(`ClusterSecurity.d.ts declares no ${name}`);
  return declaration;
}

/** The provider's own config keys: its connection arguments, documented where the dynamic resource documents them. */
function connectionProperties(args: Declaration): Record<string, SchemaProperty> {
  const out: Record<string, SchemaProperty> = {};
  for (const key of CONNECTION_KEYS) {
    const member = args.members.get(key);
    if (member === undefined) throw new Error(`${ARGS} declares no ${key}`);
    // The dynamic resource's config lives in namespace `ontap`; the plugin's in its own.
    const doc = member.doc.replace(/`ontap:/g, `\`${PACKAGE}:`);
    const secret = (SECRET_CONNECTION_KEYS as readonly string[]).includes(key);
    out[key] = { ...described(declaredType(member.type), doc), ...(secret ? { secret: true } : {}) };
  }
  return out;
}

/** Leaves of one group, typed from the wire table, each with the TSDoc of its declared member. */
function groupType(rows: readonly SettingRow[], declaration: Declaration, fallback: Declaration | undefined, required: (row: SettingRow) => boolean): ObjectType {
  const properties: Record<string, SchemaProperty> = {};
  for (const row of rows) {
    const doc = declaration.members.get(row.key)?.doc || fallback?.members.get(row.key)?.doc || "";
    const since = `Needs ONTAP ${row.since} or later.`;
    properties[row.key] = described(codecType(fieldRow(row.wire).codec), doc === "" ? since : `${doc} ${since}`);
  }
  const requiredKeys = rows.filter(required).map((row) => row.key);
  return described({ type: "object" as const, properties, ...(requiredKeys.length > 0 ? { required: requiredKeys } : {}) }, declaration.doc);
}

/** The whole schema, as `GetSchema` serves it and `pulumi package gen-sdk` reads it. */
export function packageSchema(declarations: Map<string, Declaration> = packageDeclarations()): Record<string, unknown> {
  const args = requireDeclaration(declarations, ARGS);
  const resource = requireDeclaration(declarations, RESOURCE);
  const types: Record<string, ObjectType> = {};
  const inputProperties: Record<string, SchemaProperty> = {};
  const properties: Record<string, SchemaProperty> = {};

  for (const group of MANAGED_GROUPS) {
    const argsName = interfaceOf(args.members.get(group), declarations, `${ARGS}.${group}`);
    // Codegen adds `Args` to input types itself.
    const name = argsName.replace(/Args$/, "");
    const declaration = requireDeclaration(declarations, argsName);
    types[`${PACKAGE}:index:${name}`] = groupType(rowsOf(group, MANAGED_ROWS), declaration, undefined, () => false);
    inputProperties[group] = described(ref(name), args.members.get(group)?.doc || declaration.doc);
  }
  for (const group of REPORTED_GROUPS) {
    const name = interfaceOf(resource.members.get(group), declarations, `${RESOURCE}.${group}`);
    const declaration = requireDeclaration(declarations, name);
    const argsName = args.members.has(group) ? interfaceOf(args.members.get(group), declarations, `${ARGS}.${group}`) : undefined;
    // A group appears in outputs with every managed setting of it, but those a later release added (model.ts, observedFromWire).
    types[`${PACKAGE}:index:${name}`] = groupType(rowsOf(group, ROWS), declaration, argsName === undefined ? undefined : declarations.get(argsName), (row) => row.managed && row.laterInGroup !== true);
    properties[group] = described(ref(name), resource.members.get(group)?.doc || declaration.doc);
  }
  const identityName = interfaceOf(resource.members.get(IDENTITY_OUTPUT), declarations, `${RESOURCE}.${IDENTITY_OUTPUT}`);
  const identity = requireDeclaration(declarations, identityName);
  types[`${PACKAGE}:index:${identityName}`] = described(
    {
      type: "object" as const,
      properties: Object.fromEntries([...identity.members].map(([key, member]) => [key, described(declaredType(member.type), member.doc)])),
      required: [...identity.members].filter(([, member]) => !member.optional).map(([key]) => key),
    },
    identity.doc,
  );
  properties[IDENTITY_OUTPUT] = described(ref(identityName), resource.members.get(IDENTITY_OUTPUT)?.doc || identity.doc);
  const timeout = args.members.get(TIMEOUT_ARGUMENT);
  if (timeout === undefined) throw new Error(`${ARGS} declares no ${TIMEOUT_ARGUMENT}`);
  inputProperties[TIMEOUT_ARGUMENT] = described(declaredType(timeout.type), timeout.doc);
  properties[TIMEOUT_ARGUMENT] = inputProperties[TIMEOUT_ARGUMENT];

  const connection = connectionProperties(args);
  return {
    name: PACKAGE,
    displayName: "NetApp ONTAP security",
    version: manifest().version,
    description: manifest().description,
    keywords: ["pulumi", "netapp", "ontap", "category/infrastructure", "kind/native"],
    license: manifest().license,
    meta: { moduleFormat: "(.*)" },
    config: { variables: connection },
    provider: { description: `The provider for ${PACKAGE}: how to reach one cluster and log in.`, inputProperties: connection },
    types,
    resources: {
      [RESOURCE_TOKEN]: { description: resource.doc, inputProperties, properties, required: [IDENTITY_OUTPUT] },
    },
    language: {
      python: { packageName: "pulumi_ontap_security" },
      go: { importBasePath: "github.com/pulumi-ontap-security/sdk/go/ontapsecurity", generateResourceContainerTypes: false },
      nodejs: { packageName: "@pulumi-ontap-security/sdk" },
      csharp: { rootNamespace: "PulumiOntapSecurity" },
    },
  };
}
