// The environment variables that point a program using pulumi-ontap-security at a running simulator:
// the provider reads ONTAP_HOST, ONTAP_USERNAME, ONTAP_PASSWORD and ONTAP_CA_CERTIFICATE when neither
// the resource's arguments nor stack config give them.

import type { SimCluster } from "./simCluster";

/** What {@link ontapEnvironment} needs of a running simulator. */
export interface SimulatorAddress {
  readonly clusters: readonly Pick<SimCluster, "host">[];
  readonly caCertificate: string;
  readonly username: string;
  readonly password: string;
}

/**
 * `ONTAP_*` variables for a simulator: `ONTAP_HOST` is the cluster at `index` (default the first),
 * `ONTAP_HOSTS` every cluster's `host:port` separated by spaces, then the admin's credentials and the
 * CA's PEM. Pass them as a child process's environment (a `pulumi` run, the Automation API's `envVars`).
 */
export function ontapEnvironment(simulator: SimulatorAddress, index = 0): Record<string, string> {
  const cluster = simulator.clusters[index];
  if (cluster === undefined) {
    throw new RangeError(`ONTAP simulator: no cluster at index ${index}; it has ${simulator.clusters.length} (0 to ${simulator.clusters.length - 1})`);
  }
  return {
    ONTAP_HOST: cluster.host,
    ONTAP_HOSTS: simulator.clusters.map((each) => each.host).join(" "),
    ONTAP_USERNAME: simulator.username,
    ONTAP_PASSWORD: simulator.password,
    ONTAP_CA_CERTIFICATE: simulator.caCertificate,
  };
}

/**
 * The same variables as POSIX shell lines (`export NAME='value'`), for a pipeline to `source`. Values
 * are single-quoted, so the PEM's newlines survive and nothing in them is expanded.
 */
export function shellExports(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'\n`)
    .join("");
}
