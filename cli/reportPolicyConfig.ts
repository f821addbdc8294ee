/**
 * The baseline pack's policy config file, as `pulumi preview|up --policy-pack … --policy-pack-config
 * FILE` takes it, for the fleet report's verdicts: so the report judges with the enforcement levels and
 * rule settings the pack enforces. Read as Pulumi reads it (`all` first, then each policy; a level as a
 * string or as `enforcementLevel` in an object beside the rule's settings); each rule's settings are
 * checked by the rules' own `configProblems`. Stricter than Pulumi in one way: a key that names no
 * policy of the pack is refused (Pulumi ignores it, so a misspelt name would silently judge by default).
 */
import { readFileSync } from "fs";
import { BASELINE_RULES, EnforcementLevel, configProblems } from "../policy/baseline";
import { parseJsonText } from "./jsonText";
import { DEFAULT_RULES, RuleSetting } from "./reportModel";

/** The levels Pulumi accepts. `remediate` reports as `mandatory` for a policy with no remediation, as the baseline's are. */
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
type Level = (typeof LEVELS)[number];

const isLevel = (value: unknown): value is Level => typeof value === "string" && (LEVELS as readonly string[]).includes(value);
const asReported = (level: Level): EnforcementLevel => (level === "remediate" ? "mandatory" : level);
const shown = (value: unknown): string => (value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value)).slice(0, 80));
const LEVEL_CHOICE = `an enforcement level (${LEVELS.map((l) => `"${l}"`).join(", ")})`;

/** A problem of the file at a key, one line: the key, the value, what is allowed. */
class PolicyConfigProblem extends Error {}
const problem = (key: string, value: unknown, allowed: string): PolicyConfigProblem => new PolicyConfigProblem(`key "${key}": value ${shown(value)}: ${allowed}`);

function levelOf(key: string, value: unknown): Level | undefined {
  if (value === undefined) return undefined;
  if (!isLevel(value)) throw problem(key, value, `expected ${LEVEL_CHOICE}`);
  return value;
}

/**
 * The rules as a parsed policy config sets them: every baseline rule, with its level and settings.
 * Throws a one-line problem naming the key, the value and what is allowed.
 */
export function rulesFromPolicyConfig(config: unknown): RuleSetting[] {
  if (config === undefined) return [...DEFAULT_RULES];
  if (config === null || typeof config !== "object" || Array.isArray(config)) throw problem("(file)", config, "expected a JSON object of policy names");
  const entries = config as Record<string, unknown>;
  const names = BASELINE_RULES.map((rule) => rule.name);
  const allowed = `expected "all" or a policy of the baseline pack: ${names.join(", ")}`;
  // Its value is not shown: an unknown key may be anything, a credential in a file given by mistake.
  for (const key of Object.keys(entries)) if (key !== "all" && !names.includes(key)) throw new PolicyConfigProblem(`key "${key}": ${allowed}`);
  const objectOrLevel = (key: string, value: unknown): { level?: Level; settings: Record<string, unknown> } => {
    if (typeof value === "string") return { level: levelOf(key, value) as Level, settings: {} };
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw problem(key, value, `expected ${LEVEL_CHOICE} or an object of the policy's settings`);
    const { enforcementLevel, ...settings } = value as Record<string, unknown>;
    const level = levelOf(`${key}.enforcementLevel`, enforcementLevel);
    return { ...(level === undefined ? {} : { level }), settings };
  };
  const all = Object.prototype.hasOwnProperty.call(entries, "all") ? objectOrLevel("all", entries.all) : undefined;
  const extra = Object.keys(all?.settings ?? {})[0];
  if (extra !== undefined) throw new PolicyConfigProblem(`key "all.${extra}": "all" takes only ${LEVEL_CHOICE}`);
  return BASELINE_RULES.map((rule) => {
    const given = Object.prototype.hasOwnProperty.call(entries, rule.name) ? objectOrLevel(rule.name, entries[rule.name]) : { settings: {} };
    const wrong = configProblems(rule, given.settings)[0];
    if (wrong !== undefined) throw problem(`${rule.name}.${wrong.key}`, wrong.value, wrong.problem);
    const level = given.level ?? all?.level;
    return { rule, level: level === undefined ? rule.enforcementLevel : asReported(level), config: given.settings };
  });
}

/**
 * Reads a policy config file: the rules it sets, or the one-line problem naming the file, the key, the
 * value and what is allowed. An empty file is the defaults, as Pulumi takes it.
 */
export function loadPolicyConfig(file: string): { rules: RuleSetting[] } | { problem: string } {
  const where = `--policy-config ${JSON.stringify(file)}`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { problem: `${where}: cannot be read: ${(error as Error).message}` };
  }
  const parsed = text.trim() === "" ? { value: undefined } : parseJsonText(text);
  if ("problem" in parsed) return { problem: `${where}: ${parsed.problem}` };
  try {
    return { rules: rulesFromPolicyConfig(parsed.value) };
  } catch (error) {
    if (error instanceof PolicyConfigProblem) return { problem: `${where}: ${error.message}` };
    throw error;
  }
}
