/**
 * The errors of the ONTAP layer. Each says what failed (method and URL, never credentials), what ONTAP
 * answered (its code, message and target) and, where it helps, what to do next.
 */

/** Common base: every error this package throws from talking to ONTAP is an `OntapError`. */
export class OntapError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OntapError";
  }
}

/** Where a request went: enough to find it in ONTAP's audit log, never a credential. */
export interface RequestContext {
  readonly method: string;
  /** The URL without credentials (they travel only in the Authorization header). */
  readonly url: string;
}

/** ONTAP answered with an error status (4xx/5xx). */
export class OntapApiError extends OntapError {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** ONTAP's error code as a string ("6", "262179"), when it sent one. */
  readonly code: string | undefined;
  readonly target: string | undefined;
  readonly ontapMessage: string | undefined;
  /** The job ONTAP started despite the error, when the body links one. */
  readonly jobUuid: string | undefined;

  constructor(
    request: RequestContext,
    details: { status: number; code?: string; target?: string; ontapMessage?: string; jobUuid?: string },
  ) {
    super(describeApiError(request, details));
    this.name = "OntapApiError";
    this.method = request.method;
    this.url = request.url;
    this.status = details.status;
    this.code = details.code;
    this.target = details.target;
    this.ontapMessage = details.ontapMessage;
    this.jobUuid = details.jobUuid;
  }

  /** True for errors that a later identical request may not hit: lock contention and server faults. */
  get retryable(): boolean {
    return this.code === CONFIG_LOCKED_CODE || this.status >= 500 || this.status === 429;
  }
}

/** MetroCluster configuration-baseline lock: "temporarily locked", worth retrying. */
export const CONFIG_LOCKED_CODE = "2621573";

function describeApiError(
  request: RequestContext,
  d: { status: number; code?: string; target?: string; ontapMessage?: string; jobUuid?: string },
): string {
  const parts = [`${request.method} ${request.url} failed with HTTP ${d.status}`];
  if (d.ontapMessage !== undefined) parts.push(`: ${d.ontapMessage}`);
  const extra: string[] = [];
  if (d.code !== undefined) extra.push(`ONTAP error code ${d.code}`);
  if (d.target !== undefined) extra.push(`target ${d.target}`);
  if (d.jobUuid !== undefined) extra.push(`job ${d.jobUuid}`);
  if (extra.length > 0) parts.push(` (${extra.join(", ")})`);
  parts.push(hintFor(d.status));
  return parts.join("");
}

function hintFor(status: number): string {
  switch (status) {
    case 401:
      return ". Check the username and password (ontap:username / ontap:password or ONTAP_USERNAME / ONTAP_PASSWORD).";
    case 403:
      return ". The account lacks the role to do this; it needs write access to 'security config' (for example the admin role).";
    default:
      return "";
  }
}

/** The request never got an HTTP answer: refused, reset, TLS failure, or our own timeout. */
export class OntapNetworkError extends OntapError {
  readonly method: string;
  readonly url: string;
  constructor(request: RequestContext, cause: unknown) {
    super(`${request.method} ${request.url} failed: ${describeCause(cause)}`, { cause });
    this.name = "OntapNetworkError";
    this.method = request.method;
    this.url = request.url;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const suffix =
      typeof code === "string" && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)
        ? ". The cluster's certificate is not trusted: set caCertificate (ontap:caCertificate) to its CA in PEM, or insecure: true to skip verification."
        : "";
    return `${cause.message}${suffix}`;
  }
  return String(cause);
}

/** ONTAP answered 2xx with a body that is not the shape this package expects. */
export class OntapDecodeError extends OntapError {
  readonly method: string;
  readonly url: string;
  /** One line per mismatch, each naming the path of the field, what arrived and what was expected. */
  readonly problems: readonly string[];
  constructor(request: RequestContext, what: string, problems: readonly string[]) {
    super(`${request.method} ${request.url}: unexpected ${what} from ONTAP: ${problems.join("; ")}`);
    this.name = "OntapDecodeError";
    this.method = request.method;
    this.url = request.url;
    this.problems = problems;
  }
}

/** An asynchronous job ended in `failure`. */
export class OntapJobFailedError extends OntapError {
  readonly jobUuid: string;
  readonly code: string | undefined;
  readonly ontapMessage: string | undefined;
  readonly description: string | undefined;
  constructor(job: { uuid: string; code?: string; message?: string; description?: string }) {
    const what = job.description ?? "the ONTAP job";
    const code = job.code !== undefined ? ` (ONTAP error code ${job.code})` : "";
    super(`${what} failed in job ${job.uuid}: ${job.message ?? "no message"}${code}`);
    this.name = "OntapJobFailedError";
    this.jobUuid = job.uuid;
    this.code = job.code;
    this.ontapMessage = job.message;
    this.description = job.description;
  }
}

/** The deadline passed while the job was still queued, running or paused on the cluster. */
export class OntapJobTimeoutError extends OntapError {
  readonly jobUuid: string;
  readonly lastState: string;
  readonly waitedSeconds: number;
  constructor(job: { uuid: string; state: string; waitedSeconds: number; url: string }) {
    super(
      `job ${job.uuid} is still ${job.state} on the cluster after ${job.waitedSeconds} s: it was not cancelled ` +
        `and may still succeed (see ${job.url}). Raise jobTimeoutSeconds for slow operations, and once the ` +
        `job has ended run 'pulumi refresh' and 'pulumi up' to bring state and cluster together.`,
    );
    this.name = "OntapJobTimeoutError";
    this.jobUuid = job.uuid;
    this.lastState = job.state;
    this.waitedSeconds = job.waitedSeconds;
  }
}

/**
 * The job disappeared (404: ONTAP deletes finished jobs after a while) and re-reading the settings
 * shows the change is not in place, so the job cannot be counted as a success.
 */
export class OntapJobLostError extends OntapError {
  readonly jobUuid: string;
  readonly mismatches: readonly string[];
  constructor(jobUuid: string, mismatches: readonly string[]) {
    super(
      `job ${jobUuid} vanished from the cluster before its outcome was seen, and /api/security does not show ` +
        `the change (${mismatches.join("; ")}). Check the cluster's event log, then run 'pulumi up' again.`,
    );
    this.name = "OntapJobLostError";
    this.jobUuid = jobUuid;
    this.mismatches = mismatches;
  }
}

/** Polling a job kept failing (network or server errors): its outcome is unknown, it may still be running. */
export class OntapJobUnreachableError extends OntapError {
  readonly jobUuid: string;
  constructor(jobUuid: string, cause: OntapError) {
    super(
      `lost contact with the cluster while waiting for job ${jobUuid}: ${cause.message}. The job may still be ` +
        `running: once the cluster answers again, run 'pulumi refresh' and 'pulumi up'.`,
      { cause },
    );
    this.name = "OntapJobUnreachableError";
    this.jobUuid = jobUuid;
  }
}
