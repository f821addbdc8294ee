/**
 * The resource's shape (camelCase, as Pulumi programs see it) and the pure mappers between it and
 * ONTAP's wire shape (snake_case, `ontap/codecs.ts`).
 */
import { SecurityWire } from "../ontap/codecs";
import { ClusterInfo } from "../ontap/client";

/** The settings a program can manage. Every field is optional: only what is given is managed. */
export interface SecuritySettings {
  fips?: { enabled?: boolean };
  softwareDataEncryption?: { conversionEnabled?: boolean; disabledByDefault?: boolean };
  tls?: { protocolVersions?: string[]; cipherSuites?: string[] };
  managementProtocols?: { rshEnabled?: boolean; telnetEnabled?: boolean };
}

/** How to reach the cluster; each falls back to stack config, then to the environment. */
export interface ConnectionInputs {
  host?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  caCertificate?: string;
  /** PEM client certificate for mutual TLS, instead of username and password. */
  clientCertificate?: string;
  /** PEM private key of `clientCertificate`; a secret. */
  clientKey?: string;
}

/** The resource's inputs as the provider receives them (plain values, after Pulumi resolved them). */
export interface ClusterSecurityInputs extends SecuritySettings, ConnectionInputs {
  jobTimeoutSeconds?: number;
}

/** What the cluster reports, in the resource's shape. Groups the release lacks are absent. */
export interface ObservedSecurity {
  fips?: { enabled: boolean };
  softwareDataEncryption?: { conversionEnabled: boolean; disabledByDefault: boolean; encryptionState?: string };
  tls?: { protocolVersions: string[]; cipherSuites: string[] };
  managementProtocols?: { rshEnabled: boolean; telnetEnabled: boolean };
  onboardKeyManagerConfigurableStatus?: { supported?: boolean; message?: string; code?: number | string };
}

/** The cluster's identity in outputs. */
export interface ClusterIdentity {
  uuid: string;
  name: string;
  version: string;
}

/** The resource's outputs: the connection inputs given, the observed settings and the cluster. */
export interface ClusterSecurityOutputs extends ObservedSecurity, ConnectionInputs {
  cluster: ClusterIdentity;
  jobTimeoutSeconds?: number;
}

/** The settings groups, in the order ONTAP applies and reports them. */
export const SETTING_GROUPS = ["fips", "softwareDataEncryption", "tls", "managementProtocols"] as const;
export const CONNECTION_KEYS = ["host", "username", "password", "insecure", "caCertificate", "clientCertificate", "clientKey"] as const;

/** Wire settings to the resource's shape. A group appears only when the cluster reported all of it. */
export function observedFromWire(wire: SecurityWire): ObservedSecurity {
  const out: ObservedSecurity = {};
  if (wire.fips?.enabled !== undefined) out.fips = { enabled: wire.fips.enabled };
  const sde = wire.software_data_encryption;
  if (sde?.conversion_enabled !== undefined && sde.disabled_by_default !== undefined) {
    out.softwareDataEncryption = {
      conversionEnabled: sde.conversion_enabled,
      disabledByDefault: sde.disabled_by_default,
      ...(sde.encryption_state !== undefined ? { encryptionState: sde.encryption_state } : {}),
    };
  }
  if (wire.tls?.protocol_versions !== undefined && wire.tls.cipher_suites !== undefined) {
    out.tls = { protocolVersions: [...wire.tls.protocol_versions], cipherSuites: [...wire.tls.cipher_suites] };
  }
  const mp = wire.management_protocols;
  if (mp?.rsh_enabled !== undefined && mp.telnet_enabled !== undefined) {
    out.managementProtocols = { rshEnabled: mp.rsh_enabled, telnetEnabled: mp.telnet_enabled };
  }
  const okm = wire.onboard_key_manager_configurable_status;
  if (okm !== undefined) {
    out.onboardKeyManagerConfigurableStatus = {
      ...(okm.supported !== undefined ? { supported: okm.supported } : {}),
      ...(okm.message !== undefined ? { message: okm.message } : {}),
      ...(okm.code !== undefined ? { code: normalizeCode(okm.code) } : {}),
    };
  }
  return out;
}

/** ONTAP documents this code as an integer and as a string: report integers as numbers. */
function normalizeCode(code: number | string): number | string {
  return typeof code === "string" && /^-?\d+$/.test(code) ? Number(code) : code;
}

export function identityOf(cluster: ClusterInfo): ClusterIdentity {
  return { uuid: cluster.uuid, name: cluster.name, version: cluster.version };
}

/** The settings part of the inputs, dropping everything else (connection, timeout, `__provider`). */
export function settingsOf(inputs: SecuritySettings): SecuritySettings {
  const out: SecuritySettings = {};
  for (const group of SETTING_GROUPS) {
    if (inputs[group] !== undefined) (out as Record<string, unknown>)[group] = inputs[group];
  }
  return out;
}

/** The connection inputs given, to be kept in outputs so that refresh and destroy can reach the cluster. */
export function connectionOf(inputs: ConnectionInputs): ConnectionInputs {
  const out: ConnectionInputs = {};
  for (const key of CONNECTION_KEYS) {
    if (inputs[key] !== undefined) (out as Record<string, unknown>)[key] = inputs[key];
  }
  return out;
}
