// A simulated ONTAP job and its wire shape (`GET /api/cluster/jobs/{uuid}`).

import { OntapErrorArgument, OntapFailure, invalidQueryValue, unexpectedArgument } from "./ontapError";
import { GET_PARAMETERS, defaultFields, readGetParameters } from "./queryParameters";
import type { Scenario } from "./scenario";
import { SecurityPatch } from "./securityPatch";

/** ONTAP job states. `paused` is not terminal; `success` and `failure` are. */
export type JobState = "queued" | "running" | "paused" | "success" | "failure";

/** One job a PATCH started, as the simulator keeps it. Tests read it through `SimCluster.jobs`. */
export interface SimJob {
  readonly uuid: string;
  /** Always `"PATCH /api/security"`. */
  readonly description: string;
  readonly state: JobState;
  readonly message: string;
  /** 0 unless the job failed. */
  readonly code: number;
  /** Present once the job failed. */
  readonly error?: { code: string; message: string; arguments: OntapErrorArgument[] };
  readonly startTime: Date;
  /** Set once the job reached `success` or `failure`. */
  readonly endTime?: Date;
  /** True when the job was started under `lostJobs`: its GET answers 404 although it runs. */
  readonly lost: boolean;
  /** What the PATCH asked for. */
  readonly patch: SecurityPatch;
  /** Who started it: the authenticated user of the PATCH, or the name given to `startSecurityJob`. */
  readonly startedBy: string;
}

/** The mutable record behind {@link SimJob}. */
export type MutableJob = { -readonly [Key in keyof SimJob]: SimJob[Key] };

/** The href of a job, as ONTAP links it. */
export function jobHref(uuid: string): string {
  return `/api/cluster/jobs/${uuid}`;
}

/** The `job` object a PATCH answers with, in the form `form` chooses (see `Scenario.jobLinkForm`). */
export function jobLink(uuid: string, form: Scenario["jobLinkForm"] = "uuid-and-links"): { uuid: string; _links?: { self: { href: string } } } {
  return form === "uuid" ? { uuid } : { uuid, _links: { self: { href: jobHref(uuid) } } };
}

/** True for `success` and `failure`. */
export function isTerminal(state: JobState): boolean {
  return state === "success" || state === "failure";
}

const JOB_FIELDS = ["uuid", "description", "state", "message", "code", "error", "start_time", "end_time"] as const;
type JobField = (typeof JOB_FIELDS)[number];

/**
 * The job's JSON, restricted to `fields=` when given (`*`, `**`, names, or `error.*` sub-fields select the
 * whole error). `uuid` and `_links` are always included; an unknown field is 400 `262197`. The error's
 * `arguments` are listed only `withArguments` (the scenario's `errorArguments`), else sent empty.
 */
export function renderJob(job: SimJob, fieldsParam: string | undefined, withArguments = false): Record<string, unknown> | OntapFailure {
  let selected: Set<JobField>;
  if (defaultFields(fieldsParam)) {
    selected = new Set(JOB_FIELDS);
  } else {
    selected = new Set<JobField>(["uuid"]);
    for (const raw of (fieldsParam as string).split(",")) {
      const name = raw.trim();
      if (name === "" || name === "_links") continue;
      if (name === "*" || name === "**") {
        JOB_FIELDS.forEach((field) => selected.add(field));
        continue;
      }
      const top = name.startsWith("error.") ? "error" : name;
      if (!(JOB_FIELDS as readonly string[]).includes(top)) {
        return invalidQueryValue("fields", name, "<field,...>; the ONTAP simulator's jobs have uuid, description, state, message, code, error, start_time, end_time");
      }
      selected.add(top as JobField);
    }
  }
  const full = fieldValues(job, withArguments);
  const body: Record<string, unknown> = {};
  for (const field of JOB_FIELDS) {
    if (selected.has(field) && full[field] !== undefined) body[field] = full[field];
  }
  body._links = { self: { href: jobHref(job.uuid) } };
  return body;
}

function fieldValues(job: SimJob, withArguments: boolean): Record<string, unknown> {
  return {
    uuid: job.uuid,
    description: job.description,
    state: job.state,
    message: job.message,
    code: job.code,
    error: job.error ? { ...job.error, arguments: withArguments ? job.error.arguments.map((argument) => ({ ...argument })) : [] } : undefined,
    start_time: ontapTimestamp(job.startTime),
    end_time: job.endTime ? ontapTimestamp(job.endTime) : undefined,
  };
}

/** ISO-8601 to the second with an explicit offset, as ONTAP writes it: `2026-11-27T18:30:00+00:00`. */
export function ontapTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** True for a field a job has (`error.code` and the like included), as `fields=` and `order_by` name them. */
export function isJobField(name: string): boolean {
  return (JOB_FIELDS as readonly string[]).includes(name.startsWith("error.") ? "error" : name);
}

/** The filters `GET /api/cluster/jobs` takes, one per job field, besides `fields`. */
const FILTERABLE: readonly string[] = ["uuid", "description", "state", "message", "code", "start_time", "end_time"];

/**
 * One ONTAP query value: alternatives separated by `|`, each an exact value, a `*` wildcard pattern, or
 * `!value` for "not". Simulator choice [job-filters]: matching ignores case, and comparisons (`<`, `>`,
 * `..`), ONTAP syntax the simulator does not implement, are refused loudly rather than matched wrongly.
 */
export function parseFilter(field: string, value: string): ((actual: string | undefined) => boolean) | OntapFailure {
  const alternatives = value.split("|").map((text) => text.trim());
  if (alternatives.some((text) => /^[<>]|\.\./.test(text))) {
    return invalidQueryValue(field, value, "the ONTAP simulator implements only exact values, * wildcards, ! and | in job filters");
  }
  const tests = alternatives.map((text) => {
    const negated = text.startsWith("!");
    const body = negated ? text.slice(1) : text;
    const pattern = new RegExp(`^${body.split("*").map((part) => part.replace(/[.+?^${}()[\]\\]/g, "\\$&")).join(".*")}$`, "i");
    return (actual: string | undefined) => (actual !== undefined && pattern.test(actual)) !== negated;
  });
  return (actual) => tests.some((match) => match(actual));
}

/**
 * `GET /api/cluster/jobs`: the jobs matching every field filter, each rendered with `fields=` (only `uuid`
 * and `_links` when absent, as ONTAP collections answer), as ONTAP's collection body. A parameter that is
 * neither `fields` nor a job field is 400 `262179`.
 */
export function renderJobCollection(
  jobs: Iterable<SimJob>,
  query: URLSearchParams,
  href: string,
  withArguments = false,
): Record<string, unknown> | OntapFailure {
  const parameters = readGetParameters(query, isJobField);
  if ("error" in parameters) return parameters;
  const filters: { field: string; match: (actual: string | undefined) => boolean }[] = [];
  let startAfter: string | undefined;
  for (const [name, value] of query) {
    if ((GET_PARAMETERS as readonly string[]).includes(name)) continue;
    if (name === "start.uuid") {
      startAfter = value;
      continue;
    }
    if (!FILTERABLE.includes(name)) return unexpectedArgument(name);
    const match = parseFilter(name, value);
    if (typeof match !== "function") return match;
    filters.push({ field: name, match });
  }
  let matching = [...jobs].filter((job) => {
    const full = fieldValues(job, false);
    return filters.every(({ field, match }) => match(full[field] === undefined ? undefined : String(full[field])));
  });
  for (const { field, descending } of [...parameters.orderBy].reverse()) {
    const key = (job: SimJob): string => String(fieldValues(job, false)[field.startsWith("error.") ? "error" : field] ?? "");
    matching = [...matching].sort((a, b) => (descending ? -1 : 1) * key(a).localeCompare(key(b), "en", { numeric: true }));
  }
  if (startAfter !== undefined) matching = matching.slice(Math.max(0, matching.findIndex((job) => job.uuid === startAfter)));
  // `max_records` answers the first records and links the next batch: the one link ONTAP keeps without HAL.
  const page = parameters.maxRecords === undefined ? matching : matching.slice(0, parameters.maxRecords);
  const next = page.length < matching.length ? matching[page.length] : undefined;
  const records: Record<string, unknown>[] = [];
  for (const job of page) {
    const record = renderJob(job, defaultFields(query.get("fields")) ? "uuid" : (query.get("fields") as string), withArguments);
    if (!("uuid" in record)) return record as OntapFailure;
    records.push(record);
  }
  const links: Record<string, { href: string }> = { self: { href } };
  if (next !== undefined) {
    const nextQuery = new URLSearchParams(query);
    nextQuery.set("start.uuid", next.uuid);
    links.next = { href: `/api/cluster/jobs?${nextQuery.toString()}` };
  }
  return { ...(parameters.returnRecords ? { records } : {}), num_records: records.length, _links: links };
}
