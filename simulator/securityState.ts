// The wire shape of `/api/security`, which fields each release has, and the pure rules that read and
// reshape it (field selection, TLS protocol expansion, FIPS side effects). Facts: docs/ontap-api.md.

import { OntapFailure, invalidQueryValue } from "./ontapError";
import { OntapVersion, atLeast } from "./ontapVersion";
import type { Scenario } from "./scenario";

/** `software_data_encryption.encryption_state` values (9.16.1). */
export type EncryptionState =
  | "encrypted"
  | "encrypting"
  | "partial"
  | "rekeying"
  | "unencrypted"
  | "conversion_paused"
  | "rekey_paused";

/**
 * The settings of one simulated cluster, snake_case exactly like ONTAP's JSON. A group is present only when
 * the cluster's release has it (no `fips` on 9.7, no `tls` before 9.10.1). Tests may read and change it at
 * any time; the simulator reads it afresh on every request.
 */
export interface SecurityState {
  /** Since 9.7, read-only. `code` 0 means the Onboard Key Manager can be configured. */
  onboard_key_manager_configurable_status: { supported: boolean; message: string; code: number };
  /** Since 9.8. */
  fips?: { enabled: boolean };
  /** Since 9.8; `encryption_state` since 9.16.1 (read-only). */
  software_data_encryption?: { conversion_enabled: boolean; disabled_by_default: boolean; encryption_state?: EncryptionState };
  /** Since 9.10.1 (`offload_enabled` since 9.19.1). `protocol_versions` is kept highest first, as ONTAP reads it back. */
  tls?: { protocol_versions: string[]; cipher_suites: string[]; offload_enabled?: boolean };
  /** Since 9.10.1. */
  management_protocols?: { rsh_enabled: boolean; telnet_enabled: boolean };
}

/** Initial settings a test may give for a cluster: any group, any subset of its fields. */
export type SecurityStateInit = {
  [Group in keyof SecurityState]?: Partial<NonNullable<SecurityState[Group]>>;
};

/** The JSON type a field carries. */
export type FieldType = "boolean" | "string" | "integer" | "string[]";

/** One leaf field of `/api/security`: where it lives, since when, and what may be done with it. */
export interface FieldSpec {
  path: string;
  since: string;
  type: FieldType;
  readable: boolean;
  writable: boolean;
}

/**
 * Every leaf field `/api/security` has had, with the release that added it. Kept apart from the
 * provider's table (`provider/ontap/securityFields.ts`) on purpose: the simulator is the judge the
 * provider is tested against, so it must not learn ONTAP from the code it judges. It also has fields the
 * provider never reads (a write-only trigger). test/layout.test.ts holds the two to the same release
 * and writability for every field the provider knows.
 */
export const SECURITY_FIELDS: readonly FieldSpec[] = [
  { path: "onboard_key_manager_configurable_status.supported", since: "9.7.0", type: "boolean", readable: true, writable: false },
  { path: "onboard_key_manager_configurable_status.message", since: "9.7.0", type: "string", readable: true, writable: false },
  { path: "onboard_key_manager_configurable_status.code", since: "9.7.0", type: "integer", readable: true, writable: false },
  { path: "fips.enabled", since: "9.8.0", type: "boolean", readable: true, writable: true },
  { path: "software_data_encryption.conversion_enabled", since: "9.8.0", type: "boolean", readable: true, writable: true },
  { path: "software_data_encryption.disabled_by_default", since: "9.8.0", type: "boolean", readable: true, writable: true },
  { path: "tls.protocol_versions", since: "9.10.1", type: "string[]", readable: true, writable: true },
  { path: "tls.cipher_suites", since: "9.10.1", type: "string[]", readable: true, writable: true },
  // Hardware (NIC) offload of TLS, cluster-wide; every node must run 9.19.1. Off on a fresh cluster.
  { path: "tls.offload_enabled", since: "9.19.1", type: "boolean", readable: true, writable: true },
  { path: "management_protocols.rsh_enabled", since: "9.10.1", type: "boolean", readable: true, writable: true },
  { path: "management_protocols.telnet_enabled", since: "9.10.1", type: "boolean", readable: true, writable: true },
  { path: "software_data_encryption.encryption_state", since: "9.16.1", type: "string", readable: true, writable: false },
  // A write-only trigger (ASA r2 / AIML systems): it never appears in a GET.
  { path: "software_data_encryption.rekey", since: "9.16.1", type: "boolean", readable: false, writable: true },
];

/** The fields `version` has. */
export function fieldsOf(version: OntapVersion): FieldSpec[] {
  return SECURITY_FIELDS.filter((field) => atLeast(version, field.since));
}

/** TLS protocol versions from lowest to highest. */
export const TLS_PROTOCOL_LADDER = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** The TLS 1.3 suites ONTAP keeps whenever TLSv1.3 is enabled. */
export const TLS13_CIPHER_SUITES = ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"] as const;

/** A shortened but realistic default suite list (ONTAP's own is about 130 entries, in this unsorted style). */
const DEFAULT_CIPHER_SUITES = [
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
];

/**
 * The settings a fresh cluster of `version` starts with, overlaid with `init`.
 * Simulator choice [factory-defaults]: FIPS off, software encryption not converted and on by default, telnet/rsh off,
 * TLSv1.3 + 1.2 (9.10.1 also TLSv1.1), a short suite list, TLS offload off (9.19.1), and a key manager that can be configured
 * (code 0, empty message). Throws when `init` names a group or field the release does not have.
 */
export function initialSecurityState(version: OntapVersion, init: SecurityStateInit = {}): SecurityState {
  const state: SecurityState = {
    onboard_key_manager_configurable_status: { supported: true, message: "", code: 0 },
  };
  if (atLeast(version, "9.8.0")) {
    state.fips = { enabled: false };
    state.software_data_encryption = { conversion_enabled: false, disabled_by_default: false };
    if (atLeast(version, "9.16.1")) state.software_data_encryption.encryption_state = "unencrypted";
  }
  if (atLeast(version, "9.10.1")) {
    state.tls = {
      protocol_versions: atLeast(version, "9.11.1") ? ["TLSv1.3", "TLSv1.2"] : ["TLSv1.3", "TLSv1.2", "TLSv1.1"],
      cipher_suites: [...DEFAULT_CIPHER_SUITES],
    };
    if (atLeast(version, "9.19.1")) state.tls.offload_enabled = false;
    state.management_protocols = { rsh_enabled: false, telnet_enabled: false };
  }
  const known = new Set(fieldsOf(version).filter((field) => field.readable).map((field) => field.path));
  for (const [group, values] of Object.entries(init) as [keyof SecurityState, Record<string, unknown> | undefined][]) {
    if (values === undefined) continue;
    const target = state[group] as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(values)) {
      if (target === undefined || !known.has(`${group}.${name}`)) {
        throw new Error(`ONTAP simulator: initial security field "${group}.${name}" does not exist in ONTAP ${version.generation}.${version.major}.${version.minor}`);
      }
      target[name] = Array.isArray(value) ? [...value] : value;
    }
  }
  return state;
}

/**
 * Resolves a `fields=` query value against the readable fields of `version`: none, an empty value, `*` and `**` select all,
 * a group name selects the group, a dotted name one leaf; `_links` is always answered. Anything else,
 * including a field of a later release, is ONTAP's 400 `262197` with target `fields`.
 */
export function selectFields(version: OntapVersion, fieldsParam: string | undefined): Set<string> | OntapFailure {
  const readable = fieldsOf(version).filter((field) => field.readable).map((field) => field.path);
  // An empty `fields=` asks for the default fields, as no `fields` does (NetApp's Ansible modules send it so).
  if (fieldsParam === undefined || fieldsParam.split(",").every((name) => name.trim() === "")) return new Set(readable);
  const selected = new Set<string>();
  for (const raw of fieldsParam.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (name === "*" || name === "**") {
      readable.forEach((path) => selected.add(path));
      continue;
    }
    if (name === "_links") continue;
    const matches = readable.filter((path) => path === name || path.startsWith(`${name}.`));
    if (matches.length === 0) return invalidQueryValue("fields", name, "<field,...>");
    matches.forEach((path) => selected.add(path));
  }
  return selected;
}

/** The scenario switches that choose among the documented forms of a GET body. */
export type SecurityForms = Pick<Scenario, "okmCodeForm" | "okmSupportedPresent">;

const DEFAULT_FORMS: SecurityForms = { okmCodeForm: "integer", okmSupportedPresent: true };

/**
 * Builds the GET body from `state`: only the selected leaves, nested like ONTAP, plus `_links`, in the
 * forms `forms` chooses. A field left out by a form is still accepted in `fields=`, as a real cluster
 * accepts a field it has no value for.
 */
export function renderSecurity(state: SecurityState, selected: Set<string>, forms: SecurityForms = DEFAULT_FORMS): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const path of selected) {
    const [group, name] = path.split(".") as [string, string];
    const source = (state as unknown as Record<string, Record<string, unknown> | undefined>)[group];
    if (source === undefined || source[name] === undefined) continue;
    if (path === "onboard_key_manager_configurable_status.supported" && !forms.okmSupportedPresent) continue;
    const target = (body[group] ??= {}) as Record<string, unknown>;
    const value = source[name];
    target[name] =
      path === "onboard_key_manager_configurable_status.code" && forms.okmCodeForm === "string" ? String(value)
      : Array.isArray(value) ? [...value]
      : value;
  }
  body._links = { self: { href: "/api/security" } };
  return body;
}

/**
 * ONTAP enables every protocol at or above the lowest one asked for: `["TLSv1.2"]` reads back as
 * `["TLSv1.3", "TLSv1.2"]`. The result is highest first. Callers validate the names first.
 */
export function expandProtocolVersions(requested: readonly string[]): string[] {
  const lowest = Math.min(...requested.map((name) => TLS_PROTOCOL_LADDER.indexOf(name as (typeof TLS_PROTOCOL_LADDER)[number])));
  return TLS_PROTOCOL_LADDER.slice(lowest).reverse();
}

/**
 * What the cluster stores for a requested suite list. Simulator choice [cipher-suites-stored]: deduplicated
 * and sorted (ONTAP may reorder, so clients must compare as sets), with the TLS 1.3 suites kept while
 * TLSv1.3 is enabled.
 */
export function storedCipherSuites(requested: readonly string[], protocolVersions: readonly string[]): string[] {
  const suites = new Set(requested);
  if (protocolVersions.includes("TLSv1.3")) TLS13_CIPHER_SUITES.forEach((suite) => suites.add(suite));
  return [...suites].sort();
}

/**
 * The protocols left after FIPS is switched on: from 9.11.1 only TLSv1.3/1.2 remain; before that only
 * SSLv3 and TLSv1 are dropped. Disabling FIPS later re-enables nothing.
 */
export function protocolsAfterFipsEnabled(version: OntapVersion, protocols: readonly string[]): string[] {
  const banned = atLeast(version, "9.11.1") ? ["SSLv3", "TLSv1", "TLSv1.1"] : ["SSLv3", "TLSv1"];
  return protocols.filter((protocol) => !banned.includes(protocol));
}
