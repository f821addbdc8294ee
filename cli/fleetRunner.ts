/**
 * Runs one Pulumi command over every stack of a fleet through Pulumi's Automation API, at most
 * `concurrency` stacks at once. Each stack is its own `pulumi` process against the shared backend,
 * locked by Pulumi while it runs; this module only schedules, watches events and judges locks.
 */
import { hostname } from "os";
import { performance } from "perf_hooks";
import type * as Automation from "@pulumi/pulumi/automation";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { ClusterCollector, ClusterRecord, PendingOperation, isClusterType, isClusterUrn, recordsFromState, withLastChanges } from "./fleetClusters";
import type { FleetStack, Inventory } from "./fleetInventory";
import { ClusterClaims } from "./fleetIdentity";
import { detachedPulumi } from "./fleetProcess";
import { Backoff, LockHolder, backoffDelay, cancelCommand, describeHolders, isLockedMessage, judgeLock, parseLockHolders, processExists } from "./fleetLocks";

/** The Pulumi commands the runner drives. */
export const FLEET_COMMANDS = ["preview", "up", "refresh"] as const;
export type FleetCommand = (typeof FLEET_COMMANDS)[number];

/** What became of one stack. */
export type StackStatus =
  /** The command succeeded (and, in a drift check, found nothing to change). */
  | "succeeded"
  /** A drift check found changes (the command itself succeeded and changed nothing). */
  | "drift"
  /** The command failed: a program error, a cluster error, a failed check. */
  | "failed"
  /** Another run held the stack's lock through every retry. */
  | "locked"
  /** A lock left by a run that no longer exists; cleared only by `pulumi cancel`. */
  | "stale-lock"
  /** Never started: the runner was interrupted first. */
  | "cancelled";

/** One stack's outcome, as the summary and the JSON report give it. */
export interface StackResult {
  readonly stack: string;
  readonly status: StackStatus;
  /** ClusterSecurity resources the command went through. */
  readonly clusters: number;
  /** Of those, how many it changed (or would change, or found drifted). */
  readonly changed: number;
  /** Of those, how many failed. */
  readonly failed: number;
  /** Every resource operation by kind (`create`, `update`, `same`, `refresh`, …), as the engine reported. */
  readonly operations: Readonly<Partial<Record<OpType, number>>>;
  /** Runs of the command (more than 1 after waiting on a lock). */
  readonly attempts: number;
  readonly durationMs: number;
  /** Why it did not succeed: the engine's error lines. */
  readonly error?: string;
  /** The lock that stopped it, and how to clear it when it is stale. */
  readonly lock?: { readonly holders: readonly LockHolder[]; readonly recovery?: string };
  /** Each cluster as the run saw it (for reports); the inventory's clusters when the run never reached them. */
  readonly details?: readonly ClusterRecord[];
}

/** Live progress, for the command's output. */
export interface FleetProgress {
  stackStarted(stack: string, attempt: number): void;
  /** A lock is held: the runner waits `waitMs` before attempt `attempt`. */
  lockWait(stack: string, holders: readonly LockHolder[], waitMs: number, attempt: number): void;
  /** A cluster resource finished a step that changes it (or, in preview, would). */
  clusterChanged(stack: string): void;
  clusterFailed(stack: string): void;
  stackFinished(result: StackResult): void;
}

export interface FleetRunOptions {
  readonly command: FleetCommand;
  /** Stacks run at once. */
  readonly concurrency: number;
  /** preview/refresh: a change found is drift (status `drift`); refresh then runs `preview --refresh`, writing nothing. */
  readonly driftCheck: boolean;
  /** refresh: drop the records of creates a killed run left pending (the next `up` creates, so adopts, them again). */
  readonly clearPendingCreates?: boolean;
  /** Pulumi's `--parallel` within each stack; undefined: the CLI's default. */
  readonly parallel?: number;
  readonly backoff: Backoff;
  /** Folder holding `bin/pulumi`; undefined: `pulumi` on PATH. */
  readonly pulumiRoot?: string;
  /** Environment for every command, on top of this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting stops starting stacks and interrupts running ones (SIGINT, which Pulumi finishes gracefully). */
  readonly signal?: AbortSignal;
  readonly progress?: Partial<FleetProgress>;
  /** Read each stack's state after its command, for the clusters' last change (a report needs it). */
  readonly exportState?: boolean;
  /** Injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How stacks are selected and run; default: Pulumi's Automation API with the CLI. Injectable for tests. */
  readonly workspace?: FleetWorkspace;
}

/** What the runner does to a stack: the part of the Automation API's `Stack` it uses. */
export interface FleetStackHandle {
  setConfig(key: string, value: { value: string }): Promise<void>;
  up(options: Automation.UpOptions): Promise<unknown>;
  preview(options: Automation.PreviewOptions): Promise<unknown>;
  refresh(options: Automation.RefreshOptions): Promise<unknown>;
  /** The stack's state (`pulumi stack export`), for reports. */
  exportStack?(): Promise<unknown>;
}

/** Selects (creating if need be) a stack of the inventory. */
export interface FleetWorkspace {
  select(stack: FleetStack): Promise<FleetStackHandle>;
}

/** The Automation API with the CLI, each `pulumi` in a process group of its own (see fleetProcess.ts). */
async function automationWorkspace(inventory: Inventory, options: FleetRunOptions): Promise<FleetWorkspace> {
  const automation = require("@pulumi/pulumi/automation") as typeof Automation;
  const pulumiCommand = detachedPulumi(await automation.PulumiCommand.get(options.pulumiRoot === undefined ? {} : { root: options.pulumiRoot }));
  const envVars: Record<string, string> = {
    ...(inventory.backend === undefined ? {} : { PULUMI_BACKEND_URL: inventory.backend }),
    ...options.env,
  };
  return {
    select: (stack) => automation.LocalWorkspace.createOrSelectStack({ stackName: stack.name, workDir: inventory.project }, { pulumiCommand, envVars }),
  };
}

/** Operations that leave a resource as it was. */
const UNCHANGED: ReadonlySet<string> = new Set(["same", "read", "refresh", "discard"]);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}

/** Runs `options.command` on every stack of `inventory`; never throws for a stack's failure. */
export async function runFleet(inventory: Inventory, options: FleetRunOptions): Promise<StackResult[]> {
  const workspace = options.workspace ?? (await automationWorkspace(inventory, options));
  const claims = new ClusterClaims();
  // `pulumi stack select` and `config set` rewrite shared workspace files: one stack at a time there.
  let setupQueue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = setupQueue.then(work);
    setupQueue = next.catch(() => undefined);
    return next;
  };
  // The abort is checked before every step: a signal that comes while a stack is being selected or
  // configured stops it there (the Automation API itself only hears an abort once the command runs).
  const prepare = (stack: FleetStack, signal: AbortSignal) =>
    serially(async (): Promise<FleetStackHandle | undefined> => {
      if (signal.aborted) return undefined;
      const selected = await workspace.select(stack);
      if (signal.aborted) return undefined;
      if (stack.clusters !== undefined) await selected.setConfig("clusters", { value: JSON.stringify(stack.clusters) });
      return signal.aborted ? undefined : selected;
    });

  const results: StackResult[] = new Array(inventory.stacks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inventory.stacks.length) {
      const index = next++;
      const stack = inventory.stacks[index] as FleetStack;
      const result = options.signal?.aborted
        ? cancelled(stack)
        : await runStack(stack, (signal) => prepare(stack, signal), inventory, options, claims);
      results[index] = result;
      options.progress?.stackFinished?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, inventory.stacks.length)) }, worker));
  return results;
}

function cancelled(stack: FleetStack): StackResult {
  const details = new ClusterCollector().records(new Map(), new Set(), () => false, stack.clusters);
  return { stack: stack.name, status: "cancelled", clusters: 0, changed: 0, failed: 0, operations: {}, attempts: 0, durationMs: 0, details };
}

/** Per-resource bookkeeping from the engine's events. */
class Tally {
  readonly ops = new Map<string, OpType>();
  readonly failedUrns = new Set<string>();
  readonly errors: string[] = [];
  readonly collector = new ClusterCollector();

  /** The first resource found managing a cluster another resource of the run manages. */
  conflict?: string;

  constructor(
    private readonly stack: string,
    private readonly previewing: boolean,
    private readonly progress: Partial<FleetProgress> | undefined,
    private readonly claims: ClusterClaims,
    private readonly onConflict: () => void,
  ) {}

  onEvent = (event: EngineEvent): void => {
    this.collector.onEvent(event);
    // Every id a cluster resource reports is its cluster's uuid: claimed for this resource, in any step
    // but a delete (a renamed entry's old resource goes as its new one arrives).
    for (const step of [event.resourcePreEvent, event.resOutputsEvent]) {
      if (step === undefined || !isClusterType(step.metadata.type) || step.metadata.op === "delete") continue;
      for (const id of [step.metadata.old?.id, step.metadata.new?.id]) {
        if (typeof id !== "string" || id === "" || this.conflict !== undefined) continue;
        const owner = this.claims.claim(id, this.stack, step.metadata.urn);
        if (owner === undefined) continue;
        this.conflict = `${step.metadata.urn.split("::").pop()} manages cluster ${id}, which ${owner.urn.split("::").pop()} of stack ${owner.stack} already manages: one manager per cluster; this stack was interrupted`;
        this.onConflict();
      }
    }
    // A preview reports what it would do in pre-events; up and refresh report what they did in outputs events.
    const step = this.previewing ? event.resourcePreEvent : event.resOutputsEvent;
    if (step !== undefined) {
      const { op, urn, type } = step.metadata;
      const before = this.ops.get(urn);
      this.ops.set(urn, op);
      if (isClusterType(type) && !UNCHANGED.has(op) && (before === undefined || UNCHANGED.has(before))) this.progress?.clusterChanged?.(this.stack);
    }
    const failure = event.resOpFailedEvent;
    if (failure !== undefined && !this.failedUrns.has(failure.metadata.urn)) {
      this.failedUrns.add(failure.metadata.urn);
      if (isClusterType(failure.metadata.type)) this.progress?.clusterFailed?.(this.stack);
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic !== undefined && diagnostic.severity === "error" && !diagnostic.ephemeral) {
      const where = diagnostic.urn === undefined ? "" : `${diagnostic.urn.split("::").pop()}: `;
      const text = diagnostic.message.replace(/\s+$/, "");
      if (text !== "") this.errors.push(`${where}${text}`);
    }
  };

  counts(): Pick<StackResult, "clusters" | "changed" | "failed" | "operations"> {
    const operations: Partial<Record<OpType, number>> = {};
    let clusters = 0;
    let changed = 0;
    for (const [urn, op] of this.ops) {
      operations[op] = (operations[op] ?? 0) + 1;
      if (!isClusterUrn(urn)) continue;
      clusters++;
      if (!UNCHANGED.has(op)) changed++;
    }
    const failed = [...this.failedUrns].filter(isClusterUrn).length;
    return { clusters, changed, failed, operations };
  }
}

/** The clusters of a stack's inventory that no resource of a finished run went through. Pure: tested by tables. */
export function unmanagedClusters(stack: FleetStack, records: readonly ClusterRecord[]): { name: string; host: string }[] {
  if (stack.clusters === undefined) return [];
  return records.filter((r) => r.op === undefined && r.host !== undefined && stack.clusters?.some((c) => c.name === r.name && c.host === r.host)).map((r) => ({ name: r.name, host: r.host as string }));
}

/**
 * Why a stack whose state records operations in flight after the run is not done, and what brings it
 * back. A run stopped at once (a second Ctrl-C, a killed CLI) leaves its steps in flight recorded as
 * pending; Pulumi's next `up` goes on beside them and leaves them there, so a green run would hide a
 * state that does not tell the clusters' story. `refresh --clear-pending-creates` drops them; the next
 * `up` then adopts each cluster again, waits for any job still running, and sends only what is missing.
 */
export function leftInFlight(pending: readonly PendingOperation[]): string {
  const list = pending.map((p) => `${p.operation} ${p.name}`).join(", ");
  return `its state records ${pending.length} operation${pending.length === 1 ? "" : "s"} left in flight by a run stopped before it finished (${list}): run \`fleet refresh --clear-pending-creates\`, then \`fleet up\` again`;
}

/** The lines of a CLI failure worth showing: its `error:` lines, else its last lines. */
export function errorLines(message: string): string {
  // The Automation API's CommandError reads `code: 1\n stdout: …\n stderr: error: …\n err?: …`.
  const lines = message
    .split("\n")
    .map((line) => line.trimEnd().replace(/^\s*(?:stdout|stderr):\s(?=\s*error:)/, ""))
    .filter((line) => line.trim() !== "");
  const errors = lines.filter((line) => /^\s*error:/.test(line) && !/^\s*error: update failed\s*$/.test(line));
  return (errors.length > 0 ? errors : lines.slice(-5)).join("\n");
}

/** A signal that aborts with `parent`, or earlier by `abort()`. */
function childAbort(parent: AbortSignal | undefined): AbortController {
  const controller = new AbortController();
  if (parent?.aborted) controller.abort();
  else parent?.addEventListener("abort", () => controller.abort(), { once: true });
  return controller;
}

async function runStack(
  stack: FleetStack,
  prepare: (signal: AbortSignal) => Promise<FleetStackHandle | undefined>,
  inventory: Inventory,
  options: FleetRunOptions,
  claims: ClusterClaims,
): Promise<StackResult> {
  const started = performance.now();
  const sleep = options.sleep ?? defaultSleep;
  const elapsed = () => Math.round(performance.now() - started);
  const abort = childAbort(options.signal);
  for (let attempt = 1; ; attempt++) {
    options.progress?.stackStarted?.(stack.name, attempt);
    const tally = new Tally(stack.name, options.command === "preview" || (options.command === "refresh" && options.driftCheck), options.progress, claims, () => abort.abort());
    const common = { onEvent: tally.onEvent, signal: abort.signal, ...(options.parallel === undefined ? {} : { parallel: options.parallel }) };
    const result = (status: StackStatus, details: Pick<StackResult, "error" | "lock"> = {}): StackResult => ({
      stack: stack.name,
      status,
      ...tally.counts(),
      attempts: attempt,
      durationMs: elapsed(),
      ...(tally.conflict === undefined ? details : { error: [tally.conflict, details.error].filter((line) => line !== undefined).join("\n") }),
      details: tally.collector.records(tally.ops, tally.failedUrns, (op) => !UNCHANGED.has(op), stack.clusters),
    });
    let selected: FleetStackHandle | undefined;
    // The stack's state after a command that writes it (up, refresh), or with exportState: each
    // cluster's last change, and the operations left in flight, which fail the stack (see leftInFlight).
    const withState = async (r: StackResult): Promise<StackResult> => {
      const writes = options.command === "up" || (options.command === "refresh" && !options.driftCheck);
      if (selected === undefined || (!writes && !options.exportState)) return r;
      const deployment = await selected.exportStack?.().catch(() => undefined);
      if (deployment === undefined) return r;
      const dated = options.exportState && r.details !== undefined ? { ...r, details: withLastChanges(r.details, deployment) } : r;
      const pending = writes ? recordsFromState(deployment).pending : [];
      if (pending.length === 0) return dated;
      return { ...dated, status: "failed", error: [dated.error, leftInFlight(pending)].filter((line) => line !== undefined).join("\n") };
    };
    try {
      selected = await prepare(abort.signal);
      if (selected === undefined) return { ...cancelled(stack), attempts: attempt, durationMs: elapsed() };
      if (options.command === "up") await selected.up(common);
      else if (options.command === "preview") await selected.preview(common);
      // A drift check changes nothing: refresh in memory and preview (the Automation API of 3.248
      // cannot run `refresh --preview-only`: it adds --yes, which the CLI refuses beside it).
      else if (options.driftCheck) await selected.preview({ ...common, refresh: true });
      else await selected.refresh({ ...common, ...(options.clearPendingCreates ? { clearPendingCreates: true } : {}) });
      if (tally.conflict !== undefined) return result("failed");
      // A program may declare fewer resources than the inventory lists (a YAML program declares a fixed
      // number): a cluster no resource manages is not as declared, however green the run. A plain
      // refresh runs no program (it reads what state has: none for a create a killed run left
      // pending and --clear-pending-creates dropped), so it cannot tell.
      const programRan = options.command !== "refresh" || options.driftCheck;
      const unmanaged = programRan ? unmanagedClusters(stack, tally.collector.records(tally.ops, tally.failedUrns, (op) => !UNCHANGED.has(op), stack.clusters)) : [];
      if (unmanaged.length > 0) {
        return await withState(
          result("failed", {
            error: `${unmanaged.map((c) => `${c.name} (${c.host})`).join(", ")}: listed in the inventory, managed by no resource of the program (a YAML program declares one resource per place in the stack's clusters list: list as many as it declares)`,
          }),
        );
      }
      const drift = options.driftCheck && options.command !== "up" && tally.counts().changed > 0;
      return await withState(result(drift ? "drift" : "succeeded"));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!isLockedMessage(message)) return await withState(result("failed", { error: tally.errors.length > 0 ? tally.errors.join("\n") : errorLines(message) }));
      const holders = parseLockHolders(message);
      const recovery = cancelCommand(stack.name, inventory.backend, inventory.project);
      if (judgeLock(holders, hostname(), processExists).kind === "stale") {
        return result("stale-lock", {
          error: `locked by a run that no longer exists (${holders.map((h) => `pid ${h.pid} on ${h.host}`).join(", ")}): a killed run leaves its lock and the creates it had in flight pending; once sure no run is using the stack, clear the lock with \`${recovery}\`, then run \`fleet refresh --clear-pending-creates\` and \`fleet up\` again`,
          lock: { holders, recovery },
        });
      }
      if (attempt <= options.backoff.retries && !abort.signal.aborted) {
        const waitMs = backoffDelay(options.backoff, attempt, Math.random());
        options.progress?.lockWait?.(stack.name, holders, waitMs, attempt + 1);
        await sleep(waitMs, abort.signal);
        if (!abort.signal.aborted) continue;
      }
      return result("locked", {
        error: `still locked after ${attempt} attempt(s): ${describeHolders(holders)}; wait for that run to finish and run again; if it was killed, clear its lock with \`${recovery}\``,
        lock: { holders },
      });
    }
  }
}
