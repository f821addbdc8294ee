/**
 * The `--config` file of `pulumi-ontap-security simulator`: JSON giving each cluster its release, name,
 * uuid, initial settings (ONTAP's own snake_case fields) and faults (the simulator's scenario switches):
 *
 *     { "clusters": [ { "version": "9.16.1", "security": { "management_protocols": { "telnet_enabled": true } },
 *                       "scenario": { "jobDurationMs": 2000 } } ] }
 *
 * Decoded at the edge: an unknown key or a value of the wrong type is refused with its path, the value
 * and what is allowed, before anything starts.
 */
import * as t from "io-ts";
import { Either, isLeft, left, right } from "fp-ts/Either";

import { describeValidationErrors } from "../provider/ontap/decode";
import type { ClusterOptions } from "../simulator";
import { defaultScenario } from "../simulator/scenario";
import { SECURITY_FIELDS, type FieldType } from "../simulator/securityState";

const FIELD_CODECS: Record<FieldType, t.Mixed> = {
  boolean: t.boolean,
  string: t.string,
  integer: t.Int,
  "string[]": t.array(t.string),
};

/** Initial settings: every readable field of `/api/security`, by group, typed as the simulator's field table says. */
const SecurityInit = t.exact(
  t.partial(
    Object.fromEntries(
      [...new Set(SECURITY_FIELDS.map((field) => field.path.split(".")[0] as string))].map((group) => [
        group,
        t.exact(
          t.partial(
            Object.fromEntries(
              SECURITY_FIELDS.filter((field) => field.readable && field.path.startsWith(`${group}.`)).map((field) => [
                field.path.slice(group.length + 1),
                FIELD_CODECS[field.type],
              ]),
            ),
          ),
        ),
      ]),
    ),
  ),
  "SecurityInit",
);

/** A count: a whole number from 0 that arithmetic keeps exact. */
const NonNegativeInt = t.refinement(t.Int, (n) => n >= 0 && n <= Number.MAX_SAFE_INTEGER, `NonNegativeInteger (0 to ${Number.MAX_SAFE_INTEGER})`);

/**
 * The longest delay Node.js can time: `setTimeout` takes a signed 32-bit count of milliseconds, and
 * silently runs a longer one after 1 ms (so `1e300` would be no delay at all).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** A duration in milliseconds, every one of which the simulator gives to `setTimeout`. */
const DurationMs = t.refinement(t.Int, (n) => n >= 0 && n <= MAX_DURATION_MS, `DurationMs (a whole number of milliseconds, 0 to ${MAX_DURATION_MS})`);

/** An HTTP status a server can send. */
const HttpStatus = t.refinement(t.Int, (n) => n >= 100 && n <= 599, "HttpStatus (100 to 599)");

/** A switch or field whose name ends in `Ms` is a duration. */
const isDuration = (name: string): boolean => name.endsWith("Ms");

/**
 * The allowed values of each scenario switch that takes a string (TypeScript's unions are gone at run
 * time); test/cliSimulatorInput.test.ts fails when the simulator gains one that is not listed here.
 */
export const SCENARIO_CHOICES: Readonly<Record<string, readonly string[]>> = {
  failedJobAnswer: ["error", "job"],
  preconditionErrors: ["job", "patch"],
  jobLinkForm: ["uuid-and-links", "uuid"],
  okmCodeForm: ["integer", "string"],
  errorCodeForm: ["string", "integer"],
};

function switchCodec(name: string, byDefault: unknown): t.Mixed {
  const choices = SCENARIO_CHOICES[name];
  if (choices !== undefined) return t.keyof(Object.fromEntries(choices.map((choice) => [choice, null])) as Record<string, null>);
  if (typeof byDefault === "boolean") return t.boolean;
  return isDuration(name) ? DurationMs : NonNegativeInt;
}

/** A transport fault (see `TransportFault` in simulator/scenario.ts). */
const TransportFaultCodec = t.exact(
  t.intersection([
    t.type({ kind: t.keyof({ redirect: null, retryAfter: null, hang: null, truncate: null, drip: null, huge: null }) }),
    t.partial({
      method: t.string,
      path: t.string,
      count: NonNegativeInt,
      status: HttpStatus,
      location: t.string,
      retryAfter: t.string,
      afterWork: t.boolean,
      intervalMs: DurationMs,
      bytes: NonNegativeInt,
      declareLength: t.boolean,
    }),
  ]),
  "TransportFault",
);

/**
 * The scenario switches, typed by the simulator's own defaults (a boolean, a count or duration, or one of
 * {@link SCENARIO_CHOICES}), so a switch the simulator gains is accepted here without another list.
 */
export const ScenarioOverrides = t.exact(
  t.partial({
    ...Object.fromEntries(Object.entries(defaultScenario()).map(([name, byDefault]) => [name, switchCodec(name, byDefault)])),
    failNextJobs: t.exact(t.type({ count: NonNegativeInt, code: t.Int, message: t.string })),
    transportFaults: t.array(TransportFaultCodec),
  }),
  "Scenario",
);

const ClusterConfig = t.exact(
  t.partial({ version: t.string, name: t.string, uuid: t.string, security: SecurityInit, scenario: ScenarioOverrides }),
  "Cluster",
);

const SimulatorConfig = t.exact(t.type({ clusters: t.array(ClusterConfig) }), "SimulatorConfig");

/** The properties an exact type (possibly an intersection of them) allows, or undefined for any other codec. */
function propsOf(type: t.Mixed & { _tag?: string; props?: t.Props; types?: t.Mixed[] }): t.Props | undefined {
  if ((type._tag === "InterfaceType" || type._tag === "PartialType") && type.props !== undefined) return type.props;
  if (type._tag === "IntersectionType" && type.types !== undefined) {
    const parts = type.types.map(propsOf);
    return parts.every((part) => part !== undefined) ? Object.assign({}, ...parts) : undefined;
  }
  return undefined;
}

/**
 * Keys of `value` that `codec` (an exact type, possibly nested) would silently drop, as paths with
 * the keys allowed; not their values, which may be anything (a credential in a file given by mistake). Looked up as own properties only: `constructor` or
 * `__proto__` is an unknown key like any other, not a way into `Object.prototype`.
 */
function unknownKeys(codec: t.Mixed, value: unknown, path: string): string[] {
  const type = codec as t.Mixed & { _tag?: string; type?: t.Mixed };
  if (type._tag === "ExactType" && type.type !== undefined) return unknownKeys(type.type, value, path);
  if (type._tag === "RefinementType" && type.type !== undefined) return unknownKeys(type.type, value, path);
  if (type._tag === "ArrayType" && type.type !== undefined && Array.isArray(value)) {
    return value.flatMap((item, index) => unknownKeys(type.type as t.Mixed, item, `${path}[${index}]`));
  }
  const props = propsOf(type);
  if (props === undefined || typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const where = `${path}${path ? "." : ""}${key}`;
    const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
    return prop === undefined
      ? [`${where}: unknown key; allowed: ${Object.keys(props).join(", ")}`]
      : unknownKeys(prop, item, where);
  });
}

/**
 * Decodes a parsed `--config` document into the clusters it asks for, or every problem with it, one line
 * each, naming the path, the value and what is allowed.
 */
export function decodeSimulatorConfig(json: unknown): Either<string[], ClusterOptions[]> {
  const decoded = SimulatorConfig.decode(json);
  const problems = [...(isLeft(decoded) ? describeValidationErrors(decoded.left, "(file)") : []), ...unknownKeys(SimulatorConfig, json, "")];
  if (isLeft(decoded)) return left(problems);
  if (decoded.right.clusters.length === 0) problems.push("clusters: got [], expected at least one cluster");
  return problems.length > 0 ? left(problems) : right(decoded.right.clusters as ClusterOptions[]);
}
