/**
 * A whole HTTP answer came back and is refused for what it is: an error status from ONTAP, a redirect
 * (which ONTAP never sends), or a body too large to be ONTAP's.
 */
import { OntapError, RequestContext } from "./ontapError";

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
