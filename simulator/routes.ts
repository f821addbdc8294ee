// Routing: what a cluster answers on `/api/cluster`, `/api/security`, `/api/cluster/jobs` and
// `/api/cluster/jobs/{uuid}`, after authentication; anything else is a loud "not simulated" error.

import type { IncomingMessage } from "http";

import { Answer, DROP, failure, isFailure, strayParameter } from "./answer";
import { CertificateLogins, Credentials, authenticate } from "./authentication";
import type { JobEngine } from "./jobEngine";
import {
  apiNotFound,
  authenticationFailed,
  entryDoesNotExist,
  internalError,
  invalidJson,
  invalidQueryValue,
  methodNotAllowed,
  notAuthorized,
  notSimulated,
  ontapFailure,
  temporarilyLocked,
  unexpectedArgument,
} from "./ontapError";
import { OntapVersion, atLeast, clusterVersionJson } from "./ontapVersion";
import type { Scenario } from "./scenario";
import { checkPatchAgainstState, parseSecurityPatch } from "./securityPatch";
import { SecurityState, renderSecurity, selectFields } from "./securityState";
import { unmetPrecondition } from "./settingsChange";
import { GET_PARAMETERS, defaultFields, queryBoolean, readGetParameters } from "./queryParameters";
import { isJobField, isTerminal, jobLink, renderJob, renderJobCollection } from "./simJob";
import type { RequestLogEntry } from "./simCluster";

/** What the routes read of a cluster, each time afresh: tests change the settings and the scenario freely. */
export interface Served {
  readonly name: string;
  readonly uuid: string;
  /** The release as text, e.g. `"9.16.1"`. */
  readonly version: string;
  readonly ontapVersion: OntapVersion;
  readonly security: SecurityState;
  readonly scenario: Scenario;
  readonly credentials: Credentials;
  readonly certificateLogins: CertificateLogins;
  readonly engine: JobEngine;
  /** Where a PATCH received while a security job runs is recorded. */
  readonly patchesWhileJobRunning: RequestLogEntry[];
  /** How many entries the request log, and {@link patchesWhileJobRunning}, keep. */
  readonly requestLogLimit: number;
}

/** The answer to one request: authentication first, then the ONTAP-error faults, then the path. */
export async function route(cluster: Served, req: IncomingMessage, url: URL, raw: string, entry: RequestLogEntry): Promise<Answer | typeof DROP> {
  // Simulator choice [auth-401]: authentication comes first, before the path is looked at.
  const login = authenticate(req, cluster.credentials, cluster.certificateLogins);
  if (login === undefined) return failure(authenticationFailed());
  entry.user = login.user;
  entry.authentication = login.authentication;
  if (cluster.scenario.serverErrors > 0) {
    cluster.scenario.serverErrors -= 1;
    return failure(internalError());
  }
  if (cluster.scenario.configLocked > 0) {
    cluster.scenario.configLocked -= 1;
    return failure(temporarilyLocked());
  }
  const method = entry.method;
  // Simulator choice [double-slash]: empty path segments are dropped, so `/api//security` (which NetApp's
  // Ansible modules ask, their base URL ending in `/api/`) is `/api/security`, as real clusters serve it.
  const path = servedPath(url.pathname);
  if (path === "/api/cluster") {
    if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET here"));
    return getCluster(cluster, url.searchParams);
  }
  if (path === "/api/security") {
    // 9.6 has no /api/security at all: every method is "API not found", as on a real 9.6 cluster.
    if (!atLeast(cluster.ontapVersion, "9.7.0")) return failure(apiNotFound());
    if (method === "GET") return getSecurity(cluster, url.searchParams);
    if (method === "PATCH") {
      // Simulator choice [concurrent-patches]: a PATCH while a security job runs starts a job of its own.
      if (cluster.engine.securityJobRunning()) {
        cluster.patchesWhileJobRunning.push(entry);
        // Bounded as the request log is: a simulator left running must not grow without bound.
        if (cluster.patchesWhileJobRunning.length > Math.max(0, cluster.requestLogLimit)) cluster.patchesWhileJobRunning.shift();
      }
      if (!atLeast(cluster.ontapVersion, "9.8.0")) return failure(methodNotAllowed(method, path, `PATCH exists from ONTAP 9.8; this cluster runs ${cluster.version}`));
      if (login.role !== "admin") return failure(notAuthorized());
      return patchSecurity(cluster, url.searchParams, raw, login.user);
    }
    return failure(methodNotAllowed(method, path, "only GET and PATCH are allowed"));
  }
  if (path === "/api/cluster/jobs") {
    if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET on jobs"));
    const body = renderJobCollection(
      [...cluster.engine.jobs.values()].filter((job) => !job.lost),
      url.searchParams,
      `${path}${url.search}`,
      cluster.scenario.errorArguments,
    );
    return isFailure(body) ? failure(body) : { status: 200, body };
  }
  const job = /^\/api\/cluster\/jobs\/([^/]+)$/.exec(path);
  if (job) {
    if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET on jobs"));
    return getJob(cluster, decodeURIComponent(job[1] as string), url.searchParams);
  }
  return failure(notSimulated(method, path));
}

/** The path as the cluster serves it: empty segments dropped (`/api//security` is `/api/security`). */
export function servedPath(pathname: string): string {
  return pathname.replace(/\/{2,}/g, "/");
}

const CLUSTER_FIELDS = /^(name|uuid|version|version\.(full|generation|major|minor))$/;

function getCluster(cluster: Served, query: URLSearchParams): Answer {
  const stray = strayParameter(query, GET_PARAMETERS);
  if (stray) return failure(unexpectedArgument(stray));
  const parameters = readGetParameters(query, (field) => CLUSTER_FIELDS.test(field));
  if (isFailure(parameters)) return failure(parameters);
  const all: Record<string, unknown> = { name: cluster.name, uuid: cluster.uuid, version: clusterVersionJson(cluster.ontapVersion) };
  const fields = query.get("fields");
  const body: Record<string, unknown> = {};
  if (defaultFields(fields)) {
    Object.assign(body, all);
  } else {
    for (const raw of (fields as string).split(",")) {
      const name = raw.trim();
      if (name === "" || name === "_links") continue;
      if (name === "*" || name === "**") {
        Object.assign(body, all);
      } else if (name === "name" || name === "uuid" || name === "version") {
        body[name] = all[name];
      } else if (/^version\.(full|generation|major|minor)$/.test(name)) {
        const key = name.slice("version.".length) as keyof ReturnType<typeof clusterVersionJson>;
        const version = (body.version ??= {}) as Record<string, unknown>;
        version[key] = clusterVersionJson(cluster.ontapVersion)[key];
      } else {
        // Simulator choice [not-simulated]: the other fields of /api/cluster are not modelled.
        return failure(invalidQueryValue("fields", name, "<field,...>; the ONTAP simulator answers only name, uuid and version on /api/cluster"));
      }
    }
  }
  body._links = { self: { href: "/api/cluster" } };
  return { status: 200, body };
}

function getSecurity(cluster: Served, query: URLSearchParams): Answer {
  const stray = strayParameter(query, GET_PARAMETERS);
  if (stray) return failure(unexpectedArgument(stray));
  const parameters = readGetParameters(query, (field) => !isFailure(selectFields(cluster.ontapVersion, field)));
  if (isFailure(parameters)) return failure(parameters);
  const selected = selectFields(cluster.ontapVersion, query.get("fields") ?? undefined);
  if (isFailure(selected)) return failure(selected);
  const body = renderSecurity(cluster.security, selected, cluster.scenario);
  const fields = query.get("fields");
  if (cluster.scenario.unknownAnswerFields && (defaultFields(fields) || /(^|,)\s*\*{1,2}\s*(,|$)/.test(fields ?? ""))) {
    // A field some editions of the reference show and no client knows (scenario `unknownAnswerFields`).
    return { status: 200, body: { us_federal_cybersecurity: { alerts_enabled: false }, ...body } };
  }
  return { status: 200, body };
}

function getJob(cluster: Served, uuid: string, query: URLSearchParams): Answer {
  const stray = strayParameter(query, GET_PARAMETERS);
  if (stray) return failure(unexpectedArgument(stray));
  const parameters = readGetParameters(query, isJobField);
  if (isFailure(parameters)) return failure(parameters);
  const job = cluster.engine.jobs.get(uuid);
  if (job === undefined || job.lost) return failure(entryDoesNotExist());
  const body = renderJob(job, query.get("fields") ?? undefined, cluster.scenario.errorArguments);
  if (isFailure(body)) return failure(body);
  return { status: 200, body };
}

async function patchSecurity(cluster: Served, query: URLSearchParams, raw: string, user: string): Promise<Answer | typeof DROP> {
  const stray = strayParameter(query, ["return_timeout", "return_records"]);
  if (stray) return failure(unexpectedArgument(stray));
  // `return_records` is documented for this PATCH (9.8, 9.9.1). Simulator choice [return-records]: accepted as
  // true or false on every release with PATCH, and ignored: the answer of a PATCH of this singleton has no records.
  const returnRecords = query.get("return_records");
  if (returnRecords !== null && queryBoolean(returnRecords) === undefined) {
    return failure(invalidQueryValue("return_records", returnRecords, "<true|false>"));
  }
  const timeoutText = query.get("return_timeout");
  // Simulator choice [return-timeout-default]: no return_timeout means 0, an answer at once.
  let returnTimeoutSeconds = 0;
  if (timeoutText !== null) {
    if (!/^\d+$/.test(timeoutText) || Number(timeoutText) > 120) {
      return failure(invalidQueryValue("return_timeout", timeoutText, "<integer 0..120>"));
    }
    returnTimeoutSeconds = Number(timeoutText);
  }
  let body: unknown;
  try {
    // Simulator choice [empty-patch]: an empty body is an empty PATCH, which runs a job that succeeds.
    body = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch (error) {
    return failure(invalidJson(error instanceof Error ? error.message : String(error)));
  }
  const patch = parseSecurityPatch(cluster.ontapVersion, body);
  if (isFailure(patch)) return failure(patch);
  if (cluster.scenario.mixedRelease) {
    return failure(ontapFailure(400, "5636142", "This operation is not supported in a mixed-release cluster. Complete the upgrade of all nodes, and then try the operation again."));
  }
  const refused = checkPatchAgainstState(cluster.ontapVersion, cluster.security, patch);
  if (refused) return failure(refused);
  if (cluster.scenario.preconditionErrors === "patch") {
    const unmet = unmetPrecondition(patch, cluster.security, cluster.scenario, cluster.name, cluster.ontapVersion);
    // Simulator choice [precondition-status]: HTTP 400 and no `target`; the reference lists these codes for the PATCH without a status.
    if (unmet) return failure(ontapFailure(400, String(unmet.code), unmet.message, undefined, unmet.values));
  }

  const job = cluster.engine.start(patch, user);
  if (cluster.scenario.patchAnswersLost > 0) {
    cluster.scenario.patchAnswersLost -= 1;
    return DROP;
  }
  if (returnTimeoutSeconds > 0 && !isTerminal(job.state)) await cluster.engine.waitFor(job.uuid, returnTimeoutSeconds * 1000);
  const link = { job: jobLink(job.uuid, cluster.scenario.jobLinkForm) };
  if (job.state === "success") return { status: 200, body: link };
  if (job.state === "failure" && cluster.scenario.failedJobAnswer === "error" && job.error) {
    // Simulator choice [failed-job-answer]: status 400 for a job that failed within return_timeout, with the job link kept.
    return { status: 400, body: { error: { message: job.error.message, code: job.error.code, arguments: job.error.arguments }, ...link } };
  }
  return { status: 202, body: link };
}
