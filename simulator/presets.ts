// Cluster settings that the demo, the end-to-end tests and the benchmarks start from.
import { atLeast, formatVersion, parseVersion } from "./ontapVersion";
import { SECURITY_FIELDS } from "./securityState";

/** The settings {@link asFound} returns. */
export interface AsFoundSecurity {
  fips: { enabled: boolean };
  tls: { protocol_versions: string[] };
  management_protocols: { rsh_enabled: boolean; telnet_enabled: boolean };
}

/**
 * A cluster as many are found before a security baseline is applied: FIPS off, TLS 1.0 still enabled,
 * rsh and telnet on, not converted to software encryption (the release's default). Every field is one
 * that {@link AS_FOUND_SINCE} and later have. A fresh copy each call, as `ClusterOptions.security` takes it.
 */
export function asFound(): AsFoundSecurity {
  return {
    fips: { enabled: false },
    tls: { protocol_versions: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"] },
    management_protocols: { rsh_enabled: true, telnet_enabled: true },
  };
}

/** The leaf paths of a settings object (`fips.enabled`, …). */
function leafPaths(value: object, prefix = ""): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === "object" && inner !== null && !Array.isArray(inner) ? leafPaths(inner as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** The first release that has every field {@link asFound} sets, from the simulator's field table. */
export const AS_FOUND_SINCE: string = formatVersion(
  leafPaths(asFound())
    .map((leaf) => {
      const field = SECURITY_FIELDS.find((f) => f.path === leaf);
      if (field === undefined) throw new Error(`asFound sets ${leaf}, which the field table does not list`);
      return parseVersion(field.since);
    })
    .reduce((newest, version) => (atLeast(version, formatVersion(newest)) ? version : newest)),
);
