/**
 * The resource's shape (camelCase, as Pulumi programs see it), derived from the table of settings
 * (`settings.ts`), and the pure mappers between it and ONTAP's wire shape (snake_case, `ontap/codecs.ts`).
 */
import { SecurityWire } from "../ontap/codecs";
import { ClusterInfo } from "../ontap/client";
import { FieldValue, Nested, WritableField } from "../ontap/securityFields";
import { wireValue } from "../ontap/readBack";
import { MANAGED_GROUPS, REPORTED_GROUPS, ROWS, SETTINGS, SettingPath, rowsOf } from "./settings";

type WireOf<P extends SettingPath> = (typeof SETTINGS)[P]["wire"];
/** The settings a program may set: those whose wire field is writable. */
type ManagedPath = { [P in SettingPath]: WireOf<P> extends WritableField ? P : never }[SettingPath];
/** The managed settings a release may lack while it has their group (see `laterInGroup`). */
type LaterPath = { [P in SettingPath]: (typeof SETTINGS)[P] extends { laterInGroup: true } ? P : never }[SettingPath];
/** The settings the cluster only reports, or reports only from a later release than their group. */
type ReportedPath = Exclude<SettingPath, ManagedPath> | LaterPath;
type ValuesOf<P extends SettingPath> = { [K in P]: FieldValue<WireOf<K>> };

/** The settings a program can manage. Every one is optional: only what is given is managed. */
export type SecuritySettings = Nested<Record<never, never>, ValuesOf<ManagedPath>>;

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

/**
 * What the cluster reports, in the resource's shape: managed settings always, reported-only ones when
 * the release has them. Groups the release lacks are absent.
 */
export type ObservedSecurity = Nested<ValuesOf<Exclude<ManagedPath, LaterPath>>, ValuesOf<ReportedPath>>;

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

/** The groups of settings a program manages, in the order ONTAP applies and reports them. */
export const SETTING_GROUPS = MANAGED_GROUPS as readonly (keyof SecuritySettings)[];
/** Every group of outputs the cluster reports. */
export const OUTPUT_GROUPS = REPORTED_GROUPS as readonly (keyof ObservedSecurity)[];
export const CONNECTION_KEYS = ["host", "username", "password", "insecure", "caCertificate", "clientCertificate", "clientKey"] as const;
/**
 * The connection arguments whose values are secrets: kept secret in state by every way in, never
 * shown in a message, never named to the engine.
 */
export const SECRET_CONNECTION_KEYS = ["password", "clientKey"] as const satisfies readonly (typeof CONNECTION_KEYS)[number][];

/**
 * Wire settings to the resource's shape. A group appears when the cluster reported every managed
 * setting of it (and, for a group of reported-only values, at least one).
 */
export function observedFromWire(wire: SecurityWire): ObservedSecurity {
  const out: Record<string, Record<string, unknown>> = {};
  for (const group of REPORTED_GROUPS) {
    const values: Record<string, unknown> = {};
    let complete = true;
    for (const row of rowsOf(group, ROWS)) {
      const value = wireValue(wire, row.wire);
      if (value === undefined) {
        complete &&= !row.managed || row.laterInGroup === true;
        continue;
      }
      values[row.key] = row.fromWire === undefined ? copy(value) : (row.fromWire as (v: unknown) => unknown)(value);
    }
    if (complete && Object.keys(values).length > 0) out[group] = values;
  }
  return out as ObservedSecurity;
}

const copy = (value: unknown): unknown => (Array.isArray(value) ? [...value] : value);

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
