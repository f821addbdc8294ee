/**
 * Validation of the resource's inputs: pure, run by `check` before anything else, so that bad input
 * fails `pulumi preview` with a message that names the field, the value and what is allowed.
 */
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { baseUrlOf } from "../ontap/host";
import { validationProblems } from "../ontap/decode";
import { REDACTED } from "../ontap/redact";
import { fieldRow } from "../ontap/securityFields";
import { caCertificateProblem, emptyArgumentProblem, keyInCertificateProblem, usernameProblem } from "./connection";
import { ClusterSecurityInputs, SECRET_CONNECTION_KEYS } from "./model";
import { holdsPrivateKey, onlyCertificates, withoutPrivateKeys } from "./pem";
import { applyRules } from "./rules";
import { MANAGED_GROUPS, MANAGED_ROWS, SettingRow, rowsOf, valueIn } from "./settings";
import { UNKNOWN, containsUnknown } from "./unknown";

export { UNKNOWN, containsUnknown };

/** A check failure as Pulumi takes it: the top-level property and the reason. */
export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

/** A value that may also be Pulumi's unknown marker (only during preview). */
const maybe = <C extends t.Mixed>(codec: C) => t.union([codec, t.literal(UNKNOWN)], codec.name);

/** A setting's input codec: its wire type, where any part may be unknown during preview. */
function inputCodec(row: SettingRow): t.Mixed {
  const codec = fieldRow(row.wire).codec;
  return codec instanceof t.ArrayType ? maybe(t.array(maybe(codec.type as t.Mixed), codec.name)) : maybe(codec);
}

/** One codec per group of managed settings, named as messages show it: `{ enabled?: boolean }`. */
const Settings: t.Props = Object.fromEntries(
  MANAGED_GROUPS.map((group) => {
    const rows = rowsOf(group, MANAGED_ROWS);
    const name = `{ ${rows.map((row) => `${row.key}?: ${fieldRow(row.wire).codec.name}`).join(", ")} }`;
    return [group, maybe(t.exact(t.partial(Object.fromEntries(rows.map((row) => [row.key, inputCodec(row)]))), name))];
  }),
);

/** The inputs' codec: every argument optional, each of its documented type. */
const InputsCodec = t.partial(
  {
    host: maybe(t.string),
    username: maybe(t.string),
    password: maybe(t.string),
    insecure: maybe(t.boolean),
    caCertificate: maybe(t.string),
    clientCertificate: maybe(t.string),
    clientKey: maybe(t.string),
    jobTimeoutSeconds: maybe(t.number),
    ...Settings,
  },
  "ClusterSecurityArgs",
);

/** Keys the engine adds to every dynamic resource's inputs: its own bookkeeping, not the program's. */
export const RESERVED: ReadonlySet<string> = new Set(["__provider"]);
const ARGUMENTS = Object.keys(InputsCodec.props);
const SUBFIELDS: Record<string, string[]> = Object.fromEntries(
  MANAGED_GROUPS.map((group) => [group, rowsOf(group, MANAGED_ROWS).map((row) => row.key)]),
);

/** Arguments whose values are secrets: never shown in a message, never named to the engine. */
const SECRET_ARGUMENTS: ReadonlySet<string> = new Set(SECRET_CONNECTION_KEYS);
/** Arguments that hold PEM certificates: public, as long as they hold certificates and nothing else. */
const CERTIFICATE_ARGUMENTS = new Set(["caCertificate", "clientCertificate"]);

/** The secret values among the inputs, for recognising them wherever else they were put. */
function secretsIn(news: Record<string, unknown>): string[] {
  return [...SECRET_ARGUMENTS].map((key) => news[key]).filter((value): value is string => typeof value === "string" && value !== "" && value !== UNKNOWN);
}

/** A value as text, whatever it holds (a BigInt included), for looking into it: never thrown on. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? `${inner}n` : inner)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when the text may hold a secret: a private key, or a secret argument's value put somewhere else. */
function mayHoldSecret(text: string, secrets: readonly string[]): boolean {
  return holdsPrivateKey(text) || secrets.some((secret) => spellingsOf(secret).some((spelling) => text.includes(spelling)));
}

/** A secret as it may be written: as it is, and escaped inside a JSON string. */
function spellingsOf(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1)])];
}

/**
 * Whether the engine may print the value of `property` from `news`. It prints `property <p> value <v>
 * has a problem`, taking `v` from the program's own inputs in clear, even when it is a secret (and
 * whatever inputs check returns). So a property is named only when its value is known to hold no
 * secret: never a secret argument; never an argument that is not ClusterSecurity's (a misspelt
 * `pasword` holds what its name says); never a value holding a private key or a secret argument's
 * value (arguments swapped); a certificate argument only when it holds certificates and nothing else;
 * a `host` only without an `@` (a credential) and a `username` only without a `:` (`user:password`).
 */
function printable(property: string, news: Record<string, unknown>): boolean {
  if (SECRET_ARGUMENTS.has(property) || !ARGUMENTS.includes(property)) return false;
  const value = news[property];
  if (value === undefined || value === null || typeof value === "boolean" || typeof value === "number" || value === UNKNOWN) return true;
  const text = textOf(value);
  if (mayHoldSecret(text, secretsIn(news))) return false;
  if (CERTIFICATE_ARGUMENTS.has(property)) return onlyCertificates(text);
  if (property === "host") return !text.includes("@");
  if (property === "username") return !text.includes(":");
  return true;
}

/**
 * Failures as the engine may print them: a failure whose property is not {@link printable} goes
 * without it (the engine then prints only the reason, which names the argument in words; see
 * `issueCheckFailures` in pulumi/pkg/resource/deploy/step_generator.go).
 */
export function unprintedSecrets(failures: InputFailure[], news: unknown): InputFailure[] {
  const inputs = isRecord(news) ? news : {};
  return failures.map(({ property, reason }) => ({
    property: property === "" || printable(property, inputs) ? property : "",
    reason: withoutSecrets(reason, secretsIn(inputs)),
  }));
}

/**
 * A reason with any private key and any secret argument's value taken out. Reasons quote bad values
 * (a host, a list's member) and the rules that word them cannot all know which value is secret: a key
 * pasted into a TLS list, a password pasted as the host. This is the last word before the engine.
 */
function withoutSecrets(reason: string, secrets: readonly string[]): string {
  let text = withoutPrivateKeys(reason, "(a private key, not shown)");
  for (const secret of secrets) {
    for (const spelling of spellingsOf(secret)) text = text.split(spelling).join(REDACTED);
  }
  return text;
}

const JOB_TIMEOUT_RANGE = { min: 1, max: 7 * 24 * 3600 };

/** A bad value as a message quotes it: hidden when it is, or may hold, a secret. */
function show(property: string, value: unknown, secrets: readonly string[]): string {
  const text = textOf(value);
  if (SECRET_ARGUMENTS.has(property) || mayHoldSecret(text, secrets)) return "(hidden)";
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? `${text} (a BigInt)` : text;
}

/**
 * Validates inputs. `olds` are the previous inputs (empty on create): they let the one-way rule be
 * enforced before anything is sent. Returns every failure at once, not just the first.
 */
export function validateInputs(olds: unknown, news: unknown): InputFailure[] {
  // The engine always sends objects; anything else is answered, never thrown on.
  if (!isRecord(news)) {
    return [{ property: "inputs", reason: `the inputs are ${news === null ? "null" : typeof news}; expected an object of ClusterSecurity's arguments` }];
  }
  return validateRecord(isRecord(olds) ? olds : {}, news);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function validateRecord(olds: Record<string, unknown>, news: Record<string, unknown>): InputFailure[] {
  const failures: InputFailure[] = [];
  for (const key of Object.keys(news)) {
    if (RESERVED.has(key) || news[key] === undefined) continue;
    if (!ARGUMENTS.includes(key)) {
      failures.push({ property: key, reason: `${key} is not an argument of ClusterSecurity; the arguments are ${ARGUMENTS.join(", ")}` });
      continue;
    }
    const value = news[key];
    const subfields = SUBFIELDS[key];
    if (subfields && value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const sub of Object.keys(value)) {
        if (!subfields.includes(sub)) {
          failures.push({ property: key, reason: `${key}.${sub} is not a setting; ${key} takes ${subfields.join(", ")}` });
        }
      }
    }
  }
  const decoded = InputsCodec.decode(news);
  if (E.isLeft(decoded)) {
    // Each bad value fails every member of its `maybe(…)` union: keep the real type's complaint only.
    const unknownLiteral = JSON.stringify(UNKNOWN);
    for (const problem of validationProblems(decoded.left)) {
      if (problem.expected === unknownLiteral) continue;
      const property = problem.path.split(".")[0];
      if (!ARGUMENTS.includes(property)) continue;
      failures.push({ property, reason: `${problem.path} is ${show(property, problem.value, secretsIn(news))}; expected ${problem.expected}` });
    }
    return dedupeFailures(failures);
  }
  if (failures.length > 0) return failures;
  return [...semanticFailures(news as ClusterSecurityInputs), ...oneWayFailures(olds, news as ClusterSecurityInputs)];
}

function dedupeFailures(failures: InputFailure[]): InputFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const key = `${f.property}\u0000${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const known = <T>(value: T | undefined): value is T => value !== undefined && !containsUnknown(value);

/** Rules beyond types: what ONTAP would refuse or silently do differently. */
function semanticFailures(inputs: ClusterSecurityInputs): InputFailure[] {
  const failures: InputFailure[] = [];
  if (known(inputs.host)) {
    if (inputs.host === "") {
      failures.push({ property: "host", reason: emptyArgumentProblem("host") });
    } else {
      try {
        baseUrlOf(inputs.host);
      } catch (error) {
        failures.push({ property: "host", reason: (error as Error).message });
      }
    }
  }
  if (known(inputs.username)) {
    const problem = inputs.username === "" ? emptyArgumentProblem("username") : usernameProblem(inputs.username);
    if (problem !== undefined) failures.push({ property: "username", reason: problem });
  }
  if (inputs.password === "") failures.push({ property: "password", reason: emptyArgumentProblem("password") });
  if (known(inputs.caCertificate)) {
    const problem = inputs.caCertificate === "" ? emptyArgumentProblem("caCertificate") : caCertificateProblem(inputs.caCertificate);
    if (problem !== undefined) failures.push({ property: "caCertificate", reason: problem });
  }
  if (known(inputs.clientCertificate)) {
    const key = known(inputs.clientKey) ? { value: inputs.clientKey, from: "argument" } : undefined;
    const problem = keyInCertificateProblem({ value: inputs.clientCertificate, from: "argument" }, key);
    if (problem !== undefined) failures.push({ property: "clientCertificate", reason: problem });
  }
  const timeout = inputs.jobTimeoutSeconds;
  if (known(timeout) && (!Number.isInteger(timeout) || timeout < JOB_TIMEOUT_RANGE.min || timeout > JOB_TIMEOUT_RANGE.max)) {
    failures.push({
      property: "jobTimeoutSeconds",
      reason: `jobTimeoutSeconds is ${timeout}; allowed: a whole number of seconds from ${JOB_TIMEOUT_RANGE.min} to ${JOB_TIMEOUT_RANGE.max}`,
    });
  }
  for (const row of MANAGED_ROWS) {
    const value = valueIn(inputs, row);
    if (row.rules === undefined || !known(value)) continue;
    const rules = row.rules as (value: unknown) => string[];
    failures.push(...rules(value).map((reason) => ({ property: row.group, reason })));
  }
  // Rules across settings that the program alone decides (a switch asked on, with a value it refuses);
  // preview adds the ones that need the cluster's release and settings.
  failures.push(...applyRules(inputs).violations.map(({ property, reason }) => ({ property, reason })));
  return failures;
}

/** A one-way setting cannot go from true back to false: refuse a program that asks to. */
function oneWayFailures(olds: Record<string, unknown>, news: ClusterSecurityInputs): InputFailure[] {
  return MANAGED_ROWS.filter((row) => row.oneWay !== undefined && valueIn(olds, row) === true && valueIn(news, row) === false).map(
    (row) => ({ property: row.group, reason: irreversibleReason(row) }),
  );
}

/** The one-way rule, in the words every refusal uses. */
export function irreversibleReason(row: SettingRow): string {
  return (
    `${row.setting} cannot go from true to false: ${row.oneWay ?? "it is one-way"}. Remove ${row.key} from the program ` +
    "(or set it back to true); removing it changes nothing on the cluster"
  );
}
