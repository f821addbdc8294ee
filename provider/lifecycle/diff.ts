/**
 * The resource's diff: pure (no network), desired inputs against the last known outputs, with ONTAP's
 * semantics. Never a replace: the resource is the cluster's singleton settings, and replacing it could
 * never undo anything anyway. Never throws: refresh calls it with roles swapped.
 */
import { CONNECTION_KEYS, ClusterSecurityInputs, ClusterSecurityOutputs, settingsOf } from "./model";
import { UNKNOWN, containsUnknown } from "./unknown";
import { differingSettings, valueIn } from "./settings";

export interface DiffOutcome {
  readonly changes: boolean;
  /** What differs, by the resource's names, for messages and tests. */
  readonly fields: readonly string[];
  /**
   * One line per difference for the person reading the preview, e.g.
   * `<setting>: cluster true, program false`. Connection arguments are named
   * without their values: one of them is the password.
   */
  readonly details: readonly string[];
}

function show(value: unknown): string {
  return value === undefined ? "not reported" : containsUnknown(value) ? "known after apply" : JSON.stringify(value);
}

export function diffResource(olds: Partial<ClusterSecurityOutputs>, news: ClusterSecurityInputs): DiffOutcome {
  try {
    const rows = differingSettings(settingsOf(news), olds);
    const fields: string[] = rows.map((row) => row.setting);
    const details = rows.map((row) => `${row.setting}: cluster ${show(valueIn(olds, row))}, program ${show(valueIn(news, row))}`);
    // Connection arguments live in outputs so refresh and destroy can reach the cluster: a new value
    // (a rotated password, say) is an update of state, never of the cluster.
    for (const key of CONNECTION_KEYS) {
      if (news[key] !== olds[key]) {
        fields.push(key);
        details.push(news[key] === UNKNOWN ? `${key}: known after apply` : `${key}: changed`);
      }
    }
    // jobTimeoutSeconds is recorded in outputs: a new value alone is an update of state (nothing is sent).
    if (news.jobTimeoutSeconds !== olds.jobTimeoutSeconds) {
      fields.push("jobTimeoutSeconds");
      details.push(`jobTimeoutSeconds: ${show(olds.jobTimeoutSeconds)} → ${show(news.jobTimeoutSeconds)}`);
    }
    return { changes: fields.length > 0, fields, details };
  } catch {
    // Unreachable for well-formed state; if state is malformed, an update re-reads the cluster anyway.
    return { changes: true, fields: [], details: ["the last known settings could not be read; the update will read the cluster"] };
  }
}
