/**
 * What a fleet run learnt about each cluster, for its report: the settings the program declares and the
 * ones the cluster reported, the release, the errors, and when its state last changed. Gathered from
 * the engine's events as the stack runs (no extra request to any cluster), or from the stack's state alone.
 * Only the security settings and the cluster's identity are kept: never a connection input.
 */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { OUTPUT_GROUPS, SETTING_GROUPS } from "../provider/lifecycle/model";
import { differingSettings } from "../provider/lifecycle/settings";
import { containsUnknown } from "../provider/lifecycle/unknown";
import { CLUSTER_SECURITY_TYPES } from "../policy/crossguard";
import { PROVIDER_TOKEN } from "../provider/plugin/token";
import type { FleetCluster } from "./fleetInventory";

/**
 * Whether a resource type is a cluster's security: the dynamic `ClusterSecurity` (TypeScript programs)
 * or the provider plugin's resource (YAML, Python, Go programs), judged alike everywhere in a run.
 */
export const isClusterType = (type: string | undefined): boolean => type !== undefined && CLUSTER_SECURITY_TYPES.has(type);

/** The type in a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export const typeOfUrn = (urn: string): string | undefined => urn.split("::")[2]?.split("$").pop();

/** Whether a URN is a cluster's security resource. */
export const isClusterUrn = (urn: string): boolean => isClusterType(typeOfUrn(urn));

/** One cluster as a fleet run saw it. */
export interface ClusterRecord {
  /** The resource's name in the stack. */
  readonly name: string;
  /** The management host, as the program or the inventory gives it. */
  readonly host?: string;
  /** The cluster's own name and ONTAP release, as it reported them. */
  readonly clusterName?: string;
  readonly release?: string;
  /** The security settings the program declares (its arguments), by group. */
  readonly desired?: Readonly<Record<string, unknown>>;
  /** The security settings the cluster reported, by group: read in this run, else the last ones in state. */
  readonly found?: Readonly<Record<string, unknown>>;
  /** Whether `found` was read from the cluster in this run (refresh, up) or comes from state. */
  readonly foundNow?: boolean;
  /** The engine's last step for it; absent when the run never reached it. */
  readonly op?: OpType;
  /** The run changed it, would change it, or found it drifted. */
  readonly changed: boolean;
  readonly failed: boolean;
  /** The error lines the engine reported for it (each with the provider's advice). */
  readonly errors?: readonly string[];
  /** When its state last recorded a change (ISO time), when known. */
  readonly lastChange?: string;
}

type Groups = Record<string, unknown>;

/** Pulumi's mark of a secret value in state (`{"4dabf…": "1b47…", "ciphertext" | "plaintext": …}`). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** Whether a value is, or holds, a secret as state writes one: never shown, whatever it is. */
function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value === null || typeof value !== "object") return false;
  return SECRET_SIGNATURE in value || Object.values(value).some(holdsSecret);
}

/** The groups of `source` named in `groups`, leaving out values not known yet (a preview's) and secrets. */
function pick(source: Record<string, unknown> | undefined, groups: readonly string[]): Groups | undefined {
  if (source === undefined || source === null) return undefined;
  const out: Groups = {};
  for (const group of groups) {
    const value = source[group];
    if (value !== undefined && value !== null && !containsUnknown(value) && !holdsSecret(value)) out[group] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const nameOf = (urn: string): string => urn.split("::").pop() ?? urn;

interface Seen {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** 3: read by a refresh; 2: written by an update; 1: from state. */
  rank: number;
  errors: string[];
}

/** Collects the cluster resources' inputs, outputs and errors from a stack's engine events. */
export class ClusterCollector {
  readonly #seen = new Map<string, Seen>();

  #entry(urn: string): Seen {
    let entry = this.#seen.get(urn);
    if (entry === undefined) this.#seen.set(urn, (entry = { rank: 0, errors: [] }));
    return entry;
  }

  /** The host each provider plugin instance connects to, by the provider's URN (a plugin resource has no host of its own). */
  readonly #providerHosts = new Map<string, string>();
  /** The provider each plugin resource goes through (its URN). */
  readonly #providerOf = new Map<string, string>();

  /** Notes a provider's host, and which provider a cluster resource uses. */
  #providers(metadata: { urn: string; type: string; provider?: string; new?: { inputs?: Record<string, unknown>; provider?: string }; old?: { inputs?: Record<string, unknown>; provider?: string } }): void {
    if (metadata.type === PROVIDER_TOKEN) {
      const host = metadata.new?.inputs?.host ?? metadata.old?.inputs?.host;
      if (typeof host === "string" && !containsUnknown(host)) this.#providerHosts.set(metadata.urn, host);
      return;
    }
    // A provider reference is `<provider urn>::<provider id>`.
    const reference = metadata.new?.provider ?? metadata.old?.provider ?? metadata.provider;
    if (isClusterType(metadata.type) && typeof reference === "string" && reference.includes("::")) {
      this.#providerOf.set(metadata.urn, reference.slice(0, reference.lastIndexOf("::")));
    }
  }

  onEvent = (event: EngineEvent): void => {
    for (const step of [event.resourcePreEvent, event.resOutputsEvent]) if (step !== undefined) this.#providers(step.metadata);
    const pre = event.resourcePreEvent;
    if (pre !== undefined && isClusterType(pre.metadata.type)) {
      const entry = this.#entry(pre.metadata.urn);
      const inputs = pre.metadata.new?.inputs ?? pre.metadata.old?.inputs;
      if (inputs !== undefined && pre.metadata.op !== "refresh") entry.inputs = inputs;
      else if (inputs !== undefined && entry.inputs === undefined) entry.inputs = inputs;
      if (entry.rank < 1 && pre.metadata.old?.outputs !== undefined) {
        entry.outputs = pre.metadata.old.outputs;
        entry.rank = 1;
      }
    }
    const out = event.resOutputsEvent;
    if (out !== undefined && isClusterType(out.metadata.type)) {
      const entry = this.#entry(out.metadata.urn);
      const outputs = out.metadata.new?.outputs;
      // A preview's planned outputs are not what the cluster has; a refresh's are, in preview too.
      const rank = out.metadata.op === "refresh" ? 3 : out.planning ? 0 : 2;
      if (outputs !== undefined && rank > 0 && rank >= entry.rank) {
        entry.outputs = outputs;
        entry.rank = rank;
      }
      if (entry.inputs === undefined && out.metadata.new?.inputs !== undefined) entry.inputs = out.metadata.new.inputs;
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.urn !== undefined && diagnostic.severity === "error" && !diagnostic.ephemeral && isClusterUrn(diagnostic.urn)) {
      const text = diagnostic.message.replace(/\s+$/, "");
      if (text !== "") this.#entry(diagnostic.urn).errors.push(text);
    }
  };

  /**
   * One record per cluster resource seen, then one per cluster of the inventory the run never reached.
   * `ops` and `failedUrns` are the runner's own tally (the one judgement of changed and failed).
   */
  records(ops: ReadonlyMap<string, OpType>, failedUrns: ReadonlySet<string>, changed: (op: OpType) => boolean, inventory?: readonly FleetCluster[]): ClusterRecord[] {
    const records: ClusterRecord[] = [];
    const urns = new Set([...this.#seen.keys(), ...[...ops.keys()].filter(isClusterUrn)]);
    for (const urn of urns) {
      const entry = this.#seen.get(urn) ?? { rank: 0, errors: [] };
      const op = ops.get(urn);
      const identity = entry.outputs?.cluster as { name?: unknown; version?: unknown } | undefined;
      const provider = this.#providerOf.get(urn);
      const host =
        typeof entry.inputs?.host === "string" && !containsUnknown(entry.inputs.host) ? entry.inputs.host : provider === undefined ? undefined : this.#providerHosts.get(provider);
      const desired = pick(entry.inputs, SETTING_GROUPS);
      const found = pick(entry.outputs, OUTPUT_GROUPS);
      records.push({
        name: nameOf(urn),
        ...(host === undefined ? {} : { host }),
        ...(typeof identity?.name === "string" ? { clusterName: identity.name } : {}),
        ...(typeof identity?.version === "string" ? { release: identity.version } : {}),
        ...(desired === undefined ? {} : { desired }),
        ...(found === undefined ? {} : { found, foundNow: entry.rank >= 2 }),
        ...(op === undefined ? {} : { op }),
        changed: op !== undefined && changed(op),
        failed: failedUrns.has(urn),
        ...(entry.errors.length === 0 ? {} : { errors: entry.errors }),
      });
    }
    // A program's resource names need not be the inventory's (a YAML program's are written in it): a
    // cluster of the inventory was reached when a resource has its name or its host.
    const named = new Set(records.map((r) => r.name));
    const hosts = new Set(records.map((r) => r.host).filter((host): host is string => host !== undefined));
    for (const cluster of inventory ?? []) {
      if (!named.has(cluster.name) && !hosts.has(cluster.host)) records.push({ name: cluster.name, host: cluster.host, changed: false, failed: false });
    }
    // Engine events of resources run side by side come in any order: the records keep the inventory's,
    // and the resources it does not name come last, by name.
    const placed = records.map((record) => {
      const at = (inventory ?? []).findIndex((c) => c.name === record.name || (record.host !== undefined && c.host === record.host));
      return { record, at: at === -1 ? Number.MAX_SAFE_INTEGER : at };
    });
    placed.sort((x, y) => x.at - y.at || (x.record.name < y.record.name ? -1 : x.record.name > y.record.name ? 1 : 0));
    return placed.map(({ record }) => record);
  }
}

/** A resource as `pulumi stack export` writes it (the fields read here). */
interface StateResource {
  readonly urn?: string;
  readonly type?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly provider?: string;
  readonly created?: string;
  readonly modified?: string;
  readonly initErrors?: readonly string[];
}

/** An operation a run had started on a cluster's resource and not finished when its state was last written. */
export interface PendingOperation {
  readonly name: string;
  /** `creating`, `updating`, `deleting`, … as state has it. */
  readonly operation: string;
}

/** What a stack's state records about its clusters. */
export interface RecordedClusters {
  readonly records: ClusterRecord[];
  /** When the state was last written (its manifest's time). */
  readonly recordedAt?: string;
  readonly pending: readonly PendingOperation[];
}

const inFlight = (operation: string): string => `${operation} when the state was last written: a run was still at it, or was stopped before it finished`;

const hostIn = (inputs: Record<string, unknown> | undefined): string | undefined =>
  typeof inputs?.host === "string" && !containsUnknown(inputs.host) ? inputs.host : undefined;

/**
 * The clusters as a stack's state (`pulumi stack export`) records them, without asking any cluster:
 * what the program declared at its last update (inputs) and what the cluster reported when last read
 * (outputs, from that update or a later refresh), the release, the last change, and the operations
 * left in flight. Differing settings are drift as recorded. Only security settings and identity are
 * kept (as from a run's events); a secret, even decrypted by `--show-secrets`, never.
 */
export function recordsFromState(deployment: unknown, inventory?: readonly FleetCluster[]): RecordedClusters {
  const body = (deployment as { deployment?: { manifest?: { time?: unknown }; resources?: unknown; pending_operations?: unknown } } | undefined)?.deployment;
  const resources = (Array.isArray(body?.resources) ? body.resources : []) as StateResource[];
  const providerHosts = new Map<string, string>();
  for (const r of resources) {
    const host = hostIn(r.inputs);
    if (r.type === PROVIDER_TOKEN && typeof r.urn === "string" && host !== undefined) providerHosts.set(r.urn, host);
  }
  const pendingList = (Array.isArray(body?.pending_operations) ? body.pending_operations : []) as { resource?: StateResource; type?: unknown }[];
  const pending = pendingList
    .filter((p) => isClusterType(p.resource?.type) && typeof p.resource?.urn === "string")
    .map((p) => ({ name: nameOf(p.resource?.urn as string), operation: typeof p.type === "string" ? p.type : "in flight" }));
  const pendingOf = new Map(pending.map((p) => [p.name, p.operation]));
  const records: ClusterRecord[] = [];
  for (const r of resources) {
    if (!isClusterType(r.type) || typeof r.urn !== "string") continue;
    const name = nameOf(r.urn);
    const reference = r.provider;
    const host = hostIn(r.inputs) ?? (typeof reference === "string" && reference.includes("::") ? providerHosts.get(reference.slice(0, reference.lastIndexOf("::"))) : undefined);
    const identity = r.outputs?.cluster as { name?: unknown; version?: unknown } | undefined;
    const desired = pick(r.inputs, SETTING_GROUPS);
    const found = pick(r.outputs, OUTPUT_GROUPS);
    const operation = pendingOf.get(name);
    const errors = [...(r.initErrors ?? []).filter((e) => typeof e === "string"), ...(operation === undefined ? [] : [inFlight(operation)])];
    const time = r.modified ?? r.created;
    records.push({
      name,
      ...(host === undefined ? {} : { host }),
      ...(typeof identity?.name === "string" ? { clusterName: identity.name } : {}),
      ...(typeof identity?.version === "string" ? { release: identity.version } : {}),
      ...(desired === undefined ? {} : { desired }),
      ...(found === undefined ? {} : { found, foundNow: false }),
      op: "same",
      changed: desired !== undefined && found !== undefined && differingSettings(desired, found).length > 0,
      failed: errors.length > 0,
      ...(errors.length === 0 ? {} : { errors }),
      ...(typeof time === "string" ? { lastChange: time } : {}),
    });
  }
  // A create in flight has no resource in state yet: the cluster is its pending operation.
  const named = new Set(records.map((r) => r.name));
  for (const p of pending) {
    if (named.has(p.name)) continue;
    named.add(p.name);
    records.push({ name: p.name, op: "same", changed: false, failed: true, errors: [inFlight(p.operation)] });
  }
  const hosts = new Set(records.map((r) => r.host).filter((host): host is string => host !== undefined));
  for (const cluster of inventory ?? []) {
    if (!named.has(cluster.name) && !hosts.has(cluster.host)) records.push({ name: cluster.name, host: cluster.host, changed: false, failed: false });
  }
  const time = body?.manifest?.time;
  return { records, pending, ...(typeof time === "string" ? { recordedAt: time } : {}) };
}

/** Adds each cluster's last change from a `pulumi stack export` of its stack. */
export function withLastChanges(records: readonly ClusterRecord[], deployment: unknown): ClusterRecord[] {
  const resources = ((deployment as { deployment?: { resources?: unknown[] } } | undefined)?.deployment?.resources ?? []) as { urn?: string; type?: string; modified?: string; created?: string }[];
  const when = new Map<string, string>();
  for (const resource of resources) {
    if (!isClusterType(resource.type) || typeof resource.urn !== "string") continue;
    const time = resource.modified ?? resource.created;
    if (typeof time === "string") when.set(nameOf(resource.urn), time);
  }
  return records.map((record) => {
    const time = when.get(record.name);
    return time === undefined ? record : { ...record, lastChange: time };
  });
}
