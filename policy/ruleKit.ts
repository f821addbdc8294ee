/**
 * How the baseline's rules read what they are given without ever throwing: a setting of another shape
 * than the model's is reported (failing closed), a rule's own config is checked against its schema
 * before the rule judges anything, and a boolean setting's rule is built from its one wanted value.
 * The rules themselves, and the types they share, are in `policy/baseline.ts`.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";

import type { SettingPath } from "../provider/lifecycle/settings";
import { validationProblems } from "../provider/ontap/decode";
import type { BaselineRule, CommonConfig, ConfigProperty, EnforcementLevel, Shortfall, Source } from "./baseline";

const REQUIRE_IN_PROGRAM: ConfigProperty = {
  type: "boolean",
  description: "Fail also when the program leaves the setting out (it is then only checked on the cluster's reported value).",
  default: false,
};

export const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(", ");

/** The JSON type a rule reads a setting as. */
type Shape = "boolean" | "string" | "string[]";

const SHAPE_WORDS: Record<Shape | "object", string> = { boolean: "true or false", string: "a string", "string[]": "a list of strings", object: "an object" };

/**
 * One setting as read: absent (not given, or null as Pulumi sends an unset value), unknown (a preview's
 * value that CrossGuard throws on when read: not judged), of the expected shape, or of another shape
 * (`at` the setting or its whole group).
 */
type Reading<T> = { state: "absent" } | { state: "unknown" } | { state: "set"; value: T } | { state: "odd"; at: string; value: unknown; expected: string };

/** Reads `setting` (`group.key`) from whatever `settings` is, without ever throwing. */
export function read(settings: unknown, setting: SettingPath, shape: "boolean"): Reading<boolean>;
export function read(settings: unknown, setting: SettingPath, shape: "string"): Reading<string>;
export function read(settings: unknown, setting: SettingPath, shape: "string[]"): Reading<string[]>;
export function read(settings: unknown, setting: SettingPath, shape: Shape): Reading<unknown> {
  const [group, key] = setting.split(".") as [string, string];
  try {
    if (typeof settings !== "object" || settings === null) return { state: "absent" };
    const values: unknown = (settings as Record<string, unknown>)[group];
    if (values === undefined || values === null) return { state: "absent" };
    if (typeof values !== "object" || Array.isArray(values)) return { state: "odd", at: group, value: values, expected: SHAPE_WORDS.object };
    const value: unknown = (values as Record<string, unknown>)[key];
    if (value === undefined || value === null) return { state: "absent" };
    const odd = { state: "odd", at: setting, expected: SHAPE_WORDS[shape] } as const;
    if (shape !== "string[]") return typeof value === shape ? { state: "set", value } : { ...odd, value };
    if (!Array.isArray(value)) return { ...odd, value };
    // Copied inside the try: CrossGuard's proxy throws on an item not known yet.
    const items: unknown[] = Array.from(value as unknown[]);
    return items.every((item) => typeof item === "string") ? { state: "set", value: items } : { ...odd, value: items };
  } catch {
    return { state: "unknown" };
  }
}

/** A value of another shape than the model's: the rule cannot judge it, so it reports it (failing closed). */
export function oddShape(found: { at: string; value: unknown; expected: string }): Shortfall {
  return { setting: found.at, value: found.value, fix: `the baseline cannot judge this value: set ${found.at} to ${found.expected}` };
}

/** A rule's config keys with their JSON-schema properties, `requireInProgram` first. */
export function propertiesOf(rule: Pick<BaselineRule, "config">): Record<string, ConfigProperty> {
  return { requireInProgram: REQUIRE_IN_PROGRAM, ...(rule.config as Record<string, ConfigProperty>) };
}

/** The io-ts codec of one config property, derived from its JSON-schema property. */
function propertyCodec(property: ConfigProperty): t.Mixed {
  if (property.enum !== undefined) return t.keyof(Object.fromEntries(property.enum.map((value) => [value, null])) as Record<string, null>);
  if (property.type === "array") return t.array(t.string, "list of strings");
  return property.type === "boolean" ? t.boolean : t.string;
}

/** CrossGuard's own key in a policy's config entry (the rule's level), which it takes out before the rule sees it. */
const ENFORCEMENT_LEVEL = "enforcementLevel";

/**
 * What is wrong with a rule's config (as the policy config file gives it, or complete): a key the rule
 * does not have, or a value outside its schema, one line each naming the key, the value and what is
 * allowed. CrossGuard checks types and enums itself but drops `additionalProperties` on its way to the
 * engine (it passes a schema's `properties` and `required` only), so a misspelt key would otherwise be
 * ignored and the default enforced: the rules check it here.
 */
export function configProblems(rule: Pick<BaselineRule, "name" | "config">, given: unknown): { key: string; value: unknown; problem: string }[] {
  if (given === undefined || given === null) return [];
  if (typeof given !== "object" || Array.isArray(given)) {
    return [{ key: "", value: given, problem: `the config of ${rule.name} must be an object of settings; allowed keys: ${Object.keys(propertiesOf(rule)).join(", ")}` }];
  }
  const properties = propertiesOf(rule);
  const problems: { key: string; value: unknown; problem: string }[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (key === ENFORCEMENT_LEVEL) continue;
    const property = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    if (property === undefined) {
      problems.push({ key, value, problem: `${rule.name} has no setting "${key}"; allowed: ${Object.keys(properties).join(", ")}` });
      continue;
    }
    const decoded = propertyCodec(property).decode(value);
    if (isLeft(decoded)) {
      const expected = validationProblems(decoded.left)[0]?.expected ?? property.type;
      problems.push({ key, value, problem: `${rule.name}.${key} must be ${expected}` });
    }
  }
  return problems;
}

/** The config problems of `config` as shortfalls: the rule judges nothing and says why. */
function configShortfalls(rule: Pick<BaselineRule, "name" | "config">, config: unknown): Shortfall[] {
  return configProblems(rule, config).map(({ key, value, problem }) => ({
    setting: key === "" ? rule.name : `${rule.name}.${key}`,
    value,
    fix: `${problem}: fix the policy config, until then the rule fails`,
    about: "config" as const,
  }));
}

/** A rule: its description and a judge that sees a valid config only. */
interface RuleDefinition<C extends CommonConfig> extends Omit<BaselineRule<C>, "check"> {
  judge(settings: unknown, config: C, source: Source): Shortfall[];
}

export function defineRule<C extends CommonConfig>(definition: RuleDefinition<C>): BaselineRule<C> {
  const { judge, ...rule } = definition;
  return {
    ...rule,
    check(settings, config, source) {
      const invalid = configShortfalls(rule, config);
      return invalid.length > 0 ? invalid : judge(settings, config, source);
    },
  };
}

/** A boolean setting that must have one value. */
export function booleanRule(
  name: string,
  description: string,
  reference: string,
  enforcementLevel: EnforcementLevel,
  setting: SettingPath,
  wanted: boolean,
  why: string,
): BaselineRule {
  const [group, field] = setting.split(".") as [string, string];
  return defineRule<CommonConfig>({
    name,
    description,
    enforcementLevel,
    reference,
    config: {},
    judge(settings, config, source) {
      const found = read(settings, setting, "boolean");
      const fix = `${why}: set ${group}: { ${field}: ${wanted} }`;
      switch (found.state) {
        case "unknown":
          return [];
        case "absent":
          return source === "program" && config.requireInProgram ? [{ setting, value: undefined, fix }] : [];
        case "odd":
          return [oddShape(found)];
        case "set":
          return found.value === wanted ? [] : [{ setting, value: found.value, fix }];
      }
    },
  });
}
