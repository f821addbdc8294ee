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

const NonNegativeInt = t.refinement(t.Int, (n) => n >= 0, "NonNegativeInteger");

/**
 * The allowed values of each scenario switch that takes a string (TypeScript's unions are gone at run
 * time); test/e2e/cliSimulator.test.ts fails when the simulator gains one that is not listed here.
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
  return NonNegativeInt;
}

/** A transport fault (see `TransportFault` in simulator/scenario.ts). */
const TransportFaultCodec = t.exact(
  t.intersection([
    t.type({ kind: t.keyof({ redirect: null, retryAfter: null, hang: null, truncate: null, drip: null, huge: null }) }),
    t.partial({
      method: t.string,
      path: t.string,
      count: NonNegativeInt,
      status: t.Int,
      location: t.string,
      retryAfter: t.string,
      afterWork: t.boolean,
      intervalMs: NonNegativeInt,
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

/** Keys of `value` that `codec` (an exact type, possibly nested) would silently drop, as dotted paths. */
function unknownKeys(codec: t.Mixed, value: unknown, path: string): string[] {
  const type = codec as t.Mixed & { _tag?: string; type?: t.Mixed; props?: t.Props };
  if (type._tag === "ExactType" && type.type !== undefined) return unknownKeys(type.type, value, path);
  if (type._tag === "RefinementType" && type.type !== undefined) return unknownKeys(type.type, value, path);
  if (type._tag === "ArrayType" && type.type !== undefined && Array.isArray(value)) {
    return value.flatMap((item, index) => unknownKeys(type.type as t.Mixed, item, `${path}${path ? "." : ""}${index}`));
  }
  if ((type._tag === "InterfaceType" || type._tag === "PartialType") && type.props !== undefined) {
    if (typeof value !== "object" || value === null) return [];
    const props = type.props;
    return Object.entries(value).flatMap(([key, item]) => {
      const where = `${path}${path ? "." : ""}${key}`;
      const prop = props[key];
      return prop === undefined ? [`${where}: unknown key; allowed: ${Object.keys(props).join(", ")}`] : unknownKeys(prop, item, where);
    });
  }
  return [];
}

/**
 * Decodes a parsed `--config` document into the clusters it asks for, or every problem with it, one line
 * each, naming the path, the value and what is allowed.
 */
export function decodeSimulatorConfig(json: unknown): Either<string[], ClusterOptions[]> {
  const decoded = SimulatorConfig.decode(json);
  if (isLeft(decoded)) return left(describeValidationErrors(decoded.left));
  const problems = unknownKeys(SimulatorConfig, json, "");
  if (decoded.right.clusters.length === 0) problems.push("clusters: got [], expected at least one cluster");
  return problems.length > 0 ? left(problems) : right(decoded.right.clusters as ClusterOptions[]);
}
