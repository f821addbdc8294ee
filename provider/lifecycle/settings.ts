/**
 * The managed settings, one row each: the resource's name, ONTAP's name, and how "as asked" is judged.
 * Diff (against last known outputs) and plan (against live settings) both compare through this table,
 * so that preview and update can never disagree about what differs.
 */
import { SecurityPatch } from "../ontap/codecs";
import { cipherSuitesMatch, protocolVersionsMatch } from "../ontap/semantics";
import { FIELD_SINCE, SecurityField } from "../ontap/versions";
import { ObservedSecurity, SecuritySettings } from "./model";
import { UNKNOWN, containsUnknown } from "./check";

type Group = "fips" | "softwareDataEncryption" | "tls" | "managementProtocols";

export interface SettingRow {
  /** The resource's name: `tls.protocolVersions`. */
  readonly setting: string;
  readonly group: Group;
  readonly key: string;
  /** ONTAP's name: `tls.protocol_versions`. */
  readonly wire: SecurityField;
  readonly matches: (desired: never, actual: never) => boolean;
}

const same = (a: unknown, b: unknown) => a === b;

export const SETTINGS: readonly SettingRow[] = [
  { setting: "fips.enabled", group: "fips", key: "enabled", wire: "fips.enabled", matches: same },
  { setting: "tls.protocolVersions", group: "tls", key: "protocolVersions", wire: "tls.protocol_versions", matches: protocolVersionsMatch },
  { setting: "tls.cipherSuites", group: "tls", key: "cipherSuites", wire: "tls.cipher_suites", matches: cipherSuitesMatch },
  { setting: "managementProtocols.rshEnabled", group: "managementProtocols", key: "rshEnabled", wire: "management_protocols.rsh_enabled", matches: same },
  { setting: "managementProtocols.telnetEnabled", group: "managementProtocols", key: "telnetEnabled", wire: "management_protocols.telnet_enabled", matches: same },
  {
    setting: "softwareDataEncryption.disabledByDefault",
    group: "softwareDataEncryption",
    key: "disabledByDefault",
    wire: "software_data_encryption.disabled_by_default",
    matches: same,
  },
  {
    setting: "softwareDataEncryption.conversionEnabled",
    group: "softwareDataEncryption",
    key: "conversionEnabled",
    wire: "software_data_encryption.conversion_enabled",
    matches: same,
  },
];

/** The row of the one-way setting. */
export const CONVERSION = SETTINGS[SETTINGS.length - 1];

/** The value of a setting in inputs or outputs (both have the same groups). */
export function valueIn(source: object | undefined, row: SettingRow): unknown {
  const group = (source as Record<string, unknown> | undefined)?.[row.group];
  // A whole group not known yet (preview) stands for every setting in it.
  if (group === UNKNOWN) return UNKNOWN;
  return group !== null && typeof group === "object" ? (group as Record<string, unknown>)[row.key] : undefined;
}

/** The rows the program manages (gives a value for), with the desired value. */
export function managedSettings(desired: SecuritySettings): { row: SettingRow; value: unknown }[] {
  return SETTINGS.map((row) => ({ row, value: valueIn(desired, row) })).filter((m) => m.value !== undefined);
}

/** The rows whose desired value the observed settings do not satisfy (unknown values always differ). */
export function differingSettings(desired: SecuritySettings, observed: ObservedSecurity | undefined): SettingRow[] {
  return managedSettings(desired)
    .filter(({ row, value }) => {
      const actual = valueIn(observed, row);
      if (containsUnknown(value) || actual === undefined) return true;
      return !(row.matches as (d: unknown, a: unknown) => boolean)(value, actual);
    })
    .map(({ row }) => row);
}

/** The release a setting needs. */
export function sinceOf(row: SettingRow): string {
  return FIELD_SINCE[row.wire];
}

/** A nested PATCH body that sets these rows to their desired values. */
export function patchOf(rows: readonly SettingRow[], desired: SecuritySettings): SecurityPatch {
  const body: Record<string, Record<string, unknown>> = {};
  for (const row of rows) {
    const [group, key] = row.wire.split(".");
    body[group] = { ...body[group], [key]: valueIn(desired, row) };
  }
  return body as SecurityPatch;
}
