/**
 * The live part of `check`: what only the cluster can tell, asked before anything changes so that
 * `pulumi preview` fails on it. Kept apart from the operations that change the cluster: nothing here
 * sends anything but GETs.
 */
import { OntapApiError, OntapClientCertificateRefusedError } from "../ontap/errors";
import { ConnectionOptions } from "../ontap/transport";
import { InputFailure, containsUnknown, irreversibleReason } from "./check";
import { ConnectionConfigError } from "./errors";
import { resolveConnection } from "./connection";
import { CONNECTION_KEYS, ClusterSecurityInputs, connectionOf, settingsOf } from "./model";
import { LifecycleEnv, deadlineOf, withClient } from "./operations";
import { asksReversal, reversals, unsupportedSettings } from "./plan";

/**
 * The live part of `check`: what only the cluster can tell, asked before anything changes so that
 * `pulumi preview` fails on it. One GET (the release) and, only when the program turns
 * a one-way setting (conversion) off, a second (is it on already?). Skipped while inputs are unknown.
 */
export async function preflight(inputs: ClusterSecurityInputs, env: LifecycleEnv): Promise<InputFailure[]> {
  if (CONNECTION_KEYS.some((key) => containsUnknown(inputs[key]))) return [];
  let connection: ConnectionOptions;
  try {
    connection = resolveConnection(connectionOf(inputs), env.config, env.env, env.clock.now());
  } catch (error) {
    if (error instanceof ConnectionConfigError) return error.failures.map((f) => ({ property: f.property, reason: f.reason }));
    return [{ property: "host", reason: (error as Error).message }];
  }
  const desired = settingsOf(inputs);
  try {
    return await withClient(connection, env, async (client) => {
      const cluster = await client.getCluster();
      const unsupported = unsupportedSettings(desired, cluster);
      if (unsupported.length > 0) {
        return unsupported.map((setting) => ({
          property: setting.split(".")[0],
          reason: `cluster ${cluster.name} runs ONTAP ${cluster.version}, which does not have ${setting}`,
        }));
      }
      if (asksReversal(desired)) {
        const live = await client.getSecurity(cluster.parsedVersion);
        return reversals(desired, live).map((row) => ({
          property: row.group,
          reason: `cluster ${cluster.name} has ${row.setting} on: ${irreversibleReason(row)}`,
        }));
      }
      return [];
    }, deadlineOf(inputs, env, "look"));
  } catch (error) {
    return [{ property: blamedArgument(error, connection.clientCertificate !== undefined), reason: `cannot check the cluster: ${(error as Error).message}` }];
  }
}

/**
 * The argument to fix for a failed read: the credentials for 401, the account for 403, the address
 * otherwise. With a client certificate, both are the certificate (its CN is the account), and so is a
 * handshake the cluster ended with an alert about it, which is how a cluster that verifies certificates
 * in TLS refuses one it does not trust or that expired.
 */
export function blamedArgument(error: unknown, withCertificate: boolean): string {
  const status = error instanceof OntapApiError ? error.status : 0;
  if (withCertificate && (status === 401 || status === 403 || error instanceof OntapClientCertificateRefusedError)) return "clientCertificate";
  return status === 401 ? "password" : status === 403 ? "username" : "host";
}
