/**
 * Which ONTAP release has which part of `/api/security`.
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/get-security.html
 */

/** An ONTAP release as `/api/cluster` reports it: 9.16.1 is generation 9, major 16, minor 1. */
export interface OntapVersion {
  readonly generation: number;
  readonly major: number;
  readonly minor: number;
}

export function parseVersion(text: string): OntapVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (match === null) throw new Error(`not an ONTAP version: ${JSON.stringify(text)}`);
  return { generation: Number(match[1]), major: Number(match[2]), minor: Number(match[3] ?? 0) };
}

export function formatVersion(v: OntapVersion): string {
  return `${v.generation}.${v.major}.${v.minor}`;
}

export function compareVersions(a: OntapVersion, b: OntapVersion): number {
  return a.generation - b.generation || a.major - b.major || a.minor - b.minor;
}

export function atLeast(v: OntapVersion, since: string): boolean {
  return compareVersions(v, parseVersion(since)) >= 0;
}

/** `/api/security` answers GET from 9.7 and PATCH from 9.8 (9.7 answers PATCH with 405). */
export const SECURITY_GET_SINCE = "9.7.0";
export const SECURITY_PATCH_SINCE = "9.8.0";

/** Every wire field of `/api/security` this package reads, with the release that introduced it. */
export const FIELD_SINCE = {
  "onboard_key_manager_configurable_status.supported": "9.7.0",
  "onboard_key_manager_configurable_status.message": "9.7.0",
  "onboard_key_manager_configurable_status.code": "9.7.0",
  "fips.enabled": "9.8.0",
  "software_data_encryption.conversion_enabled": "9.8.0",
  "software_data_encryption.disabled_by_default": "9.8.0",
  "tls.protocol_versions": "9.10.1",
  "tls.cipher_suites": "9.10.1",
  "management_protocols.rsh_enabled": "9.10.1",
  "management_protocols.telnet_enabled": "9.10.1",
  "software_data_encryption.encryption_state": "9.16.1",
} as const;

export type SecurityField = keyof typeof FIELD_SINCE;

/**
 * The `fields=` list for a GET on this release. Always explicit: asking for a field the release lacks
 * is a 400 (code 262197), and the default field set differs between releases.
 */
export function readableFields(v: OntapVersion): SecurityField[] {
  return (Object.keys(FIELD_SINCE) as SecurityField[]).filter((field) => atLeast(v, FIELD_SINCE[field]));
}

/** Before 9.9.1 a node must be rebooted before a change of FIPS mode takes effect. */
export function fipsNeedsReboot(v: OntapVersion): boolean {
  return !atLeast(v, "9.9.1");
}
