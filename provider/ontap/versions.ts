/**
 * ONTAP releases: parsing, comparing, and what a release has of `/api/security` (from the table of
 * fields in `securityFields.ts`).
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/get-security.html
 */
import { FIELD_NAMES, SECURITY_FIELDS, SecurityField, fieldRow } from "./securityFields";

/** An ONTAP release as `/api/cluster` reports it: 9.16.1 is generation 9, major 16, minor 1. */
export interface OntapVersion {
  readonly generation: number;
  readonly major: number;
  readonly minor: number;
}

export function parseVersion(text: string): OntapVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (match === null) throw new Error(`not an ONTAP version: ${JSON.stringify(text)}`);
  return { generation: Number(match[1]), major: Number(match[2]), minor: Number(match[3] ?? 0) };
}

export function formatVersion(v: OntapVersion): string {
  return `${v.generation}.${v.major}.${v.minor}`;
}

function compareVersions(a: OntapVersion, b: OntapVersion): number {
  return a.generation - b.generation || a.major - b.major || a.minor - b.minor;
}

export function atLeast(v: OntapVersion, since: string): boolean {
  return compareVersions(v, parseVersion(since)) >= 0;
}

/** `/api/security` answers GET from 9.7 and PATCH from 9.8 (9.7 answers PATCH with 405). */
export const SECURITY_GET_SINCE = "9.7.0";
export const SECURITY_PATCH_SINCE = "9.8.0";

/**
 * The `fields=` list for a GET on this release. Always explicit: asking for a field the release lacks
 * is a 400 (code 262197), and the default field set differs between releases.
 */
export function readableFields(v: OntapVersion): SecurityField[] {
  return FIELD_NAMES.filter((field) => atLeast(v, SECURITY_FIELDS[field].since));
}

/** The fields among `changed` that this release applies only after each node is rebooted. */
export function fieldsNeedingReboot(v: OntapVersion, changed: readonly SecurityField[]): SecurityField[] {
  return changed.filter((field) => {
    const before = fieldRow(field).rebootBefore;
    return before !== undefined && !atLeast(v, before);
  });
}
