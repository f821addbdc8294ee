/**
 * The package's error family, rooted here so that the ONTAP layer can use it without knowing Pulumi.
 *
 * Every error the package throws is an `OntapSecurityError`. Below it, two abstract layer bases:
 * `OntapError` for what ONTAP or the network did (this file), `ClusterSecurityError` for what the
 * program, its configuration or its state asks (`lifecycle/errors.ts`). Only leaf classes are
 * thrown: the bases are abstract, so `new OntapError(…)` does not compile.
 *
 * To add a condition a user must handle: a class extending the layer's base, with context fields
 * (never a credential), a message that says what happened, and a row in the README's errors table.
 * Advice about Pulumi (commands, config keys, arguments) is not written here: the lifecycle adds it
 * with `advise` where it knows what the user was doing.
 */

/** The root of every error this package throws: catch this to catch them all. */
export abstract class OntapSecurityError extends Error {
  #advice: readonly string[] = [];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * Appends advice to the message and to `advice`, keeping the class and its context fields, so that
   * an outer layer can say what to do next without hiding what happened.
   */
  advise(advice: string): this {
    const before = this.message;
    // Read the stack first: V8 formats it from the message on first access.
    const stack = this.stack;
    this.message = `${before} ${advice}`;
    if (stack !== undefined) this.stack = stack.replace(before, this.message);
    this.#advice = [...this.#advice, advice];
    return this;
  }

  /** What the user can do about it, as added by the layer that knows (see `advise`). */
  get advice(): readonly string[] {
    return this.#advice;
  }
}

/** Base of the ONTAP layer's errors: what ONTAP or the network did. Never thrown itself. */
export abstract class OntapError extends OntapSecurityError {}

/** Where a request went: enough to find it in ONTAP's audit log, never a credential. */
export interface RequestContext {
  readonly method: string;
  /** The URL without credentials (they travel only in the Authorization header, or the TLS handshake). */
  readonly url: string;
  /** How the request authenticated: a password (default) or a client certificate. Decides what a 401 or 403 means. */
  readonly authentication?: "password" | "certificate";
}

/** The cluster address is not one this package can use (not HTTPS, a path, credentials in it…). */
export class OntapInvalidHostError extends OntapError {
  /** The address as given, with anything that could be a credential redacted (see `redactHost`). */
  readonly host: string | undefined;
  constructor(host: string | undefined, problem: string) {
    super(problem);
    this.host = host;
  }
}

/** The cluster's ONTAP release lacks the endpoint or method needed (GET from 9.7, PATCH from 9.8). */
export class OntapUnsupportedReleaseError extends OntapError {
  readonly url: string;
  /** `9.6.0`. */
  readonly clusterVersion: string;
  /** The oldest release that has it. */
  readonly requiredVersion: string;
  constructor(details: { url: string; clusterVersion: string; requiredVersion: string; what: string }) {
    super(
      `${details.url} runs ONTAP ${details.clusterVersion}, which ${details.what} (it arrived in ${details.requiredVersion})`,
    );
    this.url = details.url;
    this.clusterVersion = details.clusterVersion;
    this.requiredVersion = details.requiredVersion;
  }
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
  /** The pause a 429 or 503 asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** How the refused request authenticated: a 401 or 403 is about the password or the client certificate. */
  readonly authentication: "password" | "certificate";

  constructor(
    request: RequestContext,
    details: { status: number; code?: string; target?: string; ontapMessage?: string; jobUuid?: string; retryAfterMs?: number },
  ) {
    super(describeApiError(request, details));
    this.method = request.method;
    this.url = request.url;
    this.status = details.status;
    this.code = details.code;
    this.target = details.target;
    this.ontapMessage = details.ontapMessage;
    this.jobUuid = details.jobUuid;
    this.retryAfterMs = details.retryAfterMs;
    this.authentication = request.authentication ?? "password";
  }

  /** The cluster refused the request's credentials (401): the password, or the client certificate. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }

  /** The credentials were taken, but the account lacks the role (403). */
  get forbidden(): boolean {
    return this.status === 403;
  }

  /** What the request names is not there (404): for a job, ONTAP has deleted it once finished. */
  get notFound(): boolean {
    return this.status === 404;
  }

  /** ONTAP refused a value in the request (400); `target` names the field when ONTAP says. */
  get refusedValue(): boolean {
    return this.status === 400;
  }

  /**
   * ONTAP refused the request as sent (a 4xx that is not a transient refusal): the same request would
   * meet the same answer, and, with no job linked, nothing was started.
   */
  get refusedAsSent(): boolean {
    return this.status >= 400 && this.status < 500 && !this.retryable;
  }

  /** True for errors that a later identical request may not hit: lock contention and server faults. */
  get retryable(): boolean {
    return this.code === CONFIG_LOCKED_CODE || this.status >= 500 || this.status === 429;
  }

  /**
   * True when the answer itself says the request was turned away before any work (too many requests,
   * unavailable, ONTAP's configuration lock). Other server faults (500, 502, 504) may come after a
   * mutation was carried out, so they do not say whether a job started.
   */
  get refusedBeforeWork(): boolean {
    return this.code === CONFIG_LOCKED_CODE || this.status === 429 || this.status === 503;
  }
}

/** MetroCluster configuration-baseline lock: "temporarily locked", worth retrying. */
const CONFIG_LOCKED_CODE = "2621573";

function describeApiError(
  request: RequestContext,
  d: { status: number; code?: string; target?: string; ontapMessage?: string; jobUuid?: string; retryAfterMs?: number },
): string {
  const parts = [`${request.method} ${request.url} failed with HTTP ${d.status}`];
  if (d.ontapMessage !== undefined) parts.push(`: ${d.ontapMessage}`);
  const extra: string[] = [];
  if (d.code !== undefined) extra.push(`ONTAP error code ${d.code}`);
  if (d.target !== undefined) extra.push(`target ${d.target}`);
  if (d.jobUuid !== undefined) extra.push(`job ${d.jobUuid}`);
  if (d.retryAfterMs !== undefined) extra.push(`asked to retry after ${Math.ceil(d.retryAfterMs / 1000)} s`);
  if (extra.length > 0) parts.push(` (${extra.join(", ")})`);
  parts.push(meaningOf(d.status, request.authentication ?? "password"));
  return parts.join("");
}

/** What ONTAP means by the statuses a user meets first; how to fix it is the caller's to say. */
function meaningOf(status: number, authentication: "password" | "certificate"): string {
  const certificate = authentication === "certificate";
  switch (status) {
    case 401:
      return certificate ? ". The cluster refused the client certificate." : ". The cluster refused the username and password.";
    case 403:
      return `. The account${certificate ? " the client certificate maps to (by its common name)" : ""} lacks the role to do this; it needs write access to 'security config' (for example the admin role).`;
    default:
      return "";
  }
}

/** The request never got a whole HTTP answer: refused, reset, cut short, too slow, or a TLS failure. */
export class OntapNetworkError extends OntapError {
  readonly method: string;
  readonly url: string;
  /** False when sending again cannot help (a certificate the client will never trust). */
  readonly retryable: boolean;
  constructor(request: RequestContext, cause: unknown, what?: string, retryable = true) {
    super(`${request.method} ${request.url} failed: ${what ?? describeCause(cause)}`, { cause });
    this.method = request.method;
    this.url = request.url;
    this.retryable = retryable;
  }
}

/**
 * The answer's headers arrived, then its body stalled or dripped past the body bound. Retryable as a
 * network fault (a PATCH's answer so lost leaves its outcome unknown, and is judged by asking the
 * cluster), but the transport asks again only a request that says a retry is worth it (the job
 * waiter's polls): a server or proxy that holds one body tends to hold the next, and four body bounds
 * spent on one cluster would hold a preview of many for minutes.
 */
export class OntapBodyStalledError extends OntapNetworkError {
  /** The body bound that passed, in milliseconds. */
  readonly bodyTimeoutMs: number;
  constructor(request: RequestContext, bodyTimeoutMs: number) {
    const bound = bodyTimeoutMs >= 1000 ? `${Math.round(bodyTimeoutMs / 1000)} s` : `${bodyTimeoutMs} ms`;
    super(request, undefined, `the answer's body did not arrive within ${bound} of its headers (it stalled or dripped)`);
    this.bodyTimeoutMs = bodyTimeoutMs;
  }
}

/**
 * The TLS handshake failed on the cluster's certificate (untrusted, wrong name, expired). Never
 * retried: the next attempt meets the same certificate.
 */
export class OntapCertificateError extends OntapNetworkError {
  /** Node's code for the failure, e.g. `SELF_SIGNED_CERT_IN_CHAIN`, `ERR_TLS_CERT_ALTNAME_INVALID`, `CERT_HAS_EXPIRED`. */
  readonly tlsCode: string;
  constructor(request: RequestContext, cause: unknown, tlsCode: string = tlsCodeOf(cause) ?? "unknown") {
    super(request, cause, `${describeCause(cause)}. The cluster's certificate is not trusted.`, false);
    this.tlsCode = tlsCode;
  }
}

/**
 * The cluster ended the TLS handshake with an alert about the client certificate (unknown CA, expired,
 * revoked, bad): how a server that verifies client certificates inside TLS refuses one. Never retried.
 */
export class OntapClientCertificateRefusedError extends OntapNetworkError {
  /** Node's code for the alert, e.g. `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED`. */
  readonly tlsCode: string;
  constructor(request: RequestContext, cause: unknown, tlsCode: string) {
    super(request, cause, `${describeCause(cause)}. The cluster ended the TLS handshake: it does not accept the client certificate.`, false);
    this.tlsCode = tlsCode;
  }
}

/** Node's TLS verification code in an error or its causes: the certificate, not the network, is the problem. */
export function tlsCodeOf(cause: unknown): string | undefined {
  let current = cause;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME|_ALERT_/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * An alert received from the server about our certificate, as opposed to our own refusal of the
 * server's: `ERR_SSL_…_ALERT_UNKNOWN_CA`, `…_ALERT_CERTIFICATE_EXPIRED`, `…_ALERT_CERTIFICATE_REQUIRED`.
 */
const CLIENT_CERTIFICATE_ALERT = /^ERR_SSL_.*_ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_\w+|ACCESS_DENIED)$/;

/** The error for a request that got no HTTP answer: a certificate refusal, either way, has its own class. */
export function networkErrorOf(request: RequestContext, cause: unknown): OntapNetworkError {
  const tls = tlsCodeOf(cause);
  if (tls !== undefined && CLIENT_CERTIFICATE_ALERT.test(tls)) return new OntapClientCertificateRefusedError(request, cause, tls);
  return tls !== undefined && !/_ALERT_/.test(tls) ? new OntapCertificateError(request, cause, tls) : new OntapNetworkError(request, cause);
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The server answered with a redirect (3xx). ONTAP's REST API never redirects, so whoever answered is
 * not the cluster's API (a proxy, a load balancer, an impostor): the redirect is not followed, and
 * nothing (least of all the Authorization header) is sent to where it points.
 */
export class OntapRedirectError extends OntapError {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** Where the redirect pointed, userinfo redacted; undefined when the answer had no Location. */
  readonly location: string | undefined;
  constructor(request: RequestContext, status: number, location: string | undefined) {
    super(
      `${request.method} ${request.url} answered HTTP ${status}, a redirect to ${location === undefined ? "(no Location header)" : JSON.stringify(location)}. ` +
        `ONTAP's REST API never redirects, so this is not the cluster's API answering; the redirect was not followed and nothing was sent there.`,
    );
    this.method = request.method;
    this.url = request.url;
    this.status = status;
    this.location = location;
  }
}

/** The answer was larger than any `/api/security` or job answer can be: not read further, not retried. */
export class OntapResponseTooLargeError extends OntapError {
  readonly method: string;
  readonly url: string;
  readonly limitBytes: number;
  constructor(request: RequestContext, limitBytes: number) {
    super(`${request.method} ${request.url} answered more than ${limitBytes} bytes; ONTAP's answers here are a few kilobytes, so reading stopped.`);
    this.method = request.method;
    this.url = request.url;
    this.limitBytes = limitBytes;
  }
}

/**
 * The operation's time ran out: a request was in flight (or a retry was due) when its deadline came.
 * For a job poll, `jobUuid` names the job, which was not cancelled and may still end either way.
 */
export class OntapDeadlineError extends OntapError {
  readonly method: string;
  readonly url: string;
  /** The job whose poll was in flight, if any. */
  readonly jobUuid: string | undefined;
  /** Seconds from the operation's first request to the deadline. */
  readonly budgetSeconds: number | undefined;
  constructor(request: RequestContext, what: string, details: { jobUuid?: string; budgetSeconds?: number; cause?: unknown }) {
    const budget = details.budgetSeconds === undefined ? "" : ` (${details.budgetSeconds} s after the operation began)`;
    const job = details.jobUuid === undefined ? "" : ` Job ${details.jobUuid} was not cancelled and may still end either way.`;
    super(`the operation's deadline passed${budget} while ${what}: ${request.method} ${request.url}.${job}`, { cause: details.cause });
    this.method = request.method;
    this.url = request.url;
    this.jobUuid = details.jobUuid;
    this.budgetSeconds = details.budgetSeconds;
  }
}

/** ONTAP answered 2xx with a body that is not the shape this package expects. */
export class OntapDecodeError extends OntapError {
  readonly method: string;
  readonly url: string;
  /** One line per mismatch, each naming the path of the field, what arrived and what was expected. */
  readonly problems: readonly string[];
  constructor(request: RequestContext, what: string, problems: readonly string[]) {
    super(`${request.method} ${request.url}: unexpected ${what} from ONTAP: ${problems.join("; ")}`);
    this.method = request.method;
    this.url = request.url;
    this.problems = problems;
  }
}

/**
 * ONTAP accepted a PATCH (answered without a job, or its job ended in `success`), yet the settings read
 * back do not show what it asked: the change was not applied.
 */
export class OntapNotAppliedError extends OntapError {
  readonly url: string;
  /** One line per field the cluster does not show: the wire name, what was asked and what the cluster has. */
  readonly mismatches: readonly string[];
  /** The job that reported success, when ONTAP ran one. */
  readonly jobUuid: string | undefined;
  /** The settings read back, as ONTAP sent them. */
  readonly security: unknown;
  constructor(url: string, mismatches: readonly string[], details: { jobUuid?: string | undefined; security?: unknown } = {}) {
    const what = details.jobUuid === undefined ? `PATCH ${url} was accepted` : `job ${details.jobUuid} (PATCH ${url}) ended in success`;
    super(
      `${what}, but the cluster does not show the change: ${mismatches.join("; ")}. ONTAP did not apply it; ` +
        `the cluster's event log (event log show) may say why.`,
    );
    this.url = url;
    this.mismatches = mismatches;
    this.jobUuid = details.jobUuid;
    this.security = details.security;
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
        `and may still succeed (see ${job.url}).`,
    );
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
        `the change (${mismatches.join("; ")}); the cluster's event log may say why.`,
    );
    this.jobUuid = jobUuid;
    this.mismatches = mismatches;
  }
}

/** Polling a job kept failing (network or server errors): its outcome is unknown, it may still be running. */
export class OntapJobUnreachableError extends OntapError {
  readonly jobUuid: string;
  constructor(jobUuid: string, cause: OntapError) {
    super(`lost contact with the cluster while waiting for job ${jobUuid}: ${cause.message}. The job may still be running.`, {
      cause,
    });
    this.jobUuid = jobUuid;
  }
}

/**
 * The answer to a PATCH was lost, no job of it is running on the cluster, and the cluster does not show
 * the change. Sending it again would be blind: for a conversion, that could start a second one.
 */
export class OntapPatchOutcomeUnknownError extends OntapError {
  readonly method: string;
  readonly url: string;
  readonly mismatches: readonly string[];
  constructor(request: RequestContext, cause: OntapError, mismatches: readonly string[]) {
    super(
      `${request.method} ${request.url} got no answer (${cause.message}); no job of it is running on the cluster and the ` +
        `cluster does not show the change (${mismatches.join("; ")}). It was not sent again, so that a conversion never starts twice.`,
      { cause },
    );
    this.method = request.method;
    this.url = request.url;
    this.mismatches = mismatches;
  }
}
