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
import { describeValidationErrors } from "../provider/ontap/decode";
import { OntapSecurityError } from "../provider/ontap/ontapError";
import { baseUrlOf } from "../provider/ontap/host";
import { redactUrls } from "./fleetRedact";

/** One cluster of a stack: a management host, with the resource name it gets (default: from the host). */
export interface FleetCluster {
  readonly name: string;
  readonly host: string;
}

/** One stack of the fleet (a site or a shard). */
export interface FleetStack {
  /** As the inventory writes it. */
  readonly name: string;
  /** Fully qualified (`organization/ontap-fleet/paris` on a DIY backend): two spellings of one stack compare equal. */
  readonly qualified: string;
  /** Written to the stack's config `clusters` before each run; absent: the stack's config is used as it is. */
  readonly clusters?: readonly FleetCluster[];
}

/** A decoded inventory. */
export interface Inventory {
  /** The file it was read from (absolute). */
  readonly file: string;
  /** The Pulumi project folder (holds `Pulumi.yaml`), absolute. */
  readonly project: string;
  /** The project's name (`name:` in its `Pulumi.yaml`). */
  readonly projectName: string;
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

/** What Pulumi allows in a stack name and a project name (`tokens.ParseStackName`, `ValidateProjectName`). */
const NAME = /^[A-Za-z0-9_.-]+$/;
/** Pulumi's limit on a stack name and on a project name. */
export const MAX_NAME_LENGTH = 100;
/** The DIY and service backends the CLI knows. */
const BACKEND_SCHEMES = ["file:", "postgres:", "postgresql:", "s3:", "azblob:", "gs:", "https:", "http:"];
/** The DIY backends: their only organization is `organization`. */
const DIY_SCHEMES = ["file:", "postgres:", "postgresql:", "s3:", "azblob:", "gs:"];

/** An inventory that cannot be used: nothing has run. Each problem names the field, the value and what is allowed. */
export class FleetInventoryError extends OntapSecurityError {
  constructor(
    /** The inventory file. */
    readonly file: string,
    /** One line per problem: `stacks[1].name: got "a b", expected letters, digits, "_", "." or "-"`. */
    readonly problems: readonly string[],
  ) {
    // One problem, one line; several, one line each.
    super(`inventory ${file} is not usable, nothing was run:${problems.length === 1 ? " " : "\n  "}${problems.join("\n  ")}`);
  }
}

/** A resource name from a host: `https://paris-a.example.com:443` → `paris-a.example.com-443`, as examples/fleet does. */
export function nameFromHost(host: string): string {
  return host.trim().replace(/^https:\/\//i, "").replace(/[^A-Za-z0-9._-]+/g, "-");
}

/**
 * A stack's fully qualified name as Pulumi resolves it, or why Pulumi would refuse it. On a DIY
 * backend `paris`, `organization/paris` and `organization/<project>/paris` are one stack; elsewhere
 * (Pulumi Cloud) a name without an organization is in the login's default organization, which is not
 * known offline: it is compared as `(default)/<project>/<stack>`.
 */
export function qualifyStackName(name: string, projectName: string, diy: boolean): { qualified: string } | { problem: string } {
  const parts = name.split("/");
  if (parts.length > 3) return { problem: `has ${parts.length} parts; Pulumi allows <stack>, <org>/<stack> or <org>/<project>/<stack>` };
  const stack = parts[parts.length - 1] as string;
  const org = parts.length >= 2 ? (parts[0] as string) : undefined;
  const project = parts.length === 3 ? (parts[1] as string) : projectName;
  for (const [what, value] of [["organization", org], ["project", project], ["stack name", stack]] as const) {
    if (value === undefined) continue;
    if (value === "") return { problem: `has an empty ${what}` };
    if (value.length > MAX_NAME_LENGTH) return { problem: `has a ${what} of ${value.length} characters; Pulumi allows at most ${MAX_NAME_LENGTH}` };
    if (!NAME.test(value)) return { problem: `has a ${what} with characters Pulumi refuses; allowed: letters, digits, "_", "." and "-"` };
  }
  if (diy && org !== undefined && org !== "organization") return { problem: `names organization ${quote(org)}; a DIY backend has only "organization"` };
  if (project !== projectName) return { problem: `names project ${quote(project)}, but the inventory's project is ${quote(projectName)}` };
  return { qualified: `${org ?? (diy ? "organization" : "(default)")}/${project}/${stack}` };
}

const quote = (value: unknown): string => JSON.stringify(value) ?? "undefined";

/** What decoding needs from outside the inventory file. */
export interface InventoryContext {
  /** The `name:` of the Pulumi project in `dir`, or why there is none (no Pulumi.yaml). */
  readonly projectName: (dir: string) => { readonly name: string } | { readonly problem: string };
  /** `PULUMI_BACKEND_URL`, the backend when the inventory names none. */
  readonly envBackend?: string | undefined;
}

/** A cluster's identity as written: the base URL the provider would reach (`c1`, `https://C1:443` → `https://c1`). */
export function clusterAddress(host: string): string {
  return baseUrlOf(host).toLowerCase().replace(/\.(?=(:\d+)?$)/, "");
}

/**
 * Checks a parsed inventory and resolves its paths against `file`'s folder. Pure but for `context`:
 * tested by tables. Throws `FleetInventoryError` listing every problem at once.
 */
export function decodeInventory(raw: unknown, file: string, context: InventoryContext): Inventory {
  const decoded = InventoryFile.decode(raw);
  if (isLeft(decoded)) {
    throw new FleetInventoryError(file, describeValidationErrors(decoded.left, "(file)"));
  }
  const value = decoded.right;
  const problems: string[] = [];
  if (value.stacks.length === 0) problems.push("stacks: got [], expected at least one stack");
  if (value.backend !== undefined && !BACKEND_SCHEMES.some((scheme) => value.backend?.startsWith(scheme))) {
    problems.push(`backend: got ${quote(redactUrls(value.backend))}, expected a URL starting with ${BACKEND_SCHEMES.map((s) => `${s}//`).join(", ")}`);
  }
  const project = path.resolve(path.dirname(file), value.project ?? ".");
  const found = context.projectName(project);
  if ("problem" in found) problems.push(`project: ${quote(value.project ?? ".")} (${project}) ${found.problem}`);
  const projectName = "name" in found ? found.name : "";
  const backend = value.backend ?? context.envBackend;
  const diy = backend !== undefined && DIY_SCHEMES.some((scheme) => backend.startsWith(scheme));
  const stackEntries = new Map<string, number>();
  // One manager per cluster: every cluster once in the whole fleet, whichever way its host is written.
  const clusterEntries = new Map<string, { at: string; host: string }>();
  const stacks = value.stacks.map((stack, i): FleetStack => {
    const named = qualifyStackName(stack.name, projectName, diy);
    let qualified = stack.name;
    if ("problem" in named) {
      if ("name" in found) problems.push(`stacks[${i}].name: ${quote(stack.name)} ${named.problem}`);
    } else {
      qualified = named.qualified;
      const first = stackEntries.get(qualified);
      if (first !== undefined) {
        problems.push(`stacks[${i}].name: ${quote(stack.name)} is the stack of stacks[${first}] (${quote(value.stacks[first]?.name)}), ${qualified}; list each stack once`);
      } else {
        stackEntries.set(qualified, i);
      }
    }
    if (stack.clusters === undefined) return { name: stack.name, qualified };
    if (stack.clusters.length === 0) problems.push(`stacks[${i}].clusters: got [], expected at least one cluster (or leave it out to use the stack's own config)`);
    const clusterNames = new Set<string>();
    const clusters = stack.clusters.map((entry, j): FleetCluster => {
      const at = `stacks[${i}].clusters[${j}]`;
      const host = (typeof entry === "string" ? entry : entry.host).trim();
      // Checked before any name is derived from the host: a credential would become a resource name.
      if (host.includes("@")) {
        problems.push(`${at}.host: holds credentials (text before an "@"); the inventory names hosts only: give the account in ONTAP_USERNAME and ONTAP_PASSWORD or the stack's config`);
        return { name: "", host: "" };
      }
      if (host === "") {
        problems.push(`${at}.host: got ${quote(host)}, expected a management host name or address`);
        return { name: "", host };
      }
      let address: string;
      try {
        address = clusterAddress(host);
      } catch (error) {
        problems.push(`${at}.host: ${(error as Error).message}`);
        return { name: "", host };
      }
      const name = typeof entry === "string" || entry.name === undefined || entry.name === "" ? nameFromHost(host) : entry.name;
      const other = clusterEntries.get(address);
      if (other !== undefined) {
        problems.push(`${at}.host: ${quote(host)} is the cluster of ${other.at} (${quote(other.host)}), ${address}: one manager per cluster, list it once`);
      } else if (clusterNames.has(name)) {
        problems.push(`${at}.name: ${quote(name)} appears twice in stack ${quote(stack.name)}; give each cluster its own name`);
      }
      clusterEntries.set(address, other ?? { at, host });
      clusterNames.add(name);
      return { name, host };
    });
    return { name: stack.name, qualified, clusters };
  });
  if (problems.length > 0) throw new FleetInventoryError(file, problems);
  return {
    file,
    project,
    projectName,
    ...(value.backend === undefined ? {} : { backend: value.backend }),
    stacks,
  };
}

/** The project name in `dir/Pulumi.yaml` (or `.yml`), or why there is none. */
export function readProjectName(dir: string): { name: string } | { problem: string } {
  for (const file of ["Pulumi.yaml", "Pulumi.yml"]) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, file), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      return { problem: `has a ${file} that cannot be read: ${(error as Error).message}` };
    }
    let parsed: unknown;
    try {
      parsed = parse(text);
    } catch {
      return { problem: `has a ${file} that is not YAML` };
    }
    const name = (parsed as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") return { problem: `has a ${file} without a name:` };
    return { name };
  }
  return { problem: "has no Pulumi.yaml: give project: the folder of the Pulumi program (default: the inventory's folder)" };
}

/** Reads and decodes an inventory file (YAML, of which JSON is a subset). */
export function loadInventory(file: string, env: NodeJS.ProcessEnv = process.env): Inventory {
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
  return decodeInventory(raw, absolute, { projectName: readProjectName, envBackend: env.PULUMI_BACKEND_URL });
}
