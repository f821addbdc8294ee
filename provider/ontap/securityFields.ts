/**
 * The fields of `/api/security`, one row each: ONTAP's dotted name, the release that has it, its JSON
 * type, whether PATCH may set it, how an asked value compares with what the cluster then reports,
 * whether it is one-way or needs a reboot; and, beside the table, ONTAP's rules between two fields.
 * The wire codecs, the `fields=` of every GET, the version gates, the read-back judgement, the guard
 * that never sends a one-way change twice and the program's cross-setting rules are all derived from
 * these; apart from the program's table of settings, nothing else names a field.
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/get-security.html
 * @see ../../docs/ontap-api.md
 */
import * as t from "io-ts";

/** ONTAP sends error and status codes as strings in real traffic and as integers in some docs. */
export const OntapCode = t.union([t.string, t.number], "OntapCode");
export type OntapCode = t.TypeOf<typeof OntapCode>;

/** TLS protocol versions from oldest to newest, as ONTAP names them. */
export const TLS_VERSIONS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** The oldest version in a list, or undefined for an empty list or unknown names. */
export function lowestTlsVersion(versions: readonly string[]): TlsVersion | undefined {
  const ranks = versions.map((v) => TLS_VERSIONS.indexOf(v as TlsVersion)).filter((r) => r >= 0);
  return ranks.length === 0 ? undefined : TLS_VERSIONS[Math.min(...ranks)];
}

/** What ONTAP enables for a list: every version from the lowest listed up, oldest first. */
export function expandTlsVersions(versions: readonly string[]): TlsVersion[] {
  const lowest = lowestTlsVersion(versions);
  return lowest === undefined ? [] : TLS_VERSIONS.slice(TLS_VERSIONS.indexOf(lowest));
}

/** A list as the cluster reports it, oldest first (names this package does not know go last). */
export function sortTlsVersions(versions: readonly string[]): string[] {
  const rank = (v: string) => (TLS_VERSIONS.indexOf(v as TlsVersion) < 0 ? TLS_VERSIONS.length : TLS_VERSIONS.indexOf(v as TlsVersion));
  return [...versions].sort((a, b) => rank(a) - rank(b));
}

/**
 * ONTAP enables every version at or above the lowest one listed: asking for `["TLSv1.2"]` reads back
 * `["TLSv1.3", "TLSv1.2"]`. So two lists mean the same when their lowest versions are equal.
 */
function sameLowestVersion(asked: readonly string[], found: readonly string[]): boolean {
  return lowestTlsVersion(asked) !== undefined && lowestTlsVersion(asked) === lowestTlsVersion(found);
}

/** TLS 1.3 suites, which ONTAP keeps whenever TLS 1.3 is on, whatever the list asked for. */
const IMPLICIT_SUITE = /^TLS_(AES_\d+_GCM|AES_128_CCM(_8)?|CHACHA20_POLY1305)_SHA\d+$/;

/** True for a TLS 1.3 suite, which ONTAP keeps on its own whenever TLS 1.3 is on. */
export function isImplicitSuite(suite: string): boolean {
  return IMPLICIT_SUITE.test(suite);
}

/**
 * Suites compare as sets: ONTAP may reorder them and adds the TLS 1.3 suites on its own. Every asked
 * suite must be present, and any extra one must be such an implicit suite.
 */
function sameSuites(asked: readonly string[], found: readonly string[]): boolean {
  const want = new Set(asked);
  const have = new Set(found);
  return [...want].every((s) => have.has(s)) && [...have].every((s) => want.has(s) || isImplicitSuite(s));
}

const strings = t.array(t.string, "string[]");

/**
 * How a field's values compare, when not by strict equality. Each kind is one rule of ONTAP's:
 * - `tls-versions`: ONTAP enables every version at or above the lowest one listed, so two lists mean the
 *   same when their lowest versions are equal;
 * - `cipher-suites`: a set; ONTAP may reorder it and adds the TLS 1.3 suites on its own.
 */
export type ValueKind = "tls-versions" | "cipher-suites";

const KIND_MATCHES: Record<ValueKind, (asked: readonly string[], found: readonly string[]) => boolean> = {
  "tls-versions": sameLowestVersion,
  "cipher-suites": sameSuites,
};

/** One wire field. */
export interface FieldRow<C extends t.Mixed = t.Mixed> {
  /** The first release whose `/api/security` has it (asking `fields=` for it earlier is a 400). */
  readonly since: string;
  readonly codec: C;
  /** PATCH may set it (from 9.8, when `/api/security` took PATCH at all). */
  readonly writable: boolean;
  /** How the cluster's value satisfies the asked one; strict equality when absent. */
  readonly kind?: ValueKind;
  /** Releases before this one apply a change only after each node is rebooted. */
  readonly rebootBefore?: string;
  /** Why `true` can never be set back to `false`, when that is so: nothing may try, or send `true` twice blindly. */
  readonly oneWay?: string;
  /**
   * Values of another field that show that `true` was asked and is still being carried out, whatever this
   * field reads meanwhile: the asked `true` counts as there, and is not sent again.
   */
  readonly underWay?: { readonly field: string; readonly values: readonly string[] };
  /**
   * Fields that ONTAP refuses in the same PATCH when both this one and that one are `true`, from a release
   * on, with its code: such values go in separate PATCHes.
   */
  readonly notInOnePatchWith?: readonly { readonly field: string; readonly code: string; readonly since: string }[];
}

/** Every field of `/api/security` this package reads or writes. */
export const SECURITY_FIELDS = {
  "onboard_key_manager_configurable_status.supported": { since: "9.7.0", codec: t.boolean, writable: false },
  "onboard_key_manager_configurable_status.message": { since: "9.7.0", codec: t.string, writable: false },
  // `code` is 0 when the onboard key manager can be configured.
  "onboard_key_manager_configurable_status.code": { since: "9.7.0", codec: OntapCode, writable: false },
  // Switches to validated crypto modules; until 9.9.1 each node must then be rebooted.
  "fips.enabled": { since: "9.8.0", codec: t.boolean, writable: true, rebootBefore: "9.9.1" },
  // `true` starts converting metadata volumes and non-NAE aggregates to encrypted: one-way.
  "software_data_encryption.conversion_enabled": {
    since: "9.8.0",
    codec: t.boolean,
    writable: true,
    oneWay: "converting a cluster to software data encryption cannot be undone",
    // From 9.16.1 a conversion goes on after its job ended; whether this field reads true meanwhile is not
    // documented. Sending it again while it runs is refused (196608370).
    underWay: { field: "software_data_encryption.encryption_state", values: ["encrypting", "conversion_paused"] },
    notInOnePatchWith: [{ field: "software_data_encryption.disabled_by_default", code: "196608388", since: "9.16.1" }],
  },
  "software_data_encryption.disabled_by_default": { since: "9.8.0", codec: t.boolean, writable: true },
  "software_data_encryption.encryption_state": { since: "9.16.1", codec: t.string, writable: false },
  "tls.protocol_versions": { since: "9.10.1", codec: strings, writable: true, kind: "tls-versions" },
  "tls.cipher_suites": { since: "9.10.1", codec: strings, writable: true, kind: "cipher-suites" },
  // Hardware (NIC) offload of TLS, cluster-wide (every node on 9.19.1); off on a fresh cluster.
  "tls.offload_enabled": { since: "9.19.1", codec: t.boolean, writable: true },
  "management_protocols.rsh_enabled": { since: "9.10.1", codec: t.boolean, writable: true },
  "management_protocols.telnet_enabled": { since: "9.10.1", codec: t.boolean, writable: true },
} as const satisfies Record<string, FieldRow>;

/** A field's dotted wire name: `tls.protocol_versions`. */
export type SecurityField = keyof typeof SECURITY_FIELDS;
/** The fields PATCH may set. */
export type WritableField = { [F in SecurityField]: (typeof SECURITY_FIELDS)[F]["writable"] extends true ? F : never }[SecurityField];
/** The JSON type of a field's value. */
export type FieldValue<F extends SecurityField> = t.TypeOf<(typeof SECURITY_FIELDS)[F]["codec"]>;

/** Every field, in the table's order. */
export const FIELD_NAMES = Object.keys(SECURITY_FIELDS) as SecurityField[];

/** One value a list field may not hold while a switch is on, and how sure this package is of it. */
export interface RefusedValue {
  readonly value: string;
  /** ONTAP's error code when documented; undefined when the refusal is inferred. */
  readonly code?: string;
  /** The release from which it applies, when not every release. */
  readonly since?: string;
}

/**
 * Values of an ordered list field that ONTAP refuses while a boolean field is true, whether the PATCH
 * sets that field or the cluster already has it; and turning the switch on turns those values off.
 */
export interface ExclusionRule {
  /** The boolean field whose `true` refuses the values. */
  readonly switch: SecurityField;
  /** The switch's name in messages: `FIPS` (on, off, mode). */
  readonly name: string;
  /** The list field whose values are refused. */
  readonly list: SecurityField;
  /** What one value of the list is, in messages. */
  readonly unit: string;
  /** The list's possible values, lowest first. */
  readonly order: readonly string[];
  readonly refused: readonly RefusedValue[];
}

/**
 * What the ONTAP documentation says:
 * - with FIPS on, ONTAP refuses SSLv3 (error 52428817) and TLSv1 (52428824), and from 9.11.1 TLSv1.1
 *   (52428832, listed from the 9.11.1 reference on); before 9.11.1, TLSv1.1 with FIPS is allowed;
 * - enabling FIPS leaves only TLSv1.2 and TLSv1.3 from ONTAP 9.11.1, and TLSv1.1 and TLSv1.2 before;
 *   disabling FIPS does not re-enable the versions it turned off.
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/patch-security.html
 */
export const EXCLUSION_RULES: readonly ExclusionRule[] = [
  {
    switch: "fips.enabled",
    name: "FIPS",
    list: "tls.protocol_versions",
    unit: "version",
    order: TLS_VERSIONS,
    refused: [
      { value: "SSLv3", code: "52428817" },
      { value: "TLSv1", code: "52428824" },
      { value: "TLSv1.1", code: "52428832", since: "9.11.1" },
    ],
  },
];

/** A field's row, typed loosely for code that handles every field alike. */
export function fieldRow(field: SecurityField): FieldRow {
  return SECURITY_FIELDS[field] as FieldRow;
}

/** Does the cluster's value satisfy the asked one, by the field's own rule? */
export function fieldMatches(field: SecurityField, asked: unknown, found: unknown): boolean {
  const kind = fieldRow(field).kind;
  if (kind === undefined) return asked === found;
  return isStrings(asked) && isStrings(found) && KIND_MATCHES[kind](asked, found);
}

/**
 * The value of the other field that shows an asked `true` is still being carried out (see `underWay`), or
 * undefined. `read` gives a field's value where the caller keeps them.
 */
export function underWayAs(field: SecurityField, asked: unknown, read: (other: SecurityField) => unknown): string | undefined {
  const clause = fieldRow(field).underWay;
  if (clause === undefined || asked !== true) return undefined;
  const value = read(clause.field as SecurityField);
  return typeof value === "string" && clause.values.includes(value) ? value : undefined;
}

/** True when ONTAP refuses `a` and `b` both `true` in one PATCH (on some release: the rule is kept on all). */
export function conflictInOnePatch(a: SecurityField, b: SecurityField): boolean {
  const names = (field: SecurityField, other: SecurityField) => (fieldRow(field).notInOnePatchWith ?? []).some((rule) => rule.field === other);
  return names(a, b) || names(b, a);
}

/** A JSON list of strings (the shape of every list field). */
export const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string");

/** The fields whose `true` is one-way. */
export const ONE_WAY_FIELDS: readonly SecurityField[] = FIELD_NAMES.filter((field) => fieldRow(field).oneWay !== undefined);

/** `tls.protocol_versions` → `["tls", "protocol_versions"]`. */
export function splitField(field: SecurityField): [string, string] {
  const dot = field.indexOf(".");
  return [field.slice(0, dot), field.slice(dot + 1)];
}

/** `a.b` → `a`. */
type GroupOf<P> = P extends `${infer G}.${string}` ? G : never;
/** `a.b` → `b`, for paths in group `G`. */
type LeafOf<P, G extends string> = P extends `${G}.${infer L}` ? L : never;
/** Flattens an intersection into one object type, as a reader (and a type equality) sees it. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * Dotted paths to nested objects: `{ "a.b": X, "a.c": Y }` → `{ a?: { b: X; c?: Y } }`, with the
 * paths of `Required` required within their group and those of `Optional` optional.
 */
export type Nested<Required, Optional = Record<never, never>> = {
  [G in GroupOf<keyof Required | keyof Optional>]?: Simplify<
    { [L in LeafOf<keyof Required, G>]: Required[Extract<`${G}.${L}`, keyof Required>] } & {
      [L in LeafOf<keyof Optional, G>]?: Optional[Extract<`${G}.${L}`, keyof Optional>];
    }
  >;
};

/** Wire values by field, for the fields in `F`. */
export type ValuesOf<F extends SecurityField> = { [P in F]: FieldValue<P> };
