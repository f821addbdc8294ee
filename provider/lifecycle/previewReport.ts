/**
 * What a change does to one cluster, in the words a reviewer reads in `pulumi preview`: each managed
 * setting as `found → desired` when it will change, the ones already as desired, and what else the
 * change does. One format for an adoption (found = read from the cluster during preview), an update
 * and a drift found by refresh (found = the last known outputs). Pure.
 *
 * Pulumi drops a dynamic resource's detailed diff, and its provider has no way to log against the
 * resource: these lines go to the provider's console, which the CLI shows under the stack. So every
 * line carries the cluster's name.
 */
import { escapeControlCharacters } from "../ontap/redact";
import { TLS_VERSIONS, expandTlsVersions, fieldRow, isImplicitSuite, isStrings, sortTlsVersions } from "../ontap/securityFields";
import { UNKNOWN, containsUnknown } from "./unknown";
import { CONNECTION_KEYS, ConnectionInputs, ObservedSecurity, SecuritySettings } from "./model";
import { SettingRow, differingSettings, managedSettings, valueIn } from "./settings";

/** One managed setting: what the cluster has, what the program asks, and whether it will change. */
export interface SettingComparison {
  readonly row: SettingRow;
  readonly found: unknown;
  readonly desired: unknown;
  readonly changes: boolean;
}

/**
 * Every setting the program manages, compared with the found settings by the same rule as diff and
 * the update plan (`differingSettings`): cipher suites as sets, TLS versions by their lowest.
 */
export function compareSettings(desired: SecuritySettings, found: ObservedSecurity | undefined): SettingComparison[] {
  const differing = new Set(differingSettings(desired, found));
  return managedSettings(desired).map(({ row, value }) => ({ row, found: valueIn(found, row), desired: value, changes: differing.has(row) }));
}

/** A connection argument whose value differs from the last known one; its value is never shown. */
export interface ConnectionChange {
  readonly key: (typeof CONNECTION_KEYS)[number];
  /** False while the new value is not known yet (preview). */
  readonly known: boolean;
}

/** The connection arguments whose value differs from the last known one. */
export function changedConnection(desired: ConnectionInputs, last: ConnectionInputs): ConnectionChange[] {
  return CONNECTION_KEYS.filter((key) => desired[key] !== last[key]).map((key) => ({ key, known: desired[key] !== UNKNOWN }));
}

const NOT_KNOWN = "(known after apply)";
const NOT_REPORTED = "(not reported)";


/** A protocol list as the cluster holds it: oldest first; what is asked, expanded upwards as ONTAP does. */
function showProtocols(value: unknown, asked: boolean): string {
  if (!isStrings(value)) return String(value);
  const versions = asked && value.every((v) => (TLS_VERSIONS as readonly string[]).includes(v)) ? expandTlsVersions(value) : sortTlsVersions(value);
  return `[${versions.join(", ")}]`;
}

function show(row: SettingRow, value: unknown, asked: boolean): string {
  if (value === undefined) return NOT_REPORTED;
  if (containsUnknown(value)) return NOT_KNOWN;
  const kind = fieldRow(row.wire).kind;
  if (kind === "tls-versions") return showProtocols(value, asked);
  if (kind === "cipher-suites" && isStrings(value)) return `{${value.length} suite${value.length === 1 ? "" : "s"}}`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Which suites go and which come: a set difference, keeping the TLS 1.3 suites ONTAP keeps on its own. */
function suiteChange(found: unknown, desired: unknown): string {
  if (!isStrings(found) || !isStrings(desired)) return isStrings(desired) ? `: ${desired.join(", ")}` : "";
  const want = new Set(desired);
  const have = new Set(found);
  const removes = found.filter((s) => !want.has(s) && !isImplicitSuite(s));
  const adds = desired.filter((s) => !have.has(s));
  const parts = [removes.length > 0 ? `removes ${removes.join(", ")}` : "", adds.length > 0 ? `adds ${adds.join(", ")}` : ""].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join("; ")}` : "";
}

/** `group.setting: false → true`, with what a reviewer must know about the value. */
export function describeChange(comparison: SettingComparison): string {
  const { row, found, desired } = comparison;
  let line = `${row.setting}: ${show(row, found, false)} → ${show(row, desired, true)}`;
  if (fieldRow(row.wire).kind === "cipher-suites" && !containsUnknown(desired)) line += suiteChange(found, desired);
  if (row.oneWay !== undefined && desired === true) line += ` (one-way: ${row.oneWay})`;
  if (row.oneWay !== undefined && desired === false && found === true) line += ` (refused: ${row.oneWay}; the update stops before any change)`;
  return line;
}

/** Where the found values come from, said once per cluster. */
export type FoundSource = "cluster" | "state";

/** Everything the report of one cluster says. */
export interface ChangeReport {
  readonly cluster: string;
  readonly source: FoundSource;
  readonly comparisons: readonly SettingComparison[];
  /** Connection arguments changed, named without their values. */
  readonly connection?: readonly ConnectionChange[];
  /** What else the change does, or why it will be refused (from the rules across settings). */
  readonly notes?: readonly string[];
}

/**
 * The lines of one cluster's report, each starting `ontap: cluster <name>:`. A summary first, then one
 * line per setting that changes, one listing the settings already as desired, then the notes.
 */
export function reportLines(report: ChangeReport): string[] {
  const prefix = `ontap: cluster ${escapeControlCharacters(report.cluster)}:`;
  const changing = report.comparisons.filter((c) => c.changes);
  const same = report.comparisons.filter((c) => !c.changes);
  const action = report.source === "cluster" ? "create (adopts the cluster's settings)" : "update";
  const where = report.source === "cluster" ? "found = read from the cluster now" : "found = last known state (last up or refresh)";
  const count =
    report.comparisons.length === 0
      ? "no managed setting"
      : `${changing.length} of ${report.comparisons.length} managed setting${report.comparisons.length === 1 ? "" : "s"} change${changing.length === 1 ? "s" : ""}`;
  const lines = [`${prefix} ${action}: ${count}; ${where}`];
  for (const comparison of changing) lines.push(`${prefix} ${describeChange(comparison)}`);
  if (same.length > 0) lines.push(`${prefix} already as desired: ${same.map((c) => c.row.setting).join(", ")}`);
  for (const change of report.connection ?? []) {
    lines.push(`${prefix} ${change.key}: ${change.known ? "changed (value not shown; updates state only)" : "known after apply"}`);
  }
  for (const note of report.notes ?? []) lines.push(`${prefix} ${note}`);
  return lines;
}
