/**
 * The PATCH plan: from the desired settings and the settings read live at the start of create or
 * update, what to send. Refuses, before anything is sent, what cannot be applied: a setting the
 * release lacks, undoing conversion, settings that conflict with each other or with the cluster's.
 * Preview may have skipped its checks (inputs unchanged since the last run): these are the ones that
 * always hold.
 */
import { SecurityPatch, SecurityWire } from "../ontap/codecs";
import { ClusterInfo } from "../ontap/client";
import { SecurityField } from "../ontap/securityFields";
import { wireValue } from "../ontap/readBack";
import { SECURITY_PATCH_SINCE, atLeast } from "../ontap/versions";
import { ConflictingSettingsError, IrreversibleConversionError, UnsupportedSettingError } from "./errors";
import { SecuritySettings, observedFromWire } from "./model";
import { applyRules } from "./rules";
import { SettingRow, differingSettings, managedSettings, patchGroups, patchOf, valueIn } from "./settings";

export interface Plan {
  /**
   * The PATCHes to send, in order (`patchGroups`): a one-way setting (conversion) goes alone and last,
   * and settings ONTAP refuses together in one PATCH go in separate ones.
   */
  readonly patches: readonly SecurityPatch[];
  /** The settings that differ, by the resource's names. */
  readonly fields: readonly string[];
  /** The same, by ONTAP's names. */
  readonly wireFields: readonly SecurityField[];
}

/** Refusals that need only the cluster's release: no setting it lacks, no PATCH before 9.8. */
export function unsupportedSettings(desired: SecuritySettings, cluster: ClusterInfo): string[] {
  return managedSettings(desired)
    .map(({ row }) => ({ setting: row.setting, since: atLeast(cluster.parsedVersion, SECURITY_PATCH_SINCE) ? row.since : SECURITY_PATCH_SINCE }))
    .filter(({ since }) => !atLeast(cluster.parsedVersion, since))
    .map(({ setting, since }) => `${setting} (needs ONTAP ${since} or later)`);
}

function assertSupported(desired: SecuritySettings, cluster: ClusterInfo): void {
  const unsupported = unsupportedSettings(desired, cluster);
  if (unsupported.length > 0) throw new UnsupportedSettingError(cluster.name, cluster.version, unsupported);
}

/** The one-way settings the program asks to turn off although the cluster has them on. */
export function reversals(desired: SecuritySettings, live: SecurityWire): SettingRow[] {
  return managedSettings(desired)
    .filter(({ row, value }) => row.oneWay !== undefined && value === false && wireValue(live, row.wire) === true)
    .map(({ row }) => row);
}

export function planUpdate(desired: SecuritySettings, live: SecurityWire, cluster: ClusterInfo): Plan {
  assertSupported(desired, cluster);
  const reversal = reversals(desired, live)[0];
  if (reversal !== undefined) throw new IrreversibleConversionError(cluster.name, reversal.setting, reversal.oneWay ?? "it is one-way");
  const observed = observedFromWire(live);
  const differing = differingSettings(desired, observed);
  // The same rules preview applied, now against what the cluster has at this moment. A setting the
  // cluster already has as asked is not sent, so ONTAP cannot refuse it.
  const conflicts = applyRules(desired, { version: cluster.parsedVersion, found: observed }).violations.filter((c) =>
    differing.some((row) => row.setting === c.setting),
  );
  if (conflicts.length > 0) throw new ConflictingSettingsError(cluster.name, conflicts.map((c) => c.reason));
  const patches = patchGroups(differing, desired).map((rows) => patchOf(rows, desired));
  return { patches, fields: differing.map((row) => row.setting), wireFields: differing.map((row) => row.wire) };
}

/** True when the program sets a one-way setting to false: only the live cluster can say if that is allowed. */
export function asksReversal(desired: SecuritySettings): boolean {
  return managedSettings(desired).some(({ row }) => row.oneWay !== undefined && valueIn(desired, row) === false);
}
