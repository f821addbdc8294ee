/**
 * A fleet report from the stacks' state, without a run: each inventory stack's `pulumi stack export`,
 * read through Pulumi's Automation API as the fleet runner reads it for the clusters' last change. No
 * cluster is asked, nothing is locked or written; what comes out is the state as last recorded, and
 * every view says so with each stack's time.
 */
import type * as Automation from "@pulumi/pulumi/automation";
import { recordsFromState } from "./fleetClusters";
import type { FleetStack, Inventory } from "./fleetInventory";
import { cancelCommand, shellQuote } from "./fleetLocks";
import { detachedPulumi } from "./fleetProcess";
import type { StackResult } from "./fleetRunner";
import type { RecordedStack } from "./reportModel";

/** What to tell a person about a stack, by command line. */
export interface StateCommands {
  /** Clears a lock a stopped run left (`pulumi cancel …`). */
  readonly cancel: string;
  /** The fleet command that runs `command` (`up`, `refresh --clear-pending-creates`) over the inventory. */
  fleet(command: string): string;
}

/**
 * One stack as its state records it. Pure: tested by tables. `deployment` is the export, or undefined
 * when the backend has no such stack (then it is not run). Operations left in flight fail the stack
 * with the recovery the fleet prints for a stopped run; a cluster whose recorded settings differ from
 * its recorded declaration is drift as recorded; a cluster of the inventory no resource in state
 * manages fails the stack, as it fails a run.
 */
export function recordedStack(stack: FleetStack, deployment: unknown, commands: StateCommands): RecordedStack {
  const base = { stack: stack.name, operations: {}, attempts: 0, durationMs: 0 } as const;
  if (deployment === undefined) {
    const details = (stack.clusters ?? []).map((c) => ({ name: c.name, host: c.host, changed: false, failed: false }));
    return {
      stack: stack.name,
      result: { ...base, status: "cancelled", clusters: details.length, changed: 0, failed: 0, details, error: `the backend has no stack "${stack.name}": no run has created it` },
      recovery: `\`${commands.fleet("up")}\` creates it`,
    };
  }
  const { records, pending, recordedAt } = recordsFromState(deployment, stack.clusters);
  const unmanaged = records.filter((r) => r.op === undefined);
  const problems = [
    ...(pending.length === 0
      ? []
      : [
          `its state records ${pending.length} operation${pending.length === 1 ? "" : "s"} in flight (${pending.map((p) => `${p.operation} ${p.name}`).join(", ")}): a run is at it now, or was stopped before it finished; once sure no run is using the stack, clear its lock with \`${commands.cancel}\`, then run \`${commands.fleet("refresh --clear-pending-creates")}\` and \`${commands.fleet("up")}\` again`,
        ]),
    ...(unmanaged.length === 0 ? [] : [`${unmanaged.map((c) => `${c.name} (${c.host})`).join(", ")}: listed in the inventory, managed by no resource in the stack's state: \`${commands.fleet("up")}\` brings it in`]),
  ];
  const failed = records.filter((r) => r.failed).length;
  const changed = records.filter((r) => r.changed).length;
  const status: StackResult["status"] = problems.length > 0 || failed > 0 ? "failed" : changed > 0 ? "drift" : "succeeded";
  return {
    stack: stack.name,
    ...(recordedAt === undefined ? {} : { recordedAt }),
    result: { ...base, status, clusters: records.length - unmanaged.length, changed, failed, details: records, ...(problems.length === 0 ? {} : { error: problems.join("\n") }) },
    ...(pending.length === 0 ? {} : { recovery: commands.cancel }),
  };
}

/** The last part of a stack's name (`organization/ontap-fleet/paris` → `paris`): `pulumi stack ls` names the project's stacks either way. */
const shortName = (name: string): string => name.split("/").pop() as string;

/**
 * Reads every stack of `inventory` from its backend, `concurrency` at once: which stacks exist
 * (`pulumi stack ls`), then each one's state (`pulumi stack export`). A stack that cannot be read
 * fails the report (it is an error, not a stack "not run").
 */
export async function readRecordedStacks(inventory: Inventory, inventoryArg: string, options: { pulumiRoot?: string; concurrency: number; env?: Readonly<Record<string, string>> }): Promise<RecordedStack[]> {
  const automation = require("@pulumi/pulumi/automation") as typeof Automation;
  const pulumiCommand = detachedPulumi(await automation.PulumiCommand.get(options.pulumiRoot === undefined ? {} : { root: options.pulumiRoot }));
  const envVars: Record<string, string> = { ...(inventory.backend === undefined ? {} : { PULUMI_BACKEND_URL: inventory.backend }), ...options.env };
  const workspace = await automation.LocalWorkspace.create({ workDir: inventory.project, pulumiCommand, envVars });
  const existing = new Set((await workspace.listStacks()).map((s) => shortName(s.name)));
  const fleet = (command: string): string => `pulumi-ontap-security fleet ${command} --inventory ${shellQuote(inventoryArg)}`;
  const results: RecordedStack[] = new Array(inventory.stacks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < inventory.stacks.length; i = next++) {
      const stack = inventory.stacks[i] as FleetStack;
      const deployment = existing.has(shortName(stack.qualified)) ? await workspace.exportStack(stack.name) : undefined;
      results[i] = recordedStack(stack, deployment, { cancel: cancelCommand(stack.name, inventory.backend, inventory.project), fleet });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, inventory.stacks.length)) }, worker));
  return results;
}
