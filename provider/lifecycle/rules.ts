/**
 * Rules across settings: what ONTAP refuses, or silently does differently, because of another setting,
 * whether the program sets it or the cluster already has it. The rules themselves are ONTAP's and live
 * in the table of fields (`EXCLUSION_RULES`, `rebootBefore`); this module applies them to a program and
 * words them with the program's setting names. Pure: check applies them to the program alone, preview
 * to the program and the settings found on the cluster, and the update plan to the settings read just
 * before its PATCH, so that preview and update can never disagree.
 */
import { EXCLUSION_RULES, ExclusionRule, RefusedValue, SecurityField, isStrings } from "../ontap/securityFields";
import { OntapVersion, atLeast, fieldsNeedingReboot, formatVersion } from "../ontap/versions";
import { ObservedSecurity, SecuritySettings } from "./model";
import { MANAGED_ROWS, ROWS, SettingRow, underWayIn, valueIn } from "./settings";

/** A setting that cannot be applied as asked because of another. */
export interface RuleViolation {
  /** The top-level argument to fix, as check failures name it. */
  readonly property: string;
  /**
   * The setting ONTAP would refuse in a PATCH. A setting the cluster already has as asked is not sent,
   * so callers that know the cluster's settings keep only the violations of settings that change.
   */
  readonly setting: string;
  readonly reason: string;
}

/** What the rules say about one program on one cluster. */
export interface RuleOutcome {
  /** What cannot be applied: fails preview and, at update time, stops the update before any PATCH. */
  readonly violations: RuleViolation[];
  /** What the change will also do that the program does not say, for the person reading the preview. */
  readonly notes: string[];
}

/** Where the rules are applied: the cluster's name, its release and settings when known. */
export interface RuleContext {
  readonly cluster?: string;
  /** Unknown in check (no request made): rules that depend on the release are then skipped. */
  readonly version?: OntapVersion;
  /** The settings found on the cluster (live, or the last known ones); undefined when not read. */
  readonly found?: ObservedSecurity;
}

/** The setting that maps to a wire field (every field a rule names has one: the table test says so). */
function settingOf(field: SecurityField): SettingRow {
  const row = ROWS.find((r) => r.wire === field);
  if (row === undefined) throw new Error(`no setting maps to ${field}`);
  return row;
}

const knownBoolean = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined);

/** One rule with the settings it relates. */
interface BoundRule {
  readonly rule: ExclusionRule;
  readonly switchRow: SettingRow;
  readonly listRow: SettingRow;
}

const BOUND: readonly BoundRule[] = EXCLUSION_RULES.map((rule) => ({ rule, switchRow: settingOf(rule.switch), listRow: settingOf(rule.list) }));

/**
 * The switch after the change: the program's value when it gives one, else the cluster's (`fromCluster`).
 * `on` is undefined while the program's value is not known yet, or the cluster's was not read.
 */
function switchAfter(bound: BoundRule, desired: SecuritySettings, found: ObservedSecurity | undefined): { on: boolean | undefined; fromCluster: boolean } {
  const asked = valueIn(desired, bound.switchRow);
  if (asked === undefined) return { on: knownBoolean(valueIn(found, bound.switchRow)), fromCluster: true };
  return { on: knownBoolean(asked), fromCluster: false };
}

/** True when the release-dependent refusal applies (unknown release: only the every-release ones). */
function applies(refusal: RefusedValue, version: OntapVersion | undefined): boolean {
  if (refusal.since === undefined) return true;
  return version !== undefined && atLeast(version, refusal.since);
}

/** The values allowed while the switch is on, lowest first: at a release, or where every refusal applies. */
function allowedValues(rule: ExclusionRule, applying: (refusal: RefusedValue) => boolean): readonly string[] {
  const refused = new Set(rule.refused.filter(applying).map((r) => r.value));
  return rule.order.filter((value) => !refused.has(value));
}

/** The lowest value allowed while the switch is on, in words, for the release when known. */
function lowestAllowed(rule: ExclusionRule, version: OntapVersion | undefined): string {
  if (version !== undefined) return allowedValues(rule, (r) => applies(r, version))[0] ?? "none";
  const everywhere = allowedValues(rule, () => true)[0] ?? "none";
  const before = rule.refused.filter((r) => r.since !== undefined);
  const earlier = allowedValues(rule, (r) => r.since === undefined)[0];
  if (before.length === 0 || earlier === undefined || earlier === everywhere) return everywhere;
  return `${everywhere} (${earlier} is also allowed before ONTAP ${before.map((r) => r.since).join(", ")})`;
}

function describeRefusal(rule: ExclusionRule, refusal: RefusedValue, version: OntapVersion | undefined): string {
  const code = refusal.code === undefined ? "" : `error ${refusal.code}`;
  if (refusal.since === undefined) return code;
  const allowed = allowedValues(rule, (r) => r.since === undefined || r.since === refusal.since || (version !== undefined && applies(r, version)));
  const release = `from ONTAP ${refusal.since}${version !== undefined ? ` (this cluster runs ${formatVersion(version)})` : ""}`;
  return `${code === "" ? release : `${code} ${release}:`} ${rule.name} mode allows only ${allowed.join(" and ")}`;
}

/** Applies every rule. Never throws: values of the wrong shape are left to check's type rules. */
export function applyRules(desired: SecuritySettings, context: RuleContext = {}): RuleOutcome {
  const violations: RuleViolation[] = [];
  const notes: string[] = [];
  for (const bound of BOUND) {
    const { rule, switchRow, listRow } = bound;
    const after = switchAfter(bound, desired, context.found);
    const asked = valueIn(desired, listRow);
    const values = isStrings(asked) ? asked : undefined;

    if (after.on === true && values !== undefined) {
      const refused = rule.refused.filter((refusal) => values.includes(refusal.value) && applies(refusal, context.version));
      if (refused.length > 0) {
        const why = after.fromCluster
          ? `the cluster has ${rule.name} on, and the program leaves ${switchRow.setting} as it is`
          : `${switchRow.setting} is true`;
        violations.push({
          property: listRow.group,
          setting: listRow.setting,
          reason:
            `${context.cluster !== undefined ? `${context.cluster}: ` : ""}${listRow.setting} has ${refused.map((r) => r.value).join(" and ")}, ` +
            `which ONTAP does not allow while ${rule.name} is on (${refused.map((r) => `${r.value}: ${describeRefusal(rule, r, context.version)}`).join("; ")}); ${why}. ` +
            `List ${lowestAllowed(rule, context.version)} as the lowest ${rule.unit}${after.fromCluster ? `, or set ${switchRow.setting} to false` : ""}`,
        });
      }
    }

    // The program turns the switch on and leaves the list alone: say which values that turns off.
    const foundOn = knownBoolean(valueIn(context.found, switchRow));
    const foundValues = valueIn(context.found, listRow);
    if (after.on === true && foundOn === false && !after.fromCluster && asked === undefined && isStrings(foundValues) && context.version !== undefined) {
      const version = context.version;
      const dropped = rule.order.filter((v) => foundValues.includes(v) && rule.refused.some((r) => r.value === v && applies(r, version)));
      if (dropped.length > 0) {
        notes.push(
          `enabling ${rule.name} on ONTAP ${formatVersion(version)} also turns off ${dropped.join(", ")} ` +
            `(${rule.name} mode allows ${lowestAllowed(rule, version)} and up; turning ${rule.name} off later does not turn them back on)`,
        );
      }
    }
  }
  notes.push(...rebootNotes(desired, context));
  notes.push(...underWayNotes(desired, context));
  return { violations, notes };
}

/**
 * A change the cluster is still carrying out (a conversion goes on after its job ended, from 9.16.1):
 * it is not sent again, whatever its own setting reads meanwhile.
 */
function underWayNotes(desired: SecuritySettings, context: RuleContext): string[] {
  return MANAGED_ROWS.flatMap((row) => {
    const state = underWayIn(row, valueIn(desired, row), context.found);
    if (state === undefined) return [];
    const shows = ROWS.find((r) => r.wire === row.underWayField)?.setting ?? "the cluster";
    return [`${row.setting}: under way on the cluster (${shows} ${JSON.stringify(state)}); it goes on after its job ended, and is not sent again`];
  });
}

/** A change of a setting that the release applies only after each node is rebooted. */
function rebootNotes(desired: SecuritySettings, context: RuleContext): string[] {
  const version = context.version;
  if (version === undefined) return [];
  const changing = MANAGED_ROWS.filter((row) => {
    const asked = knownBoolean(valueIn(desired, row));
    const found = knownBoolean(valueIn(context.found, row));
    return asked !== undefined && found !== undefined && asked !== found;
  });
  const needReboot = new Set(fieldsNeedingReboot(version, changing.map((row) => row.wire)));
  return changing
    .filter((row) => needReboot.has(row.wire))
    .map((row) => `ONTAP ${formatVersion(version)} needs each node rebooted before the change of ${row.setting} takes effect`);
}

/**
 * True when a rule needs the cluster's current settings to decide about this program: the program
 * asks for a value the switch refuses and leaves the switch as the cluster has it. Preview then reads
 * the settings; otherwise it spares the request.
 */
export function needsFoundSettings(desired: SecuritySettings, version: OntapVersion | undefined): boolean {
  return BOUND.some((bound) => {
    const values = valueIn(desired, bound.listRow);
    if (!isStrings(values) || !switchAfter(bound, desired, undefined).fromCluster) return false;
    return bound.rule.refused.some((refusal) => values.includes(refusal.value) && applies(refusal, version));
  });
}
