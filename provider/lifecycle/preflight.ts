/**
 * The live part of `check`: what only the cluster can tell, asked before anything changes so that
 * `pulumi preview` fails on it. Kept apart from the operations that change the cluster: nothing here
 * sends anything but GETs.
 */
import { OntapApiError } from "../ontap/errors";
import { ConnectionOptions } from "../ontap/transport";
import { InputFailure, containsUnknown, irreversibleReason } from "./check";
import { resolveConnection } from "./connection";
import { CONNECTION_KEYS, ClusterSecurityInputs, connectionOf, settingsOf } from "./model";
import { LifecycleEnv, deadlineOf, withClient } from "./operations";
import { unsupportedSettings } from "./plan";

/**
 * The live part of `check`: what only the cluster can tell, asked before anything changes so that
 * `pulumi preview` fails on it. One GET (the release) and, only when the program says
 * `conversionEnabled: false`, a second (is the cluster converted?). Skipped while inputs are unknown.
 */
export async function preflight(inputs: ClusterSecurityInputs, env: LifecycleEnv): Promise<InputFailure[]> {
  if (CONNECTION_KEYS.some((key) => containsUnknown(inputs[key]))) return [];
  let connection: ConnectionOptions;
  try {
    connection = resolveConnection(connectionOf(inputs), env.config, env.env);
  } catch (error) {
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
      if (desired.softwareDataEncryption?.conversionEnabled === false) {
        const live = await client.getSecurity(cluster.parsedVersion);
        if (live.software_data_encryption?.conversion_enabled === true) {
          return [{ property: "softwareDataEncryption", reason: `cluster ${cluster.name} is converted: ${irreversibleReason()}` }];
        }
      }
      return [];
    }, deadlineOf(inputs, env, "look"));
  } catch (error) {
    // Point at the argument to fix: credentials for 401, the account for 403, the address otherwise.
    const status = error instanceof OntapApiError ? error.status : 0;
    const property = status === 401 ? "password" : status === 403 ? "username" : "host";
    return [{ property, reason: `cannot check the cluster: ${(error as Error).message}` }];
  }
}
