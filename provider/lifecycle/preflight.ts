/**
 * The live part of `check`: what only the cluster can tell, asked before anything changes so that
 * `pulumi preview` fails on it, and, for a new resource, what the adoption will change. Kept apart
 * from the operations that change the cluster: nothing here sends anything but GETs.
 */
import { isDeepStrictEqual } from "util";
import { ConnectionOptions } from "../ontap/transport";
import { escapeControlCharacters } from "../ontap/redact";
import { compareSettings, reportLines } from "./previewReport";
import { InputFailure, RESERVED, containsUnknown, irreversibleReason } from "./check";
import { blamedArgument } from "./advice";
import { ConnectionConfigError } from "./errors";
import { resolveConnection } from "./connection";
import { CONNECTION_KEYS, ClusterSecurityInputs, connectionOf, observedFromWire, settingsOf } from "./model";
import { LifecycleEnv, deadlineOf, withClient } from "./operations";
import { asksReversal, reversals, unsupportedSettings } from "./plan";
import { applyRules, needsFoundSettings } from "./rules";

/**
 * What check asks the cluster for one pair of inputs:
 * - `create`: no previous inputs. Read the release and the settings: check against both, and say what
 *   the adoption will change.
 * - `update`: the program changed. Read the release (and the settings only when a one-way setting is
 *   turned off or a rule across settings needs them).
 * - `none`: the inputs equal the last ones. Everything they could fail on was checked when they were
 *   new; what the cluster may have become since is diff's to report (from the last refresh) and the
 *   update's to refuse, from a fresh read, before any PATCH. So an unchanged preview sends nothing.
 */
export type PreflightKind = "create" | "update" | "none";

function programPart(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([key, value]) => !RESERVED.has(key) && value !== undefined));
}

/** Decides what check must read, from check's arguments alone (`olds` is empty for a new resource). */
export function preflightKind(olds: unknown, news: Record<string, unknown>): PreflightKind {
  if (olds === null || typeof olds !== "object" || Object.keys(olds).length === 0) return "create";
  // `__provider` is the engine's, not the program's: never a reason to ask again.
  return isDeepStrictEqual(programPart(olds as Record<string, unknown>), programPart(news)) ? "none" : "update";
}

/**
 * Reads what the program's checks need and returns every failure. A `create` also logs the adoption's
 * report (`previewReport.ts`) through `env.log`. Skipped while connection inputs are unknown.
 */
export async function preflight(inputs: ClusterSecurityInputs, env: LifecycleEnv, kind: Exclude<PreflightKind, "none"> = "update"): Promise<InputFailure[]> {
  if (CONNECTION_KEYS.some((key) => containsUnknown(inputs[key]))) {
    if (kind === "create") env.log("ontap: a new ClusterSecurity whose connection is known only after apply: its current settings cannot be read in preview");
    return [];
  }
  let connection: ConnectionOptions;
  try {
    connection = resolveConnection(connectionOf(inputs), env.config, env.env, env.clock.now());
  } catch (error) {
    if (error instanceof ConnectionConfigError) return error.failures.map((f) => ({ property: f.property, reason: f.reason }));
    return [{ property: "host", reason: (error as Error).message }];
  }
  const desired = settingsOf(inputs);
  try {
    return await withClient(connection, env, async (client) => {
      const cluster = await client.getCluster();
      const name = `cluster ${escapeControlCharacters(cluster.name)}`;
      const unsupported = unsupportedSettings(desired, cluster);
      if (unsupported.length > 0) {
        return unsupported.map((setting) => ({
          property: setting.split(".")[0],
          reason: `${name} runs ONTAP ${cluster.version}, which does not have ${setting}`,
        }));
      }
      const context = { cluster: name, version: cluster.parsedVersion };
      const reverts = asksReversal(desired);
      if (kind === "update" && !reverts && !needsFoundSettings(desired, cluster.parsedVersion)) {
        return applyRules(desired, context).violations.map(({ property, reason }) => ({ property, reason }));
      }
      const live = await client.getSecurity(cluster.parsedVersion);
      const reversed = reversals(desired, live);
      if (reversed.length > 0) {
        return reversed.map((row) => ({ property: row.group, reason: `${name} has ${row.setting} on: ${irreversibleReason(row)}` }));
      }
      const found = observedFromWire(live);
      const comparisons = compareSettings(desired, found);
      const rules = applyRules(desired, { ...context, found });
      // A setting already as asked is not sent, so ONTAP cannot refuse it.
      const violations = rules.violations.filter((v) => comparisons.some((c) => c.changes && c.row.setting === v.setting));
      if (violations.length > 0) return violations.map(({ property, reason }) => ({ property, reason }));
      if (kind === "create") {
        for (const line of reportLines({ cluster: cluster.name, source: "cluster", comparisons, notes: rules.notes })) {
          env.log(line);
        }
      }
      return [];
    }, deadlineOf(inputs, env, "look"));
  } catch (error) {
    return [{ property: blamedArgument(error), reason: `cannot check the cluster: ${(error as Error).message}` }];
  }
}
