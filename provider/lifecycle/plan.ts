/**
 * The PATCH plan: from the desired settings and the settings read live at the start of create or
 * update, what to send. Refuses, before anything is sent, what cannot be applied.
 */
import { SecurityPatch, SecurityWire } from "../ontap/codecs";
import { ClusterInfo } from "../ontap/client";
import { SECURITY_PATCH_SINCE, atLeast } from "../ontap/versions";
import { IrreversibleConversionError, UnsupportedSettingError } from "./errors";
import { SecuritySettings, observedFromWire } from "./model";
import { CONVERSION, differingSettings, managedSettings, patchOf, sinceOf } from "./settings";

export interface Plan {
  /**
   * The PATCHes to send, in order. Conversion goes alone and last: it is the one change that cannot
   * be undone and the one most likely to be refused (data volumes, MetroCluster switchover), and a
   * refusal must not hold back the other settings.
   */
  readonly patches: readonly SecurityPatch[];
  /** The settings that differ, by the resource's names. */
  readonly fields: readonly string[];
}

/** Refusals that need only the cluster's release: no setting it lacks, no PATCH before 9.8. */
export function unsupportedSettings(desired: SecuritySettings, cluster: ClusterInfo): string[] {
  return managedSettings(desired)
    .map(({ row }) => ({ setting: row.setting, since: atLeast(cluster.parsedVersion, SECURITY_PATCH_SINCE) ? sinceOf(row) : SECURITY_PATCH_SINCE }))
    .filter(({ since }) => !atLeast(cluster.parsedVersion, since))
    .map(({ setting, since }) => `${setting} (needs ONTAP ${since} or later)`);
}

function assertSupported(desired: SecuritySettings, cluster: ClusterInfo): void {
  const unsupported = unsupportedSettings(desired, cluster);
  if (unsupported.length > 0) throw new UnsupportedSettingError(cluster.name, cluster.version, unsupported);
}

/** True when the program asks to turn conversion off on a converted cluster. */
function revertsConversion(desired: SecuritySettings, live: SecurityWire): boolean {
  return desired.softwareDataEncryption?.conversionEnabled === false && live.software_data_encryption?.conversion_enabled === true;
}

export function planUpdate(desired: SecuritySettings, live: SecurityWire, cluster: ClusterInfo): Plan {
  assertSupported(desired, cluster);
  if (revertsConversion(desired, live)) throw new IrreversibleConversionError(cluster.name);
  const differing = differingSettings(desired, observedFromWire(live));
  const rest = differing.filter((row) => row !== CONVERSION);
  const patches: SecurityPatch[] = [];
  if (rest.length > 0) patches.push(patchOf(rest, desired));
  if (differing.includes(CONVERSION)) patches.push(patchOf([CONVERSION], desired));
  return { patches, fields: differing.map((row) => row.setting) };
}
