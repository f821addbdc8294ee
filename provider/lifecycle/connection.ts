/**
 * Where connection settings come from: the resource's arguments, then stack config (`ontap:*`), then
 * environment variables (`ONTAP_*`). Config and environment are read at call time, so credentials
 * kept there never reach state and can be rotated before a refresh or destroy.
 */
import { ConnectionOptions } from "../ontap/transport";
import { ConnectionInputs } from "./model";
import { ConnectionConfigError } from "./errors";

/** Reads one stack config key such as `ontap:host`; what Pulumi's `configure` hands the provider. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

type Key = keyof ConnectionInputs;

/** The config key and environment variable of each connection argument. */
export const CONNECTION_SOURCES: Record<Key, { config: string; env: string }> = {
  host: { config: "ontap:host", env: "ONTAP_HOST" },
  username: { config: "ontap:username", env: "ONTAP_USERNAME" },
  password: { config: "ontap:password", env: "ONTAP_PASSWORD" },
  insecure: { config: "ontap:insecure", env: "ONTAP_INSECURE" },
  caCertificate: { config: "ontap:caCertificate", env: "ONTAP_CA_CERTIFICATE" },
};

function lookup(key: Key, inputs: ConnectionInputs, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): unknown {
  const given = inputs[key];
  if (given !== undefined && given !== "") return given;
  const fromConfig = config?.get(CONNECTION_SOURCES[key].config);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = env[CONNECTION_SOURCES[key].env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

function parseBoolean(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["true", "1", "yes"].includes(text)) return true;
  if (["false", "0", "no"].includes(text)) return false;
  throw new ConnectionConfigError(
    `insecure is ${JSON.stringify(value)} (from ${CONNECTION_SOURCES.insecure.config} or ${CONNECTION_SOURCES.insecure.env}); allowed: true or false`,
  );
}

/** Resolves the connection, or fails naming every missing setting and where it may be given. */
export function resolveConnection(
  inputs: ConnectionInputs,
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionOptions {
  const host = lookup("host", inputs, config, env);
  const username = lookup("username", inputs, config, env);
  const password = lookup("password", inputs, config, env);
  const missing = (["host", "username", "password"] as const).filter((k) => ({ host, username, password })[k] === undefined);
  if (missing.length > 0) {
    const where = missing.map((k) => `${k} (argument, config ${CONNECTION_SOURCES[k].config} or ${CONNECTION_SOURCES[k].env})`);
    throw new ConnectionConfigError(`no ${where.join(", ")}: the provider cannot reach the cluster without it`, missing);
  }
  const insecure = parseBoolean(lookup("insecure", inputs, config, env));
  const caCertificate = lookup("caCertificate", inputs, config, env);
  return {
    host: String(host),
    username: String(username),
    password: String(password),
    ...(insecure !== undefined ? { insecure } : {}),
    ...(caCertificate !== undefined ? { caCertificate: String(caCertificate) } : {}),
  };
}
