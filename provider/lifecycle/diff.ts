/**
 * The resource's diff: pure (no network), desired inputs against the last known outputs, with ONTAP's
 * semantics. Never a replace: the resource is the cluster's singleton settings, and replacing it could
 * never undo anything anyway. Never throws: refresh calls it with roles swapped.
 */
import { CONNECTION_KEYS, ClusterSecurityInputs, ClusterSecurityOutputs, settingsOf } from "./model";
import { differingSettings } from "./settings";

export interface DiffOutcome {
  readonly changes: boolean;
  /** What differs, by the resource's names, for messages and tests. */
  readonly fields: readonly string[];
}

export function diffResource(olds: Partial<ClusterSecurityOutputs>, news: ClusterSecurityInputs): DiffOutcome {
  try {
    const fields = differingSettings(settingsOf(news), olds).map((row) => row.setting);
    // Connection arguments live in outputs so refresh and destroy can reach the cluster: a new value
    // (a rotated password, say) is an update of state, never of the cluster.
    for (const key of CONNECTION_KEYS) {
      if (news[key] !== olds[key]) fields.push(key);
    }
    return { changes: fields.length > 0, fields };
  } catch {
    // Unreachable for well-formed state; if state is malformed, an update re-reads the cluster anyway.
    return { changes: true, fields: [] };
  }
}
