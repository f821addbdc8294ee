/**
 * `--shard K/N`: one runner's part of a fleet, so that N runners of a CI matrix (GitHub Actions
 * `strategy.matrix`, GitLab `parallel:`, a Kubernetes Indexed Job) share one fleet and one state backend.
 * The split depends on the inventory alone (every runner computes the same one, with no coordination),
 * and balances clusters, not stacks: the largest stacks first, each to the shard with the fewest
 * clusters so far (ties: the lower shard), so shards differ by at most one stack's clusters.
 */
import type { FleetStack as InventoryStack } from "./fleetInventory";
import { UsageError } from "./usageError";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The most shards a fleet may be split into. */
export const MAX_SHARDS = 1000;

/** Parses `K/N` (1 ≤ K ≤ N ≤ 1000); bad input names the option, the value and what is allowed. */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError("--shard", value, `--shard takes K/N: shard K (1 to N) of N (1 to ${MAX_SHARDS}), e.g. --shard 2/3; got "${value}"`);
  }
  return { index, count };
}

/** What the split reads of a stack. */
type FleetStack = Pick<InventoryStack, "name" | "clusters">;

/** The weight of a stack: its clusters (a stack that keeps its clusters in its own config counts one). */
const weight = (stack: FleetStack): number => stack.clusters?.length ?? 1;

/** For each stack of the inventory (in its order), the shard (1-based) of `count` that runs it. */
export function assignShards(stacks: readonly FleetStack[], count: number): number[] {
  const order = stacks.map((_, i) => i).sort((a, b) => weight(stacks[b] as FleetStack) - weight(stacks[a] as FleetStack) || a - b);
  const load = new Array<number>(count).fill(0);
  const shardOf = new Array<number>(stacks.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if ((load[s] as number) < (load[best] as number)) best = s;
    load[best] = (load[best] as number) + weight(stacks[i] as FleetStack);
    shardOf[i] = best + 1;
  }
  return shardOf;
}

/** The stacks of shard `shard`, in inventory order. */
export function shardStacks<S extends FleetStack>(stacks: readonly S[], shard: Shard): S[] {
  const assigned = assignShards(stacks, shard.count);
  return stacks.filter((_, i) => assigned[i] === shard.index);
}

export const describeShard = (shard: Shard): string => `${shard.index}/${shard.count}`;
