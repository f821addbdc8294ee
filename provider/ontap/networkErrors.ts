/**
 * No whole HTTP answer came back in time: the network, the TLS handshake (either side's certificate),
 * a body that stalled, or the operation's deadline.
 */
import { OntapError, RequestContext } from "./ontapError";

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
