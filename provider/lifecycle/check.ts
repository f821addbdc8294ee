/**
 * Validation of the resource's inputs: pure, run by `check` before anything else, so that bad input
 * fails `pulumi preview` with a message that names the field, the value and what is allowed.
 */
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { baseUrlOf } from "../ontap/transport";
import { validationProblems } from "../ontap/decode";
import { fieldRow } from "../ontap/securityFields";
import { caCertificateProblem, emptyArgumentProblem, usernameProblem } from "./connection";
import { ClusterSecurityInputs } from "./model";
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

/** Values of these are never shown in a message. */
const SECRET_ARGUMENTS = new Set(["password", "clientKey"]);

/**
 * Failures as the engine may print them. It prints `property <p> value <v> has a problem`, taking `v`
 * from the program's inputs in clear even when it is a secret (whatever inputs check returns); a
 * failure with no property prints only the reason. So a failure on a secret argument, or on a `host`
 * that may carry a credential (any `@`), goes without its property: its reason names the argument.
 */
export function unprintedSecrets(failures: InputFailure[], news: unknown): InputFailure[] {
  const host = isRecord(news) ? news.host : undefined;
  const hostMayCarryCredential = typeof host === "string" && host.includes("@");
  const unprinted = (property: string) => SECRET_ARGUMENTS.has(property) || (property === "host" && hostMayCarryCredential);
  return failures.map((failure) => (unprinted(failure.property) ? { property: "", reason: failure.reason } : failure));
}

const JOB_TIMEOUT_RANGE = { min: 1, max: 7 * 24 * 3600 };

function show(property: string, value: unknown): string {
  return SECRET_ARGUMENTS.has(property) ? "(hidden)" : JSON.stringify(value);
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
      failures.push({ property, reason: `${problem.path} is ${show(property, problem.value)}; expected ${problem.expected}` });
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
