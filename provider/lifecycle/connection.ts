/**
 * Where connection settings come from: the resource's arguments, then stack config (`ontap:*`), then
 * environment variables (`ONTAP_*`), each setting on its own. Config and environment are read at call
 * time, so credentials kept there never reach state and can be rotated before a refresh or destroy.
 */
import { X509Certificate } from "crypto";
import { ConnectionOptions } from "../ontap/transport";
import { ConnectionInputs } from "./model";
import { ConnectionConfigError } from "./errors";
import { Sourced, inspectClientCertificate } from "./clientCertificate";
import { certificateBlocks, holdsPrivateKey, normalizePem } from "./pem";

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
  clientCertificate: { config: "ontap:clientCertificate", env: "ONTAP_CLIENT_CERTIFICATE" },
  clientKey: { config: "ontap:clientKey", env: "ONTAP_CLIENT_KEY" },
};

/**
 * The one rule for an empty connection argument, in check and in every operation alike: refused,
 * never a silent fall back to stack config or the environment (a program that computed "" by mistake
 * must not quietly reach whatever cluster ONTAP_HOST names). Empty config and environment values do
 * fall through: that is how a key is left unset there.
 */
export function emptyArgumentProblem(key: Key): string {
  return `${key} is an empty string; give a value, or leave ${key} out to use config ${CONNECTION_SOURCES[key].config} or ${CONNECTION_SOURCES[key].env}`;
}

/**
 * Basic authentication joins username and password with ":", so a username holding one cannot be
 * sent as itself: the cluster would read its tail as the password and answer 401.
 */
export function usernameProblem(username: string): string | undefined {
  if (username.trim() === "") return "username is empty";
  return username.includes(":")
    ? `username contains ":", which HTTP Basic authentication cannot carry (it separates username from password); use an account whose name has no ":"`
    : undefined;
}

/**
 * Why the text is not a PEM CA bundle Node can trust, or undefined when every certificate in it parses.
 * The one-line form with literal `\n` is accepted (see `pem.ts`).
 */
export function caCertificateProblem(text: string): string | undefined {
  const blocks = certificateBlocks(text);
  if (blocks.length === 0) {
    return "caCertificate has no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)";
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (error) {
      const which = blocks.length === 1 ? "its certificate" : `certificate ${index + 1} of ${blocks.length}`;
      return `caCertificate has a PEM block that is not a certificate Node can parse (${which}: ${(error as Error).message})`;
    }
  }
  return undefined;
}

/** Refuses a problem found in a setting, naming it and where it may be given. */
function refuse(key: Key, problem: string): never {
  const reason = `${problem} (from ${sourcesOf(key)})`;
  throw new ConnectionConfigError(reason, [], [{ property: key, reason }]);
}

function lookup(key: Key, inputs: ConnectionInputs, config: ConfigSource | undefined, env: NodeJS.ProcessEnv): unknown {
  return lookupWithSource(key, inputs, config, env)?.value;
}

/** The value and where it came from, named as a message should name it. */
function lookupWithSource(
  key: Key,
  inputs: ConnectionInputs,
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
): { value: unknown; from: string } | undefined {
  const given = inputs[key];
  if (given === "") {
    const reason = emptyArgumentProblem(key);
    throw new ConnectionConfigError(reason, [], [{ property: key, reason }]);
  }
  if (given !== undefined) return { value: given, from: "argument" };
  const fromConfig = config?.get(CONNECTION_SOURCES[key].config);
  if (fromConfig !== undefined && fromConfig !== "") return { value: fromConfig, from: `config ${CONNECTION_SOURCES[key].config}` };
  const fromEnv = env[CONNECTION_SOURCES[key].env];
  return fromEnv !== undefined && fromEnv !== "" ? { value: fromEnv, from: `environment ${CONNECTION_SOURCES[key].env}` } : undefined;
}

/** Where a connection argument may be given, for messages: `argument host, config ontap:host or ONTAP_HOST`. */
export function sourcesOf(key: Key): string {
  return `argument ${key}, config ${CONNECTION_SOURCES[key].config} or ${CONNECTION_SOURCES[key].env}`;
}

/**
 * A clientCertificate that carries a private key is refused: clientCertificate is not a secret, so the
 * key would be kept in state in clear. Said without quoting either value; when the key's place holds a
 * certificate instead, the two were swapped, and the message says that.
 */
export function keyInCertificateProblem(certificate: Sourced, key: Sourced | undefined): string | undefined {
  if (!holdsPrivateKey(certificate.value)) return undefined;
  if (key !== undefined && !holdsPrivateKey(key.value) && certificateBlocks(key.value).length > 0) {
    return (
      `clientCertificate (from ${certificate.from}) holds a private key and clientKey (from ${key.from}) a certificate: ` +
      "the two are swapped; give the certificate as clientCertificate and its private key as clientKey"
    );
  }
  return (
    `clientCertificate (from ${certificate.from}) holds a PEM private key, which ` +
    `would be kept in state in clear: give only the certificate there, and its key as clientKey (${sourcesOf("clientKey")}), which is kept as a secret`
  );
}

function parseBoolean(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["true", "1", "yes"].includes(text)) return true;
  if (["false", "0", "no"].includes(text)) return false;
  const reason = `insecure is ${JSON.stringify(value)} (from ${CONNECTION_SOURCES.insecure.config} or ${CONNECTION_SOURCES.insecure.env}); allowed: true or false`;
  throw new ConnectionConfigError(reason, [], [{ property: "insecure", reason }]);
}

/**
 * Resolves the connection, or fails naming every missing or conflicting setting and where each came
 * from. Authentication is either basic (username and password) or a client certificate with its key
 * (mutual TLS; ONTAP takes the account from the certificate's common name), never both: a half-given
 * or doubly given authentication is refused rather than guessed at. `now` (ms) judges the
 * certificate's validity.
 */
export function resolveConnection(
  inputs: ConnectionInputs,
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): ConnectionOptions {
  const host = lookup("host", inputs, config, env);
  const username = lookupWithSource("username", inputs, config, env);
  const password = lookupWithSource("password", inputs, config, env);
  const certificate = lookupWithSource("clientCertificate", inputs, config, env);
  const key = lookupWithSource("clientKey", inputs, config, env);
  const insecure = parseBoolean(lookup("insecure", inputs, config, env));
  const caCertificate = lookup("caCertificate", inputs, config, env);
  const caProblem = caCertificate === undefined ? undefined : caCertificateProblem(String(caCertificate));
  if (caProblem !== undefined) refuse("caCertificate", caProblem);
  const common = {
    host: String(host),
    ...(insecure !== undefined ? { insecure } : {}),
    ...(caCertificate !== undefined ? { caCertificate: normalizePem(String(caCertificate)) } : {}),
  };

  if (certificate === undefined && key === undefined) {
    const missing = (["host", "username", "password"] as const).filter((k) => ({ host, username, password })[k] === undefined);
    if (missing.length > 0) {
      const where = missing.map((k) => `${k} (argument, config ${CONNECTION_SOURCES[k].config} or ${CONNECTION_SOURCES[k].env})`);
      const alternative = missing.includes("password") ? " (or, instead of a password, a clientCertificate and its clientKey)" : "";
      throw new ConnectionConfigError(`no ${where.join(", ")}: the provider cannot reach the cluster without it${alternative}`, missing);
    }
    const problem = usernameProblem(String(username?.value));
    if (problem !== undefined) refuse("username", problem);
    return { ...common, username: String(username?.value), password: String(password?.value) };
  }

  const failures: { property: string; reason: string }[] = [];
  const fail = (property: string, reason: string): void => void failures.push({ property, reason });
  if (host === undefined) fail("host", `no host (${sourcesOf("host")}): the provider cannot reach the cluster without it`);
  if (password !== undefined) {
    const other = certificate !== undefined ? ["clientCertificate", certificate] as const : ["clientKey", key as { from: string }] as const;
    fail(
      other[0],
      `password (from ${password.from}) and ${other[0]} (from ${other[1].from}) are both set: authenticate either with a ` +
        `username and password or with a clientCertificate and its clientKey, not both; remove one`,
    );
  }
  const keyProblem = certificate === undefined ? undefined : keyInCertificateProblem(asText(certificate), key === undefined ? undefined : asText(key));
  if (certificate === undefined) {
    fail("clientCertificate", `clientKey (from ${key?.from}) is set but no clientCertificate (${sourcesOf("clientCertificate")}): give the certificate the key belongs to`);
  } else if (keyProblem !== undefined) {
    fail("clientCertificate", keyProblem);
  } else if (key === undefined) {
    fail("clientKey", `clientCertificate (from ${certificate.from}) is set but no clientKey (${sourcesOf("clientKey")}): give its private key`);
  } else {
    const inspected = inspectClientCertificate(asText(certificate), asText(key), now);
    if ("problems" in inspected) {
      failures.push(...inspected.problems);
    } else if (password === undefined && username !== undefined && String(username.value) !== inspected.ok.commonName) {
      fail(
        "username",
        `username ${JSON.stringify(String(username.value))} (from ${username.from}) is not the common name of clientCertificate ` +
          `(CN=${inspected.ok.commonName}), which ONTAP takes as the account; leave username out or make it the common name`,
      );
    }
    if (failures.length === 0 && "ok" in inspected) {
      return { ...common, username: inspected.ok.commonName, clientCertificate: asText(certificate).value, clientKey: asText(key).value };
    }
  }
  throw new ConnectionConfigError(failures.map((f) => f.reason).join("; "), host === undefined ? ["host"] : [], failures);
}

/** PEM text with real line breaks: the one-line form with literal `\n` is accepted, as for caCertificate. */
function asText(sourced: { value: unknown; from: string }): Sourced {
  return { value: normalizePem(String(sourced.value)), from: sourced.from };
}
