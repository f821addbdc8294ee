/**
 * "Is the cluster as asked?", answered by each field's own rule from the table of fields, so that it
 * has the same answer here as on the cluster. Used by the read-back after a PATCH and by the judgement
 * of lost jobs.
 */
import { SecurityPatch, SecurityWire } from "./codecs";
import { FIELD_NAMES, SecurityField, fieldMatches, splitField } from "./securityFields";

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
    return [`${field}: asked ${JSON.stringify(asked)}, cluster has ${found === undefined ? "nothing" : JSON.stringify(found)}`];
  });
}
