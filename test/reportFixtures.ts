/**
 * Fleet runs made up for the report's pure tests: records of clusters as a run saw them, stacks and
 * summaries around them.
 */
import type { ClusterRecord } from "../cli/fleetClusters";
import type { FleetSummary } from "../cli/fleetReport";
import type { StackResult } from "../cli/fleetRunner";

export const declared = { fips: { enabled: true }, tls: { protocolVersions: ["TLSv1.2"] }, managementProtocols: { rshEnabled: false, telnetEnabled: false } };

/** What a cluster that meets the baseline reports. */
export const good = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.3", "TLSv1.2"], cipherSuites: ["TLS_AES_256_GCM_SHA384"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
  softwareDataEncryption: { conversionEnabled: true, disabledByDefault: false, encryptionState: "encrypted" },
};

export const telnetOn = { ...good, managementProtocols: { rshEnabled: false, telnetEnabled: true } };

export function record(name: string, over: Partial<ClusterRecord> = {}): ClusterRecord {
  return { name, host: `${name}.example.com`, clusterName: name, release: "9.16.1", desired: declared, found: good, op: "same", changed: false, failed: false, ...over };
}

export function stack(name: string, status: StackResult["status"], details: ClusterRecord[], over: Partial<StackResult> = {}): StackResult {
  return { stack: name, status, clusters: details.length, changed: details.filter((d) => d.changed).length, failed: 0, operations: {}, attempts: 1, durationMs: 10, details, ...over };
}

export function summary(stacks: StackResult[], over: Partial<FleetSummary> = {}): FleetSummary {
  return {
    command: "refresh",
    driftCheck: true,
    startedAt: "2026-12-03T10:00:00.000Z",
    durationMs: 100,
    exitCode: 0,
    totals: { stacks: stacks.length, byStatus: {}, clusters: 0, changed: 0, failedClusters: 0 },
    stacks,
    ...over,
  };
}
