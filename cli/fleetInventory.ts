/**
 * The fleet inventory (`fleet.yaml`): which Pulumi project, which state backend, and which stacks,
 * each with the clusters that go into its stack config. Decoded at the edge: every problem names its
 * field, the value found and what is allowed, and nothing runs until the whole file is valid.
 */
import { readFileSync } from "fs";
import * as path from "path";
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import { YAMLParseError, parse } from "yaml";
import { validationProblems } from "../provider/ontap/decode";
import { OntapSecurityError } from "../provider/ontap/errors";

/** One cluster of a stack: a management host, with the resource name it gets (default: from the host). */
export interface FleetCluster {
  readonly name: string;
  readonly host: string;
}

/** One stack of the fleet (a site or a shard). */
export interface FleetStack {
  readonly name: string;
  /** Written to the stack's config `clusters` before each run; absent: the stack's config is used as it is. */
  readonly clusters?: readonly FleetCluster[];
}

/** A decoded inventory. */
export interface Inventory {
  /** The file it was read from (absolute). */
  readonly file: string;
  /** The Pulumi project folder (holds `Pulumi.yaml`), absolute. */
  readonly project: string;
  /** The state backend URL, or undefined to use `PULUMI_BACKEND_URL` / the CLI's login. */
  readonly backend?: string;
  readonly stacks: readonly FleetStack[];
}

/** The inventory's shape as written (YAML or JSON). */
const ClusterEntry = t.union([t.string, t.intersection([t.type({ host: t.string }), t.partial({ name: t.string })])], "host | {name?, host}");
const StackEntry = t.intersection([t.type({ name: t.string }), t.partial({ clusters: t.array(ClusterEntry) })], "{name, clusters?}");
const InventoryFile = t.intersection(
  [t.type({ stacks: t.array(StackEntry) }), t.partial({ project: t.string, backend: t.string })],
  "{project?, backend?, stacks}",
);

/** What Pulumi allows in a stack name (with an optional `org/project/` prefix). */
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
/** The DIY and service backends the CLI knows. */
const BACKEND_SCHEMES = ["file:", "postgres:", "postgresql:", "s3:", "azblob:", "gs:", "https:", "http:"];

/** An inventory that cannot be used: nothing has run. Each problem names the field, the value and what is allowed. */
export class FleetInventoryError extends OntapSecurityError {
  constructor(
    /** The inventory file. */
    readonly file: string,
    /** One line per problem: `stacks[1].name: got "a b", expected letters, digits, "_", "." or "-"`. */
    readonly problems: readonly string[],
  ) {
    super(`inventory ${file} is not usable, nothing was run:\n  ${problems.join("\n  ")}`);
  }
}

/** A resource name from a host: `https://paris-a.example.com:443` → `paris-a.example.com-443`, as examples/fleet does. */
export function nameFromHost(host: string): string {
  return host.trim().replace(/^https:\/\//i, "").replace(/[^A-Za-z0-9._-]+/g, "-");
}

/** `postgres://user:secret@db/x` → `postgres://user:***@db/x`: a backend URL fit for logs and summaries. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

const quote = (value: unknown): string => JSON.stringify(value) ?? "undefined";

/**
 * Checks a parsed inventory and resolves its paths against `file`'s folder. Pure: tested by tables.
 * Throws `FleetInventoryError` listing every problem at once.
 */
export function decodeInventory(raw: unknown, file: string): Inventory {
  const decoded = InventoryFile.decode(raw);
  if (isLeft(decoded)) {
    const seen = new Set<string>();
    const problems = validationProblems(decoded.left)
      .map((p) => `${p.path === "" ? "(file)" : p.path.replace(/\.(\d+)(?=\.|$)/g, "[$1]")}: got ${quote(p.value)}, expected ${p.expected}`)
      .filter((line) => !seen.has(line) && seen.add(line) !== undefined);
    throw new FleetInventoryError(file, problems);
  }
  const value = decoded.right;
  const problems: string[] = [];
  if (value.stacks.length === 0) problems.push("stacks: got [], expected at least one stack");
  if (value.backend !== undefined && !BACKEND_SCHEMES.some((scheme) => value.backend?.startsWith(scheme))) {
    problems.push(`backend: got ${quote(redactUrl(value.backend))}, expected a URL starting with ${BACKEND_SCHEMES.map((s) => `${s}//`).join(", ")}`);
  }
  const stackNames = new Set<string>();
  const stacks = value.stacks.map((stack, i): FleetStack => {
    if (!STACK_NAME.test(stack.name)) {
      problems.push(`stacks[${i}].name: got ${quote(stack.name)}, expected letters, digits, "_", "." or "-" (optionally "org/project/" before)`);
    } else if (stackNames.has(stack.name)) {
      problems.push(`stacks[${i}].name: ${quote(stack.name)} is listed twice; each stack once`);
    }
    stackNames.add(stack.name);
    if (stack.clusters === undefined) return { name: stack.name };
    if (stack.clusters.length === 0) problems.push(`stacks[${i}].clusters: got [], expected at least one cluster (or leave it out to use the stack's own config)`);
    const clusterNames = new Set<string>();
    const clusters = stack.clusters.map((entry, j): FleetCluster => {
      const host = (typeof entry === "string" ? entry : entry.host).trim();
      const name = typeof entry === "string" || entry.name === undefined || entry.name === "" ? nameFromHost(host) : entry.name;
      if (host === "") problems.push(`stacks[${i}].clusters[${j}].host: got ${quote(host)}, expected a management host name or address`);
      else if (clusterNames.has(name)) problems.push(`stacks[${i}].clusters[${j}].name: ${quote(name)} appears twice in stack ${quote(stack.name)}; give each cluster its own name`);
      clusterNames.add(name);
      return { name, host };
    });
    return { name: stack.name, clusters };
  });
  if (problems.length > 0) throw new FleetInventoryError(file, problems);
  return {
    file,
    project: path.resolve(path.dirname(file), value.project ?? "."),
    ...(value.backend === undefined ? {} : { backend: value.backend }),
    stacks,
  };
}

/** Reads and decodes an inventory file (YAML, of which JSON is a subset). */
export function loadInventory(file: string): Inventory {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    throw new FleetInventoryError(absolute, [`(file): cannot be read: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    if (error instanceof YAMLParseError) throw new FleetInventoryError(absolute, [`(file): not YAML: ${error.message.split("\n")[0]}`]);
    throw error;
  }
  return decodeInventory(raw, absolute);
}
