/**
 * io-ts codecs for the JSON that ONTAP's REST API sends and accepts. They mirror ONTAP's snake_case
 * wire shape exactly; the Pulumi-facing camelCase shape lives in `lifecycle/model.ts`.
 *
 * Every response passes one of these codecs before anything reads it (see `decode.ts`).
 * @see https://docs.netapp.com/us-en/ontap-restapi/ontap/security_endpoint_overview.html
 */
import * as t from "io-ts";

/** ONTAP sends error and status codes as strings in real traffic and as integers in some docs. */
export const OntapCode = t.union([t.string, t.number], "OntapCode");
export type OntapCode = t.TypeOf<typeof OntapCode>;

/** `_links.self.href`, as HAL responses carry it. */
export const SelfLink = t.type({ self: t.type({ href: t.string }) }, "SelfLink");

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

/** `GET /api/cluster?fields=version,name,uuid`. */
export const ClusterWire = t.type(
  {
    uuid: t.string,
    name: t.string,
    version: t.intersection([
      t.type({ generation: t.number, major: t.number, minor: t.number }),
      t.partial({ full: t.string }),
    ]),
  },
  "ClusterWire",
);
export type ClusterWire = t.TypeOf<typeof ClusterWire>;

/** The settings of `/api/security`; every field optional because the version and `fields=` decide. */
export const SecurityWire = t.partial(
  {
    fips: t.partial({ enabled: t.boolean }),
    software_data_encryption: t.partial({
      conversion_enabled: t.boolean,
      disabled_by_default: t.boolean,
      encryption_state: t.string,
    }),
    tls: t.partial({ protocol_versions: t.array(t.string), cipher_suites: t.array(t.string) }),
    management_protocols: t.partial({ rsh_enabled: t.boolean, telnet_enabled: t.boolean }),
    onboard_key_manager_configurable_status: t.partial({
      supported: t.boolean,
      message: t.string,
      code: OntapCode,
    }),
  },
  "SecurityWire",
);
export type SecurityWire = t.TypeOf<typeof SecurityWire>;

/** The body of `PATCH /api/security`: the writable subset, nested. */
export interface SecurityPatch {
  fips?: { enabled?: boolean };
  software_data_encryption?: { conversion_enabled?: boolean; disabled_by_default?: boolean };
  tls?: { protocol_versions?: string[]; cipher_suites?: string[] };
  management_protocols?: { rsh_enabled?: boolean; telnet_enabled?: boolean };
}

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
