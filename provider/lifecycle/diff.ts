/**
 * The resource's diff: pure (no network), desired inputs against the last known outputs, with ONTAP's
 * semantics. Never a replace: the resource is the cluster's singleton settings, and replacing it could
 * never undo anything anyway. Never throws: refresh calls it with roles swapped.
 */
import { escapeControlCharacters } from "../ontap/redact";
import { parseVersion } from "../ontap/versions";
import { ChangeReport, changedConnection, compareSettings, reportLines } from "./previewReport";
import { ClusterSecurityInputs, ClusterSecurityOutputs, settingsOf } from "./model";
import { applyRules } from "./rules";
import { containsUnknown } from "./unknown";

export interface DiffOutcome {
  readonly changes: boolean;
  /** What differs, by the resource's names, for messages and tests. */
  readonly fields: readonly string[];
  /**
   * The report for the person reading the preview (`previewReport.ts`): one line per managed setting that
   * changes as `found → desired`, the ones already as desired, connection arguments named without
   * their values, and anything the cluster's last known state says will be refused. Empty when
   * nothing changes.
   */
  readonly lines: readonly string[];
}

const NAME_NOT_KNOWN = "(name not known yet)";

function showTimeout(value: unknown): string {
  return value === undefined ? "(default)" : containsUnknown(value) ? "(known after apply)" : JSON.stringify(value);
}

function releaseOf(olds: Partial<ClusterSecurityOutputs>) {
  try {
    return olds.cluster?.version !== undefined ? parseVersion(olds.cluster.version) : undefined;
  } catch {
    return undefined;
  }
}

export function diffResource(olds: Partial<ClusterSecurityOutputs>, news: ClusterSecurityInputs): DiffOutcome {
  try {
    const desired = settingsOf(news);
    const comparisons = compareSettings(desired, olds);
    // Connection arguments live in outputs so refresh and destroy can reach the cluster: a new value
    // (a rotated password, say) is an update of state, never of the cluster.
    const connection = changedConnection(news, olds);
    const fields: string[] = [...comparisons.filter((c) => c.changes).map((c) => c.row.setting), ...connection.map((change) => change.key)];
    // jobTimeoutSeconds is recorded in outputs: a new value alone is an update of state (nothing is sent).
    const stateOnly: string[] = [];
    if (news.jobTimeoutSeconds !== olds.jobTimeoutSeconds) {
      fields.push("jobTimeoutSeconds");
      stateOnly.push(`jobTimeoutSeconds: ${showTimeout(olds.jobTimeoutSeconds)} → ${showTimeout(news.jobTimeoutSeconds)} (updates state only)`);
    }
    if (fields.length === 0) return { changes: false, fields, lines: [] };
    // The name comes from the cluster (kept in state): escaped, it cannot forge or rewrite a line.
    const cluster = typeof olds.cluster?.name === "string" ? escapeControlCharacters(olds.cluster.name) : NAME_NOT_KNOWN;
    const rules = applyRules(desired, { cluster: `cluster ${cluster}`, found: olds, version: releaseOf(olds) });
    const report: ChangeReport = {
      cluster,
      source: "state",
      comparisons,
      connection,
      notes: [
        ...stateOnly,
        ...rules.violations.filter((v) => fields.includes(v.setting)).map((v) => `the update will be refused before any change, unless the cluster differs from the last known state: ${v.reason}`),
        ...rules.notes,
      ],
    };
    return { changes: true, fields, lines: reportLines(report) };
  } catch {
    // Unreachable for well-formed state; if state is malformed, an update re-reads the cluster anyway.
    return { changes: true, fields: [], lines: ["ontap: the last known settings could not be read; the update will read the cluster"] };
  }
}
