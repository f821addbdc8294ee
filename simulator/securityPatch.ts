// Reading a `PATCH /api/security` body the way ONTAP does: nested, dotted or mixed; every field checked
// against the release before anything happens. Pure functions; the cluster turns the result into a job.

import {
  OntapFailure,
  invalidFieldValue,
  ontapFailure,
  unexpectedArgument,
} from "./ontapError";
import { encryptionCode } from "./encryptionCodes";
import { OntapVersion, atLeast } from "./ontapVersion";
import { FieldSpec, SecurityState, TLS_PROTOCOL_LADDER, expandProtocolVersions, fieldsOf } from "./securityState";

/** A validated PATCH: only what the body asked for, each value of the right type. */
export interface SecurityPatch {
  fips?: { enabled: boolean };
  tls?: { protocol_versions?: string[]; cipher_suites?: string[]; offload_enabled?: boolean };
  management_protocols?: { rsh_enabled?: boolean; telnet_enabled?: boolean };
  software_data_encryption?: { conversion_enabled?: boolean; disabled_by_default?: boolean; rekey?: boolean };
}

/**
 * Flattens a JSON body into dotted leaf paths: `{"tls":{"protocol_versions":[…]},"fips.enabled":true}` gives
 * `tls.protocol_versions` and `fips.enabled`. Arrays and scalars are leaves. Simulator choice [body-merge]:
 * a field given twice (nested and dotted) takes the later value.
 */
export function flattenBody(body: Record<string, unknown>, prefix = ""): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isPlainObject(value)) {
      for (const [leaf, leafValue] of flattenBody(value, path)) leaves.set(leaf, leafValue);
    } else {
      leaves.set(path, value);
    }
  }
  return leaves;
}

/**
 * Checks a parsed body against the fields `version` can write and returns the typed patch, or ONTAP's 400:
 * `262179` "Unexpected argument" for a field that is unknown, read-only, or from a later release (ONTAP's
 * general rule; unconfirmed for this endpoint), and an invalid-value error for a wrong type or value.
 */
export function parseSecurityPatch(version: OntapVersion, body: unknown): SecurityPatch | OntapFailure {
  if (!isPlainObject(body)) return invalidFieldValue("body", body, "<JSON object>");
  const writable = new Map<string, FieldSpec>(fieldsOf(version).filter((field) => field.writable).map((field) => [field.path, field]));
  const patch: SecurityPatch = {};
  for (const [path, value] of flattenBody(body)) {
    const spec = writable.get(path);
    if (spec === undefined) {
      // Simulator choice [wrong-type]: `{"fips": 5}` names a known group with a non-object value: a type error, not an unknown field.
      if ([...writable.keys()].some((known) => known.startsWith(`${path}.`))) return invalidFieldValue(path, value, "<object>");
      return unexpectedArgument(path);
    }
    const failure = checkValue(spec, value);
    if (failure) return failure;
    const [group, name] = path.split(".") as [keyof SecurityPatch, string];
    const target = (patch[group] ??= {} as never) as Record<string, unknown>;
    target[name] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return patch;
}

/**
 * The checks ONTAP makes against the request and the cluster's current settings before it starts a job:
 * - SSLv3 / TLSv1 asked for while FIPS is on or being switched on: `52428817` / `52428824` (documented).
 * - TLSv1.1 likewise from 9.11.1: `52428832` (documented from the 9.11.1 reference on).
 * - telnet or rsh switched on while FIPS is on or being switched on: `5636145` "not supported when cluster
 *   security is configured with FIPS mode" (the documented code; tying it to these protocols is a guess).
 * - from 9.16.1, what the body alone rules out for software data encryption (`encryptionCodes.ts`, cause
 *   `request`): `conversion_enabled: false` (`196608387`), `conversion_enabled` with `disabled_by_default`
 *   (`196608388`) or with `rekey` (`196608389`), `rekey: false` (`196608390`), `rekey` with
 *   `disabled_by_default` (`196608391`); and a conversion or rekey while one runs (`196608370`, and from 9.17.1
 *   `196608371` for a rekey).
 * - before 9.16.1, `software_data_encryption.conversion_enabled: false` once it is true: `196608085`,
 *   because a conversion cannot be reverted.
 */
export function checkPatchAgainstState(version: OntapVersion, state: SecurityState, patch: SecurityPatch): OntapFailure | undefined {
  const fipsAfter = patch.fips?.enabled ?? state.fips?.enabled ?? false;
  const protocols = patch.tls?.protocol_versions;
  if (fipsAfter && protocols !== undefined) {
    if (protocols.includes("SSLv3")) return ontapFailure(400, "52428817", "SSLv3 is not supported when FIPS is enabled.", "tls.protocol_versions", ["SSLv3"]);
    if (protocols.includes("TLSv1")) return ontapFailure(400, "52428824", "TLSv1 is not supported when FIPS is enabled.", "tls.protocol_versions", ["TLSv1"]);
    if (atLeast(version, "9.11.1") && protocols.includes("TLSv1.1")) {
      return ontapFailure(400, "52428832", "TLSv1.1 is not supported when FIPS is enabled.", "tls.protocol_versions", ["TLSv1.1"]);
    }
  }
  const management = patch.management_protocols;
  if (fipsAfter && (management?.telnet_enabled === true || management?.rsh_enabled === true)) {
    const field = management.telnet_enabled === true ? "management_protocols.telnet_enabled" : "management_protocols.rsh_enabled";
    // Simulator choice [telnet-rsh-under-fips]: the reference documents 5636145 for this endpoint without saying what triggers it;
    // telnet and rsh are the plain-text protocols FIPS mode rules out.
    return ontapFailure(400, "5636145", "Enabling Telnet or RSH is not supported when cluster security is configured with FIPS mode.", field, [field]);
  }
  const encryption = patch.software_data_encryption;
  if (atLeast(version, "9.16.1") && encryption !== undefined) {
    const refused = (code: number, target: string): OntapFailure => ontapFailure(400, String(code), encryptionCode(code)?.message ?? "", target);
    if (encryption.conversion_enabled === false) return refused(196608387, "software_data_encryption.conversion_enabled");
    if (encryption.rekey === false) return refused(196608390, "software_data_encryption.rekey");
    if (encryption.conversion_enabled === true && encryption.disabled_by_default === true) return refused(196608388, "software_data_encryption.conversion_enabled");
    if (encryption.conversion_enabled === true && encryption.rekey === true) return refused(196608389, "software_data_encryption.rekey");
    if (encryption.rekey === true && encryption.disabled_by_default === true) return refused(196608391, "software_data_encryption.rekey");
    const running = state.software_data_encryption?.encryption_state;
    if (encryption.conversion_enabled === true || encryption.rekey === true) {
      if (running === "encrypting" || running === "conversion_paused") return refused(196608370, encryption.rekey === true ? "software_data_encryption.rekey" : "software_data_encryption.conversion_enabled");
      if (running === "rekeying" || running === "rekey_paused") {
        return refused(atLeast(version, "9.17.1") ? 196608371 : 196608370, encryption.rekey === true ? "software_data_encryption.rekey" : "software_data_encryption.conversion_enabled");
      }
    }
    return undefined;
  }
  if (encryption?.conversion_enabled === false && state.software_data_encryption?.conversion_enabled === true) {
    // Simulator choice [conversion-disable]: before 9.16.1 (which documents 196608387), code 196608085 and a refusal at all.
    return ontapFailure(
      400,
      "196608085",
      "Software data encryption conversion cannot be disabled after it has been enabled.",
      "software_data_encryption.conversion_enabled",
    );
  }
  return undefined;
}

/** The protocol list the cluster will store for `patch`, or undefined when the patch leaves TLS alone. */
export function requestedProtocols(patch: SecurityPatch): string[] | undefined {
  const requested = patch.tls?.protocol_versions;
  return requested === undefined ? undefined : expandProtocolVersions(requested);
}

function checkValue(spec: FieldSpec, value: unknown): OntapFailure | undefined {
  switch (spec.type) {
    case "boolean":
      return typeof value === "boolean" ? undefined : invalidFieldValue(spec.path, value, "<true|false>");
    case "string":
      return typeof value === "string" ? undefined : invalidFieldValue(spec.path, value, "<string>");
    case "integer":
      return Number.isInteger(value) ? undefined : invalidFieldValue(spec.path, value, "<integer>");
    case "string[]":
      return checkStringList(spec.path, value);
  }
}

function checkStringList(path: string, value: unknown): OntapFailure | undefined {
  // Simulator choice [wrong-type]: an empty list is refused, as are unknown protocols and suites not named the IANA way.
  if (!Array.isArray(value) || value.length === 0) return invalidFieldValue(path, value, "<non-empty list of strings>");
  for (const item of value) {
    if (typeof item !== "string") return invalidFieldValue(path, item, "<string>");
    if (path === "tls.protocol_versions" && !(TLS_PROTOCOL_LADDER as readonly string[]).includes(item)) {
      return invalidFieldValue(path, item, TLS_PROTOCOL_LADDER.join("|"));
    }
    // IANA names only; a typo in a suite name must not be stored silently.
    if (path === "tls.cipher_suites" && !/^TLS_[A-Z0-9_]+$/.test(item)) return invalidFieldValue(path, item, "<IANA cipher suite name>");
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
