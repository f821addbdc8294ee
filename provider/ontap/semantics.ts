/**
 * How ONTAP stores what it is asked to store, so that "is the cluster as asked?" has the same answer
 * here as on the cluster. Used by the provider's diff and by the job waiter's judgement of lost jobs.
 */
import { SecurityPatch, SecurityWire } from "./codecs";

/** TLS protocol versions from oldest to newest, as ONTAP names them. */
export const PROTOCOL_VERSIONS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

function rank(version: string): number {
  return PROTOCOL_VERSIONS.indexOf(version as ProtocolVersion);
}

/** The oldest version in a list, or undefined for an empty list or unknown names. */
export function lowestProtocol(versions: readonly string[]): string | undefined {
  const ranks = versions.map(rank).filter((r) => r >= 0);
  return ranks.length === 0 ? undefined : PROTOCOL_VERSIONS[Math.min(...ranks)];
}

/**
 * ONTAP enables every version at or above the lowest one listed: asking for `["TLSv1.2"]` reads back
 * `["TLSv1.3", "TLSv1.2"]`. So two lists mean the same when their lowest versions are equal.
 */
export function protocolVersionsMatch(desired: readonly string[], actual: readonly string[]): boolean {
  return lowestProtocol(desired) !== undefined && lowestProtocol(desired) === lowestProtocol(actual);
}

/** TLS 1.3 suites, which ONTAP keeps whenever TLS 1.3 is on, whatever the list asked for. */
const IMPLICIT_SUITE = /^TLS_(AES_\d+_GCM|AES_128_CCM(_8)?|CHACHA20_POLY1305)_SHA\d+$/;

/**
 * Cipher suites compare as sets: ONTAP may reorder them and adds the TLS 1.3 suites on its own. Every
 * asked suite must be present, and any extra one must be such an implicit suite.
 */
export function cipherSuitesMatch(desired: readonly string[], actual: readonly string[]): boolean {
  const want = new Set(desired);
  const have = new Set(actual);
  return [...want].every((s) => have.has(s)) && [...have].every((s) => want.has(s) || IMPLICIT_SUITE.test(s));
}

/**
 * Which fields of a PATCH the settings `actual` do not show, one line each naming the wire field, what
 * was asked and what is there. Empty when the cluster is as the PATCH asked.
 */
export function patchMismatches(patch: SecurityPatch, actual: SecurityWire): string[] {
  const out: string[] = [];
  const scalar = (field: string, want: boolean | undefined, have: boolean | undefined) => {
    if (want !== undefined && want !== have) out.push(`${field}: asked ${want}, cluster has ${String(have)}`);
  };
  scalar("fips.enabled", patch.fips?.enabled, actual.fips?.enabled);
  scalar(
    "software_data_encryption.conversion_enabled",
    patch.software_data_encryption?.conversion_enabled,
    actual.software_data_encryption?.conversion_enabled,
  );
  scalar(
    "software_data_encryption.disabled_by_default",
    patch.software_data_encryption?.disabled_by_default,
    actual.software_data_encryption?.disabled_by_default,
  );
  scalar("management_protocols.rsh_enabled", patch.management_protocols?.rsh_enabled, actual.management_protocols?.rsh_enabled);
  scalar(
    "management_protocols.telnet_enabled",
    patch.management_protocols?.telnet_enabled,
    actual.management_protocols?.telnet_enabled,
  );
  const versions = patch.tls?.protocol_versions;
  if (versions !== undefined && !protocolVersionsMatch(versions, actual.tls?.protocol_versions ?? [])) {
    out.push(`tls.protocol_versions: asked ${JSON.stringify(versions)}, cluster has ${JSON.stringify(actual.tls?.protocol_versions ?? [])}`);
  }
  const suites = patch.tls?.cipher_suites;
  if (suites !== undefined && !cipherSuitesMatch(suites, actual.tls?.cipher_suites ?? [])) {
    out.push(`tls.cipher_suites: asked ${JSON.stringify(suites)}, cluster has ${JSON.stringify(actual.tls?.cipher_suites ?? [])}`);
  }
  return out;
}
