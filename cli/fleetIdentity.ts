/**
 * One manager per cluster, at run time. Different hosts can reach one cluster (a name and an address,
 * two DNS names), which the inventory cannot see. Before any stack runs, the runner asks each cluster
 * of the inventory who it is (`GET /api/cluster`, the provider's own client and connection rules, with
 * the account from the environment) and refuses the run when two entries find one cluster uuid. While
 * the stacks run, the engine's events name each resource's id (the cluster uuid): a second resource
 * that reports a uuid another one has is stopped too (see `ClusterClaims`).
 */
import { resolveConnection } from "../provider/lifecycle/connection";
import { withClient } from "../provider/lifecycle/operations";
import { systemClock } from "../provider/ontap/clock";
import type { Inventory } from "./fleetInventory";

/** One inventory entry and what its cluster said it is. */
export interface FoundCluster {
  /** `stacks[i].clusters[j]`. */
  readonly at: string;
  readonly host: string;
  readonly uuid: string;
  readonly name: string;
}

/** What asking the clusters gave. */
export interface Identities {
  readonly found: readonly FoundCluster[];
  /** Entries not asked or not answering (`stacks[0].clusters[1]: cannot reach …`): their stacks' own runs report them. */
  readonly unknown: readonly string[];
  /** Why nothing was asked, when nothing was (no account in the environment). */
  readonly skipped?: string;
}

/** Problems, one per entry that finds a cluster an earlier entry found. Pure: tested by tables. */
export function sameClusterProblems(found: readonly FoundCluster[]): string[] {
  const first = new Map<string, FoundCluster>();
  const problems: string[] = [];
  for (const entry of found) {
    const other = first.get(entry.uuid);
    if (other === undefined) {
      first.set(entry.uuid, entry);
      continue;
    }
    problems.push(
      `${entry.at}.host: ${JSON.stringify(entry.host)} reaches the cluster ${JSON.stringify(entry.name)} (uuid ${entry.uuid}) that ${other.at} (${JSON.stringify(other.host)}) reaches: one manager per cluster, list it once`,
    );
  }
  return problems;
}

/** Longest a cluster may take to say who it is. */
const LOOK_MS = 30_000;

/**
 * Asks every cluster of the inventory who it is, `concurrency` at a time, with the connection the
 * provider would resolve from the environment alone (stack config is encrypted and the stack's own).
 */
export async function identifyClusters(inventory: Inventory, env: NodeJS.ProcessEnv, concurrency: number, signal?: AbortSignal): Promise<Identities> {
  const entries = inventory.stacks.flatMap((stack, i) => (stack.clusters ?? []).map((cluster, j) => ({ at: `stacks[${i}].clusters[${j}]`, host: cluster.host })));
  if (entries.length === 0) return { found: [], unknown: [] };
  try {
    resolveConnection({ host: entries[0]?.host as string }, undefined, env);
  } catch {
    return { found: [], unknown: [], skipped: "no ONTAP account in the environment (ONTAP_USERNAME with ONTAP_PASSWORD, or a client certificate and key)" };
  }
  const found: (FoundCluster | undefined)[] = new Array(entries.length);
  const unknown: string[] = [];
  const lifecycle = { config: undefined, env, clock: systemClock, log: () => undefined };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length && signal?.aborted !== true) {
      const index = next++;
      const entry = entries[index] as { at: string; host: string };
      try {
        const connection = resolveConnection({ host: entry.host }, undefined, env);
        const cluster = await withClient(connection, lifecycle, (client) => client.getCluster(), systemClock.now() + LOOK_MS);
        found[index] = { ...entry, uuid: cluster.uuid, name: cluster.name };
      } catch (error) {
        unknown.push(`${entry.at}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, entries.length)) }, worker));
  return { found: found.filter((entry): entry is FoundCluster => entry !== undefined), unknown };
}

/**
 * Which resource manages which cluster, over a whole run: each ClusterSecurity's id (its cluster's
 * uuid) as the engine reports it, in any stack. A second resource (another URN, in this stack or
 * another) reporting a uuid already claimed is a conflict.
 */
export class ClusterClaims {
  readonly #owners = new Map<string, { stack: string; urn: string }>();

  /** Records a claim; returns the earlier owner when another resource has this uuid. */
  claim(uuid: string, stack: string, urn: string): { stack: string; urn: string } | undefined {
    if (uuid === "") return undefined;
    const owner = this.#owners.get(uuid);
    if (owner === undefined) {
      this.#owners.set(uuid, { stack, urn });
      return undefined;
    }
    return owner.urn === urn && owner.stack === stack ? undefined : owner;
  }
}
