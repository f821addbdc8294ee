/**
 * Validation of the resource's inputs: pure, run by `check` before anything else, so that bad input
 * fails `pulumi preview` with a message that names the field, the value and what is allowed.
 */
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { baseUrlOf } from "../ontap/transport";
import { validationProblems } from "../ontap/decode";
import { PROTOCOL_VERSIONS, lowestProtocol } from "../ontap/semantics";
import { caCertificateProblem, emptyArgumentProblem, usernameProblem } from "./connection";
import { ClusterSecurityInputs } from "./model";

/** What Pulumi sends for a value not known yet during preview, whatever the value's type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or anything inside it, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** A check failure as Pulumi takes it: the top-level property and the reason. */
export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

/** A value that may also be Pulumi's unknown marker (only during preview). */
const maybe = <C extends t.Mixed>(codec: C) => t.union([codec, t.literal(UNKNOWN)], codec.name);

const Settings = {
  fips: maybe(t.exact(t.partial({ enabled: maybe(t.boolean) }), "{ enabled?: boolean }")),
  softwareDataEncryption: maybe(
    t.exact(
      t.partial({ conversionEnabled: maybe(t.boolean), disabledByDefault: maybe(t.boolean) }),
      "{ conversionEnabled?: boolean, disabledByDefault?: boolean }",
    ),
  ),
  tls: maybe(
    t.exact(
      t.partial({ protocolVersions: maybe(t.array(maybe(t.string))), cipherSuites: maybe(t.array(maybe(t.string))) }),
      "{ protocolVersions?: string[], cipherSuites?: string[] }",
    ),
  ),
  managementProtocols: maybe(
    t.exact(
      t.partial({ rshEnabled: maybe(t.boolean), telnetEnabled: maybe(t.boolean) }),
      "{ rshEnabled?: boolean, telnetEnabled?: boolean }",
    ),
  ),
};

/** The inputs' codec: every argument optional, each of its documented type. */
export const InputsCodec = t.partial(
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

/** Keys the engine adds to every dynamic resource's inputs. */
const RESERVED = new Set(["__provider"]);
const ARGUMENTS = Object.keys(InputsCodec.props);
const SUBFIELDS: Record<string, string[]> = {
  fips: ["enabled"],
  softwareDataEncryption: ["conversionEnabled", "disabledByDefault"],
  tls: ["protocolVersions", "cipherSuites"],
  managementProtocols: ["rshEnabled", "telnetEnabled"],
};

/** Values of these are never shown in a message. */
const SECRET_ARGUMENTS = new Set(["password", "clientKey"]);

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
  const versions = inputs.tls?.protocolVersions;
  if (known(versions)) failures.push(...protocolFailures(versions, inputs.fips?.enabled));
  const suites = inputs.tls?.cipherSuites;
  if (known(suites)) {
    if (suites.length === 0) failures.push({ property: "tls", reason: "tls.cipherSuites is empty; list at least one suite, or leave it out to keep the cluster's" });
    for (const suite of suites) {
      if (!/^TLS_[A-Z0-9_]+$/.test(suite)) {
        failures.push({
          property: "tls",
          reason: `tls.cipherSuites has ${JSON.stringify(suite)}; allowed: IANA suite names such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`,
        });
      }
    }
    if (new Set(suites).size !== suites.length) failures.push({ property: "tls", reason: `tls.cipherSuites lists a suite twice: ${JSON.stringify(suites)}` });
  }
  return failures;
}

function protocolFailures(versions: string[], fipsEnabled: boolean | undefined): InputFailure[] {
  const allowed = PROTOCOL_VERSIONS.join(", ");
  const unknownNames = versions.filter((v) => !(PROTOCOL_VERSIONS as readonly string[]).includes(v));
  if (versions.length === 0) return [{ property: "tls", reason: `tls.protocolVersions is empty; allowed: one or more of ${allowed}` }];
  if (unknownNames.length > 0) {
    return [{ property: "tls", reason: `tls.protocolVersions has ${unknownNames.map((v) => JSON.stringify(v)).join(", ")}; allowed: ${allowed}` }];
  }
  const failures: InputFailure[] = [];
  // ONTAP enables every version at or above the lowest one listed, so a list with a gap says one thing
  // and does another: refuse it rather than let the cluster silently differ from the program.
  const ranks = versions.map((v) => PROTOCOL_VERSIONS.indexOf(v as (typeof PROTOCOL_VERSIONS)[number]));
  const lowest = Math.min(...ranks);
  const highest = Math.max(...ranks);
  const missing = PROTOCOL_VERSIONS.slice(lowest, highest + 1).filter((v) => !versions.includes(v));
  if (missing.length > 0) {
    failures.push({
      property: "tls",
      reason:
        `tls.protocolVersions ${JSON.stringify(versions)} leaves out ${missing.join(", ")}, but ONTAP enables every version ` +
        `at or above the lowest one listed (${lowestProtocol(versions)}); list them all, or raise the lowest`,
    });
  }
  if (fipsEnabled === true) {
    const weak = versions.filter((v) => v === "SSLv3" || v === "TLSv1");
    if (weak.length > 0) {
      failures.push({
        property: "tls",
        reason: `tls.protocolVersions has ${weak.join(" and ")}, which ONTAP refuses while fips.enabled is true (errors 52428817, 52428824); use TLSv1.1 or later`,
      });
    }
  }
  return failures;
}

/** Conversion to software encryption cannot be undone: refuse a program that asks to. */
function oneWayFailures(olds: Record<string, unknown>, news: ClusterSecurityInputs): InputFailure[] {
  const before = (olds as ClusterSecurityInputs).softwareDataEncryption?.conversionEnabled;
  const after = news.softwareDataEncryption?.conversionEnabled;
  return before === true && after === false ? [{ property: "softwareDataEncryption", reason: irreversibleReason() }] : [];
}

/** The one-way rule, in the words every refusal uses. */
export function irreversibleReason(): string {
  return (
    "softwareDataEncryption.conversionEnabled cannot go from true to false: converting a cluster to software " +
    "data encryption cannot be undone. Remove conversionEnabled from the program (or set it back to true); " +
    "removing it changes nothing on the cluster"
  );
}
