/**
 * The endpoints this package uses, one function each: the cluster's identity and release, and
 * `/api/security` read and applied (PATCH, then the job, then the settings read back).
 */
import { Clock, systemClock } from "./clock";
import { ClusterWire, JobCollection, JobLink, SecurityPatch, SecurityWire } from "./codecs";
import { decodeOrThrow } from "./decode";
import { OntapError } from "./ontapError";
import { OntapUnsupportedReleaseError } from "./clusterErrors";
import { OntapApiError } from "./httpErrors";
import { OntapNetworkError } from "./networkErrors";
import { OntapDecodeError } from "./decodeError";
import { OntapJobFailedError, OntapJobLostError } from "./jobErrors";
import { OntapNotAppliedError, OntapPatchOutcomeUnknownError } from "./patchOutcomeErrors";
import { JobOutcome, JobRef, jobRefOf, waitForJob } from "./jobWaiter";
import { isEmptyPatch, patchMismatches, remainingPatch, wireValue } from "./readBack";
import { ONE_WAY_FIELDS } from "./securityFields";
import { ConnectionOptions, OntapResponse, OntapTransport, TransportOptions } from "./transport";
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
  /** Told when a PATCH got no usable answer, before the cluster is asked whether it was accepted. */
  readonly onAnswerLost?: (cause: OntapError) => void;
  /** Told of each security job found running after a lost answer, before it is waited for. */
  readonly onFoundJob?: (job: RunningJob) => void;
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

/** How many times one PATCH may go out in all, each after the cluster has shown the last one was not applied. */
const MAX_SENDS = 3;
/** First pause before sending again what a PATCH whose answer was lost did not apply; doubles each time. */
const RESEND_PAUSE_MS = 500;

/** How ONTAP describes the job of a `PATCH /api/security` (it names a REST job after its request). */
export const SECURITY_JOB_DESCRIPTION = "PATCH /api/security";

/** A security job found queued, running or paused on the cluster. */
export interface RunningJob {
  readonly ref: JobRef;
  readonly state: string;
  readonly description: string;
  /** As ONTAP writes it (ISO-8601 with an offset), when it said. */
  readonly startTime: string | undefined;
}

/** How a job found running ended. */
export type SettledJob =
  | { readonly job: RunningJob; readonly outcome: "success" | "lost" }
  | { readonly job: RunningJob; readonly outcome: "failure"; readonly error: OntapJobFailedError };

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
    if (!fields.some((field) => wireValue(security, field) !== undefined)) {
      throw new OntapDecodeError(response.request, "SecurityWire", [`(body): none of the fields asked for (${fields.join(", ")}) is in the answer`]);
    }
    return security;
  }

  /**
   * The security jobs still queued, running or paused on the cluster: one request. ONTAP names a job
   * started by a REST request after that request, so this finds the jobs of every `PATCH /api/security`,
   * whoever sent it (another pipeline, System Manager, a run of this provider that was killed).
   * @see https://docs.netapp.com/us-en/ontap-automation/rest/asynchronous_processing.html
   */
  async findRunningSecurityJobs(): Promise<RunningJob[]> {
    const response = await this.#transport.request({
      method: "GET",
      path: "/api/cluster/jobs",
      query: { description: SECURITY_JOB_DESCRIPTION, state: "queued|running|paused", fields: "uuid,state,description,start_time" },
    });
    return decodeOrThrow(JobCollection, response.request, response.body)
      .records.filter((job) => job.state !== "success" && job.state !== "failure")
      .map((job) => ({
        ref: jobRefOf(job),
        state: job.state,
        description: job.description ?? SECURITY_JOB_DESCRIPTION,
        startTime: job.start_time,
      }));
  }

  /**
   * Waits for each job with the one job waiter, up to the deadline (then `OntapJobTimeoutError`). A job
   * that fails is reported, not thrown: it may be anyone's, and the settings after it are what count.
   */
  async waitForJobs(jobs: readonly RunningJob[], options: ApplyOptions): Promise<SettledJob[]> {
    const settled: SettledJob[] = [];
    for (const job of jobs) {
      try {
        const outcome = await this.#wait(job.ref, this.#clock.now(), options);
        settled.push({ job, outcome: outcome.kind });
      } catch (error) {
        if (!(error instanceof OntapJobFailedError)) throw error;
        settled.push({ job, outcome: "failure", error });
      }
    }
    return settled;
  }

  /**
   * `PATCH /api/security`, then waits for its job, then reads the settings back and checks that they
   * show what was asked (with the semantics of `patchMismatches`): a job that succeeds without effect is
   * `OntapNotAppliedError`, a vanished job without effect `OntapJobLostError`.
   *
   * The server is asked to hold the request until the job ends (`return_timeout`, up to 120 s): a 200
   * then means the job ended, and the read-back confirms it without polling. A 202 means it is still
   * going: the job waiter takes over. An error body that links a job is a failed job.
   *
   * The PATCH is never sent twice blindly. It goes once, without the transport's retries; when its
   * answer is lost (no answer, a reset, a server fault) ONTAP may already be running its job, so the
   * cluster is asked first: a security job still running is waited for, the settings are re-read, and
   * only what they still lack is sent again. A conversion is never sent again this way.
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
    let toSend = patch;
    for (let send = 1; ; send++) {
      const startedAt = this.#clock.now();
      // The hold ends a second before the deadline, so that the answer (and the job it names) arrives in time.
      const holdSeconds = Math.max(0, Math.min(MAX_RETURN_TIMEOUT, Math.floor((options.deadline - startedAt) / 1000) - 1));
      const query = { return_timeout: String(holdSeconds) };
      let response;
      try {
        response = await this.#transport.request({ method: "PATCH", path: "/api/security", query, body: toSend, holdSeconds, resendAfterNetworkError: false });
      } catch (error) {
        if (error instanceof OntapApiError && error.jobUuid !== undefined) {
          throw new OntapJobFailedError({
            uuid: error.jobUuid,
            description: SECURITY_JOB_DESCRIPTION,
            ...(error.code !== undefined ? { code: error.code } : {}),
            ...(error.ontapMessage !== undefined ? { message: error.ontapMessage } : {}),
          });
        }
        if (!answerMayBeLost(error)) throw error;
        const recovered = await this.#afterLostAnswer(version, patch, error, send, options);
        if (recovered.kind === "done") return recovered.result;
        toSend = recovered.remaining;
        continue;
      }
      return this.#finish(version, patch, response, startedAt, options);
    }
  }

  /** The answer arrived: wait for the job it links (if still going), read back and check. */
  async #finish(version: OntapVersion, patch: SecurityPatch, response: OntapResponse, startedAt: number, options: ApplyOptions): Promise<ApplyResult> {
    if (!JobLink.is(response.body)) {
      // Answered synchronously without a job: the read-back is the proof.
      return { security: this.#verified(patch, await this.getSecurity(version), undefined, "success"), jobUuid: undefined };
    }
    const ref = jobRefOf(decodeOrThrow(JobLink, response.request, response.body).job);
    if (response.status !== 202) {
      // 200: the job ended within return_timeout. If the settings show the PATCH, that is the proof;
      // otherwise the job says why (a failure is its error, a job still going is waited for).
      const security = await this.getSecurity(version);
      if (patchMismatches(patch, security).length === 0) return { security, jobUuid: ref.uuid };
    }
    const outcome = await this.#wait(ref, startedAt, options);
    return { security: this.#verified(patch, await this.getSecurity(version), ref.uuid, outcome.kind), jobUuid: ref.uuid };
  }

  /** The settings if they show the PATCH; otherwise the error that says the job was lost or had no effect. */
  #verified(patch: SecurityPatch, security: SecurityWire, jobUuid: string | undefined, outcome: JobOutcome["kind"]): SecurityWire {
    const mismatches = patchMismatches(patch, security);
    if (mismatches.length === 0) return security;
    if (outcome === "lost" && jobUuid !== undefined) throw new OntapJobLostError(jobUuid, mismatches);
    throw new OntapNotAppliedError(`${this.baseUrl}/api/security`, mismatches, { jobUuid, security });
  }

  /**
   * A PATCH's answer was lost: asks the cluster whether it was accepted. Waits for any security job still
   * running (it is most likely this PATCH's), re-reads, and says what is left to send, if anything.
   */
  async #afterLostAnswer(
    version: OntapVersion,
    patch: SecurityPatch,
    cause: OntapError,
    send: number,
    options: ApplyOptions,
  ): Promise<{ kind: "done"; result: ApplyResult } | { kind: "resend"; remaining: SecurityPatch }> {
    options.onAnswerLost?.(cause);
    const running = await this.findRunningSecurityJobs();
    let jobUuid: string | undefined;
    for (const job of running) {
      options.onFoundJob?.(job);
      // A failure here is this PATCH's (or one racing it): either way the change did not happen as asked.
      await this.#wait(job.ref, this.#clock.now(), options);
      jobUuid = job.ref.uuid;
    }
    const security = await this.getSecurity(version);
    const remaining = remainingPatch(patch, security);
    if (isEmptyPatch(remaining)) return { kind: "done", result: { security, jobUuid } };
    const context = { method: "PATCH", url: this.#transport.urlOf("/api/security") };
    if (ONE_WAY_FIELDS.some((field) => wireValue(remaining, field) === true)) {
      throw new OntapPatchOutcomeUnknownError(context, cause, patchMismatches(remaining, security));
    }
    const untilDeadline = options.deadline - this.#clock.now();
    if (send >= MAX_SENDS || untilDeadline <= 0) throw cause;
    await this.#clock.sleep(Math.min(RESEND_PAUSE_MS * 2 ** (send - 1), untilDeadline));
    return { kind: "resend", remaining };
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

/**
 * True when a PATCH failed in a way that does not tell whether ONTAP acted on it: no answer (a reset, a
 * timeout, a body cut short) or a server fault after the transport's own retries.
 */
function answerMayBeLost(error: unknown): error is OntapError {
  // A 429, a 503 or the configuration lock is an answer: ONTAP turned the PATCH away before any work.
  return (error instanceof OntapNetworkError && error.retryable) || (error instanceof OntapApiError && error.retryable && !error.refusedBeforeWork);
}
