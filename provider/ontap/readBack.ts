/**
 * "Is the cluster as asked?", answered by each field's own rule from the table of fields, so that it
 * has the same answer here as on the cluster. Used by the read-back after a PATCH and by the judgement
 * of lost jobs.
 */
import { SecurityPatch, SecurityWire } from "./codecs";
import { FIELD_NAMES, SecurityField, fieldMatches, splitField, underWayAs } from "./securityFields";

/** A field's value in a nested body, or undefined. */
export function wireValue(body: SecurityWire | SecurityPatch, field: SecurityField): unknown {
  const [group, leaf] = splitField(field);
  return (body as Record<string, Record<string, unknown> | undefined>)[group]?.[leaf];
}

/**
 * Which fields of a PATCH the settings `actual` do not show, one line each naming the wire field, what
 * was asked and what is there. Empty when the cluster is as the PATCH asked.
 */
export function patchMismatches(patch: SecurityPatch, actual: SecurityWire): string[] {
  return FIELD_NAMES.flatMap((field) => {
    const asked = wireValue(patch, field);
    if (asked === undefined) return [];
    const found = wireValue(actual, field);
    if (found !== undefined && fieldMatches(field, asked, found)) return [];
    // A conversion still running after its job ended shows the PATCH, whatever its own field reads.
    if (underWayAs(field, asked, (other) => wireValue(actual, other)) !== undefined) return [];
    return [`${field}: asked ${JSON.stringify(asked)}, cluster has ${found === undefined ? "nothing" : JSON.stringify(found)}`];
  });
}

/**
 * The part of a PATCH that the settings `actual` do not show yet, by the same rules as
 * {@link patchMismatches}: what is left to send after a PATCH whose answer was lost.
 */
export function remainingPatch(patch: SecurityPatch, actual: SecurityWire): SecurityPatch {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, fields] of Object.entries(patch) as [string, Record<string, unknown> | undefined][]) {
    for (const [name, value] of Object.entries(fields ?? {})) {
      if (value === undefined) continue;
      const single = { [group]: { [name]: value } } as SecurityPatch;
      if (patchMismatches(single, actual).length > 0) (out[group] ??= {})[name] = value;
    }
  }
  return out as SecurityPatch;
}

/** True when a PATCH has nothing in it. */
export function isEmptyPatch(patch: SecurityPatch): boolean {
  return Object.values(patch).every((fields) => fields === undefined || Object.values(fields as object).every((v) => v === undefined));
}
