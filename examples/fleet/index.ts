// A storage team's fleet: one security baseline for every ONTAP cluster, one stack per site (or shard),
// each stack's clusters in its stack config. The baseline lives in code (reviewed like code); the
// inventory lives in fleet.yaml, which `npx pulumi-ontap-security fleet up --inventory fleet.yaml`
// writes into each stack's config before running it, a few stacks at once. By hand, per stack:
//
//   pulumi config set clusters '[{"name":"paris-a","host":"paris-a.mgmt.example.com"},"lyon-b.mgmt.example.com"]'
//   pulumi config set ontap:username admin
//   pulumi config set --secret ontap:password '...'
//   export ONTAP_CA_CERTIFICATE="$(cat storage-ca.pem)"    # or: pulumi config set ontap:caCertificate
//
// Every cluster is reached with the same account and CA (config or ONTAP_* environment variables);
// only the host differs, so it is the one connection argument given per resource.
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurity, ClusterSecurityArgs } from "pulumi-ontap-security";

/** One cluster of the inventory: a management host, and the name its resource gets (default: from the host). */
interface InventoryEntry {
  name: string;
  host: string;
}

/**
 * Reads the `clusters` config: a JSON array of hosts, or of `{ "name", "host" }` objects. Fails naming
 * the bad entry, so a typo in the inventory stops `pulumi preview` with a message, not a stack trace.
 */
function inventory(raw: unknown): InventoryEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new Error(`config "clusters" must be a non-empty JSON array of hosts or {"name","host"} objects; got ${JSON.stringify(raw)}`);
  }
  const entries = raw.map((item: unknown, index): InventoryEntry => {
    if (typeof item === "string" && item.trim() !== "") return { name: nameFromHost(item), host: item.trim() };
    const entry = item as Partial<InventoryEntry> | null;
    if (entry !== null && typeof entry === "object" && typeof entry.host === "string" && entry.host.trim() !== "") {
      return { name: typeof entry.name === "string" && entry.name !== "" ? entry.name : nameFromHost(entry.host), host: entry.host.trim() };
    }
    throw new Error(`config "clusters"[${index}] is ${JSON.stringify(item)}; expected a host string or {"name": "...", "host": "..."}`);
  });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`config "clusters" names ${JSON.stringify(entry.name)} twice; give each cluster its own name`);
    seen.add(entry.name);
  }
  return entries;
}

/** A resource name from a host: `https://paris-a.example.com:443` → `paris-a.example.com-443`. */
function nameFromHost(host: string): string {
  return host.trim().replace(/^https:\/\//i, "").replace(/[^A-Za-z0-9._-]+/g, "-");
}

// The baseline: FIPS mode, TLS 1.2 and up only (ONTAP enables every version at or above the lowest
// listed), no clear-text management protocols. Encryption conversion is deliberately left out: it
// is one-way and needs a key manager, so it is a decision per cluster, not a fleet default.
const baseline: ClusterSecurityArgs = {
  fips: { enabled: true },
  tls: { protocolVersions: ["TLSv1.2"] },
  managementProtocols: { rshEnabled: false, telnetEnabled: false },
};

/**
 * The program: one `ClusterSecurity` per cluster of this stack's inventory, and a summary output. An
 * exported function rather than top-level statements: Pulumi records the call stack of every resource
 * in state, and a shallow stack keeps that record (and each cluster's share of state) small.
 */
export = async () => {
  const config = new pulumi.Config();
  const fleet = inventory(config.requireObject<unknown>("clusters")).map(
    (entry) => ({ entry, security: new ClusterSecurity(entry.name, { ...baseline, host: entry.host }) }),
  );

  /** One cluster as it is after the run: its release, and whether it meets the baseline. */
  const states = fleet.map(({ entry, security }) =>
    pulumi.all([security.cluster, security.fips, security.tls, security.managementProtocols]).apply(([cluster, fips, tls, protocols]) => ({
      name: entry.name,
      version: cluster.version,
      // ONTAP reports every enabled TLS version, so "1.2 and up" reads back as ["TLSv1.3", "TLSv1.2"].
      compliant:
        fips?.enabled === true &&
        (tls?.protocolVersions ?? []).every((version) => version === "TLSv1.2" || version === "TLSv1.3") &&
        protocols?.rshEnabled === false &&
        protocols.telnetEnabled === false,
    })),
  );

  /** What a reviewer wants from a run: how many clusters, which releases, and which do not meet the baseline yet. */
  const summary = pulumi.all(states).apply((clusters) => {
    const releases: Record<string, number> = {};
    for (const cluster of clusters) releases[cluster.version] = (releases[cluster.version] ?? 0) + 1;
    return {
      clusters: clusters.length,
      compliant: clusters.filter((cluster) => cluster.compliant).length,
      notCompliant: clusters.filter((cluster) => !cluster.compliant).map((cluster) => cluster.name),
      releases,
    };
  });
  return { summary };
};
