/**
 * The endpoints this package uses, one function each: the cluster's identity and release, and
 * `/api/security` read and applied (PATCH, then the job, then the settings read back).
 */
import { Clock, systemClock } from "./clock";
import { ClusterWire, JobLink, SecurityPatch, SecurityWire } from "./codecs";
import { decodeOrThrow } from "./decode";
import { OntapApiError, OntapDecodeError, OntapJobFailedError, OntapJobLostError, OntapNotAppliedError, OntapUnsupportedReleaseError } from "./errors";
import { JobOutcome, JobRef, jobRefOf, waitForJob } from "./jobs";
import { patchMismatches } from "./semantics";
import { ConnectionOptions, OntapTransport, TransportOptions } from "./transport";
import { OntapVersion, SECURITY_GET_SINCE, SECURITY_PATCH_SINCE, atLeast, formatVersion, readableFields } from "./versions";

/** The cluster's identity, as outputs report it. */
export interface ClusterInfo {
  readonly uuid: string;
  readonly name: string;
  /** `9.16.1`. */
  readonly version: string;
  readonly parsedVersion: OntapVersion;
}

/** How a PATCH is applied. */
export interface ApplyOptions {
  /** When to stop waiting for the job, in the clock's milliseconds. */
  readonly deadline: number;
  /** Told of job states while waiting, for progress messages. */
  readonly onJobState?: (jobUuid: string, state: string, elapsedMs: number) => void;
}

/** What applying a PATCH did. */
export interface ApplyResult {
  /** The settings read back after the job. */
  readonly security: SecurityWire;
  /** The job ONTAP ran, when it linked one. */
  readonly jobUuid: string | undefined;
}

/** Most seconds ONTAP holds a request (`return_timeout` accepts 0..120). */
const MAX_RETURN_TIMEOUT = 120;

/** A client for one cluster. `close()` it when done. */
export class OntapClient {
  readonly #transport: OntapTransport;
  readonly #clock: Clock;

  constructor(connection: ConnectionOptions, options: TransportOptions = {}) {
    this.#transport = new OntapTransport(connection, options);
    this.#clock = options.clock ?? systemClock;
  }

  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /** When the operation must be over (clock milliseconds), if its transport was given a deadline. */
  get deadline(): number | undefined {
    return this.#transport.deadline;
  }

  /** Moves the transport's deadline (see `OntapTransport.setDeadline`). */
  setDeadline(deadline: number | undefined): void {
    this.#transport.setDeadline(deadline);
  }

  close(): void {
    this.#transport.close();
  }

  /** `GET /api/cluster`: uuid, name and release. */
  async getCluster(): Promise<ClusterInfo> {
    const response = await this.#transport.request({
      method: "GET",
      path: "/api/cluster",
      query: { fields: "version,name,uuid" },
    });
    const cluster = decodeOrThrow(ClusterWire, response.request, response.body);
    return { uuid: cluster.uuid, name: cluster.name, version: formatVersion(cluster.version), parsedVersion: cluster.version };
  }

  /** `GET /api/security` with every field this release has (asking for others is a 400). */
  async getSecurity(version: OntapVersion): Promise<SecurityWire> {
    if (!atLeast(version, SECURITY_GET_SINCE)) {
      throw new OntapUnsupportedReleaseError({
        url: this.baseUrl,
        clusterVersion: formatVersion(version),
        requiredVersion: SECURITY_GET_SINCE,
        what: "has no /api/security",
      });
    }
    const fields = readableFields(version);
    const response = await this.#transport.request({
      method: "GET",
      path: "/api/security",
      query: { fields: fields.join(",") },
    });
    const security = decodeOrThrow(SecurityWire, response.request, response.body);
    // A 200 without any field asked for is not "no settings": something other than ONTAP answered,
    // or it ignored `fields=`. Believing it would plan PATCHes against settings never seen.
    if (!fields.some((field) => valueAt(security, field) !== undefined)) {
      throw new OntapDecodeError(response.request, "SecurityWire", [`(body): none of the fields asked for (${fields.join(", ")}) is in the answer`]);
    }
    return security;
  }

  /**
   * `PATCH /api/security`, then waits for its job, then reads the settings back.
   *
   * The server is asked to hold the request until the job ends (`return_timeout`, up to 120 s): a 200
   * then means the job succeeded, and the read-back confirms it without polling. A 202 means it is still
   * going: the job waiter takes over. An error body that links a job is a failed job. A job that vanished
   * is judged by the read-back: in place means done, anything else is `OntapJobLostError`.
   */
  async applySecurity(version: OntapVersion, patch: SecurityPatch, options: ApplyOptions): Promise<ApplyResult> {
    if (!atLeast(version, SECURITY_PATCH_SINCE)) {
      throw new OntapUnsupportedReleaseError({
        url: this.baseUrl,
        clusterVersion: formatVersion(version),
        requiredVersion: SECURITY_PATCH_SINCE,
        what: "cannot change /api/security (PATCH)",
      });
    }
    const startedAt = this.#clock.now();
    // The hold ends a second before the deadline, so that the answer (and the job it names) arrives in time.
    const holdSeconds = Math.max(0, Math.min(MAX_RETURN_TIMEOUT, Math.floor((options.deadline - startedAt) / 1000) - 1));
    let response;
    try {
      response = await this.#transport.request({
        method: "PATCH",
        path: "/api/security",
        query: { return_timeout: String(holdSeconds) },
        body: patch,
        holdSeconds,
      });
    } catch (error) {
      if (error instanceof OntapApiError && error.jobUuid !== undefined) {
        throw new OntapJobFailedError({
          uuid: error.jobUuid,
          description: "PATCH /api/security",
          ...(error.code !== undefined ? { code: error.code } : {}),
          ...(error.ontapMessage !== undefined ? { message: error.ontapMessage } : {}),
        });
      }
      throw error;
    }
    if (!JobLink.is(response.body)) {
      // Answered synchronously without a job: the read-back is the proof.
      return { security: await this.#confirm(version, patch, undefined), jobUuid: undefined };
    }
    const ref = jobRefOf(decodeOrThrow(JobLink, response.request, response.body).job);
    if (response.status === 202) {
      const outcome = await this.#wait(ref, startedAt, options);
      if (outcome.kind === "lost") return { security: await this.#confirm(version, patch, ref), jobUuid: ref.uuid };
      return { security: await this.getSecurity(version), jobUuid: ref.uuid };
    }
    // 200: the job ended within return_timeout. ONTAP's docs say that means success; the read-back checks.
    return { security: await this.#confirmOrExplain(version, patch, ref, options), jobUuid: ref.uuid };
  }

  /** Reads back; if the cluster does not show the PATCH, the job was lost without effect. */
  async #confirm(version: OntapVersion, patch: SecurityPatch, ref: JobRef | undefined): Promise<SecurityWire> {
    const security = await this.getSecurity(version);
    const mismatches = patchMismatches(patch, security);
    if (mismatches.length > 0) {
      if (ref === undefined) {
        throw new OntapNotAppliedError(`${this.baseUrl}/api/security`, mismatches);
      }
      throw new OntapJobLostError(ref.uuid, mismatches);
    }
    return security;
  }

  /**
   * Reads back after a 200. If the settings differ from the PATCH, the job decides: a failure becomes
   * its error, a job still going is waited for, a success is believed (ONTAP may store a value
   * differently than asked) and a vanished job is judged by the settings.
   */
  async #confirmOrExplain(version: OntapVersion, patch: SecurityPatch, ref: JobRef, options: ApplyOptions): Promise<SecurityWire> {
    const security = await this.getSecurity(version);
    if (patchMismatches(patch, security).length === 0) return security;
    const outcome = await this.#wait(ref, this.#clock.now(), options);
    if (outcome.kind === "lost") return this.#confirm(version, patch, ref);
    return this.getSecurity(version);
  }

  #wait(ref: JobRef, startedAt: number, options: ApplyOptions): Promise<JobOutcome> {
    const onJobState = options.onJobState;
    return waitForJob(this.#transport, ref, {
      deadline: options.deadline,
      startedAt,
      clock: this.#clock,
      ...(onJobState ? { onState: (state: string, elapsed: number) => onJobState(ref.uuid, state, elapsed) } : {}),
    });
  }
}

/** The value at a dotted path (`fips.enabled`) of a decoded body. */
function valueAt(body: unknown, path: string): unknown {
  let current = body;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
