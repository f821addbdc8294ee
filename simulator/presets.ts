// Cluster settings that the demo, the end-to-end tests and the benchmarks start from.

/** The settings {@link asFound} returns. */
export interface AsFoundSecurity {
  fips: { enabled: boolean };
  tls: { protocol_versions: string[] };
  management_protocols: { rsh_enabled: boolean; telnet_enabled: boolean };
}

/**
 * A cluster as many are found before a security baseline is applied: FIPS off, TLS 1.0 still enabled,
 * rsh and telnet on, not converted to software encryption (the release's default). Every field is one
 * that 9.10.1 and later have. A fresh copy each call, as `ClusterOptions.security` takes it.
 */
export function asFound(): AsFoundSecurity {
  return {
    fips: { enabled: false },
    tls: { protocol_versions: ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"] },
    management_protocols: { rsh_enabled: true, telnet_enabled: true },
  };
}
