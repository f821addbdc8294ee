// The query parameters NetApp's REST reference lists for every GET the simulator serves (`/api/security`,
// `/api/cluster`, `/api/cluster/jobs`, `/api/cluster/jobs/{uuid}`): `fields`, `max_records`, `return_records`,
// `return_timeout` and `order_by`. Validated as ONTAP documents their types; what they mean on a
// singleton (which has no records to limit or order) is nothing.

import { OntapFailure, invalidQueryValue } from "./ontapError";

/** The parameters every simulated GET takes, besides a collection's field filters. */
export const GET_PARAMETERS = ["fields", "max_records", "return_records", "return_timeout", "order_by"] as const;

/** The documented parameters as read. */
export interface GetParameters {
  /** Most records to answer; undefined for all. */
  maxRecords?: number;
  /** False: a collection answers `num_records` without the records. */
  returnRecords: boolean;
  /** `order_by` terms: a field and its direction. */
  orderBy: { field: string; descending: boolean }[];
}

/**
 * Reads the documented parameters, or ONTAP's 400 `262197` for a value of the wrong type: `max_records` a
 * non-negative integer, `return_records` true or false, `return_timeout` an integer 0..120, `order_by` a
 * comma-separated list of `<field>[ asc|desc]` among `orderable` (names the caller's `fields=` would take).
 * `return_timeout` is accepted and has nothing to wait for: a GET answers at once.
 */
export function readGetParameters(query: URLSearchParams, orderable: (field: string) => boolean): GetParameters | OntapFailure {
  const result: GetParameters = { returnRecords: true, orderBy: [] };
  const maxRecords = query.get("max_records");
  if (maxRecords !== null) {
    if (!/^\d+$/.test(maxRecords)) return invalidQueryValue("max_records", maxRecords, "<integer 0 or more>");
    result.maxRecords = Number(maxRecords);
  }
  const returnRecords = query.get("return_records");
  if (returnRecords !== null) {
    const value = queryBoolean(returnRecords);
    if (value === undefined) return invalidQueryValue("return_records", returnRecords, "<true|false>");
    result.returnRecords = value;
  }
  const returnTimeout = query.get("return_timeout");
  if (returnTimeout !== null && (!/^\d+$/.test(returnTimeout) || Number(returnTimeout) > 120)) {
    return invalidQueryValue("return_timeout", returnTimeout, "<integer 0..120>");
  }
  const orderBy = query.get("order_by");
  if (orderBy !== null) {
    for (const term of orderBy.split(",")) {
      const match = /^\s*([A-Za-z0-9_.]+)(?:\s+(asc|desc))?\s*$/.exec(term);
      if (match === null || !orderable(match[1] as string)) return invalidQueryValue("order_by", orderBy, "<field [asc|desc],...>");
      result.orderBy.push({ field: match[1] as string, descending: match[2] === "desc" });
    }
  }
  return result;
}

/** True when a `fields=` value asks for the defaults: absent, or empty (NetApp's Ansible modules send `fields=` so). */
export function defaultFields(fieldsParam: string | null | undefined): boolean {
  return fieldsParam === null || fieldsParam === undefined || fieldsParam.split(",").every((name) => name.trim() === "");
}

/**
 * A boolean query value. Simulator choice [query-boolean-case]: `true` and `false` in any case (Python clients
 * send `True`); anything else is undefined.
 */
export function queryBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}
