/**
 * io-ts codecs for the JSON that ONTAP's REST API sends and accepts. They mirror ONTAP's snake_case
 * wire shape exactly; those of `/api/security` are built from the table in `securityFields.ts`.
 *
 * Every response passes one of these codecs before anything reads it (see `decode.ts`).
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/security_endpoint_overview.html
 */
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { FIELD_NAMES, Nested, OntapCode, SecurityField, ValuesOf, WritableField, fieldRow, splitField } from "./securityFields";

export { OntapCode };

/** `_links.self.href`, as HAL responses carry it. */
const SelfLink = t.type({ self: t.type({ href: t.string }) }, "SelfLink");

/** The error body of every failed ONTAP request. */
export const ErrorBody = t.type(
  {
    error: t.partial({
      message: t.string,
      code: OntapCode,
      target: t.string,
      arguments: t.array(t.partial({ code: OntapCode, message: t.string })),
    }),
  },
  "ErrorBody",
);
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

/** A string with something in it besides spaces: an identity ONTAP must never send empty. */
export const NonEmptyString = new t.Type<string, string, unknown>(
  "non-empty string",
  (u): u is string => typeof u === "string" && u.trim() !== "",
  (u, c) => (typeof u === "string" && u.trim() !== "" ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** `GET /api/cluster` body: the uuid becomes the resource's id, so an empty one is a decode error. */
export const ClusterWire = t.type(
  {
    uuid: NonEmptyString,
    name: t.string,
    version: t.intersection([
      t.type({ generation: t.number, major: t.number, minor: t.number }),
      t.partial({ full: t.string }),
    ]),
  },
  "ClusterWire",
);
export type ClusterWire = t.TypeOf<typeof ClusterWire>;

/** The settings of `/api/security`, every field optional (the release and `fields=` decide what comes). */
export type SecurityWire = Nested<Record<never, never>, ValuesOf<SecurityField>>;
/** The body of `PATCH /api/security`: the writable fields, nested. */
export type SecurityPatch = Nested<Record<never, never>, ValuesOf<WritableField>>;

/** The settings' shape as io-ts checks it, built from the table of fields at load time. */
const securityShape: t.Mixed = (() => {
  const groups: Record<string, t.Props> = {};
  for (const field of FIELD_NAMES) {
    const [group, leaf] = splitField(field);
    groups[group] = { ...groups[group], [leaf]: fieldRow(field).codec };
  }
  const props: t.Props = {};
  for (const [group, leaves] of Object.entries(groups)) props[group] = t.partial(leaves);
  return t.partial(props, "SecurityWire");
})();

/**
 * Whether a value has the settings' shape. The codec is built from the table at run time, so its type
 * cannot be inferred; this guard ties the check to the type derived from the same table
 * (`Nested<…, ValuesOf<SecurityField>>`), and `test/publicTypes.ts` holds the two together.
 */
function isSecurityWire(u: unknown): u is SecurityWire {
  return securityShape.is(u);
}

/** The codec of `/api/security`'s settings: the table's shape, with its type. */
export const SecurityWire = new t.Type<SecurityWire, SecurityWire, unknown>(
  "SecurityWire",
  isSecurityWire,
  (u, c) => {
    const checked = securityShape.validate(u, c);
    if (E.isLeft(checked)) return checked;
    return isSecurityWire(checked.right) ? t.success(checked.right) : t.failure(u, c);
  },
  t.identity,
);

/** A reference to an asynchronous job, as a mutation's response carries it. */
export const JobLink = t.type(
  {
    job: t.intersection([t.type({ uuid: t.string }), t.partial({ _links: SelfLink })]),
  },
  "JobLink",
);
export type JobLink = t.TypeOf<typeof JobLink>;

/** Job states. `paused` is not terminal: only `success` and `failure` end a job. */
export const JobState = t.keyof(
  { queued: null, running: null, paused: null, success: null, failure: null },
);
export type JobState = t.TypeOf<typeof JobState>;

/** `GET /api/cluster/jobs/{uuid}`. */
export const JobWire = t.intersection(
  [
    t.type({ uuid: t.string, state: JobState }),
    t.partial({
      description: t.string,
      message: t.string,
      code: t.number,
      error: t.partial({
        code: OntapCode,
        message: t.string,
        arguments: t.array(t.partial({ code: OntapCode, message: t.string })),
      }),
      start_time: t.string,
      end_time: t.string,
    }),
  ],
  "JobWire",
);
export type JobWire = t.TypeOf<typeof JobWire>;

/** `GET /api/cluster/jobs?…&fields=uuid,state,…`: the jobs matching the filters. */
export const JobCollection = t.type({ records: t.array(JobWire) }, "JobCollection");
export type JobCollection = t.TypeOf<typeof JobCollection>;
