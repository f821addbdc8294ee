/**
 * HTTPS to one ONTAP cluster: base URL, authentication, TLS trust, JSON, error bodies, bounded retries
 * of what may heal, and the guards of a hostile network: no redirect followed, answers capped in size
 * and time, bodies cut short noticed, one deadline over every request of an operation. Knows nothing of `/api/security` or of Pulumi.
 */
import type { ClientRequest, IncomingMessage } from "http";
import * as https from "https";
import fetch, { Response } from "node-fetch";
import * as TE from "fp-ts/TaskEither";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { Clock, systemClock } from "./clock";
import { ErrorBody, JobLink } from "./codecs";
import { OntapError, RequestContext } from "./ontapError";
import { OntapApiError, OntapRedirectError, OntapResponseTooLargeError } from "./httpErrors";
import { OntapBodyStalledError, OntapDeadlineError, OntapNetworkError, networkErrorOf } from "./networkErrors";
import { baseUrlOf } from "./host";
import { quoteServerText, redactHost } from "./redact";

/**
 * How to reach and authenticate to a cluster: basic authentication with `password`, or mutual TLS with
 * `clientCertificate` and `clientKey` (then no password is sent at all).
 */
export interface ConnectionOptions {
  /** Cluster management address: a name, an IP, `name:port` or `https://name:port`. */
  readonly host: string;
  /** The account; with a client certificate, its common name (ONTAP takes the account from it). */
  readonly username: string;
  readonly password?: string;
  /** PEM client certificate, presented in the TLS handshake. */
  readonly clientCertificate?: string;
  /** PEM private key of `clientCertificate`. */
  readonly clientKey?: string;
  /** Skip certificate verification (clusters often run a self-signed certificate). Default false. */
  readonly insecure?: boolean;
  /** PEM of the CA (or the self-signed certificate) that the cluster's certificate chains to. */
  readonly caCertificate?: string;
}

/** Tuning of the transport; every field has a default suited to a production cluster. */
export interface TransportOptions {
  /** Attempts for a request that fails transiently (dropped connection, 5xx, 429, configuration lock). Default 4. */
  readonly attempts?: number;
  /** First pause between attempts; doubles each time. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Time allowed for the answer's status and headers, on top of any `return_timeout` the server was asked to hold. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Time allowed to read an answer's body once its headers arrived: a body that drips is a network fault. Default 15 s. */
  readonly bodyTimeoutMs?: number;
  /** Largest answer read, in bytes; `/api/security` and job answers are a few KB. Default 4 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * When the whole operation must be over, in the clock's milliseconds. Every request's own bound is
   * cut to the time left, and no retry or pause runs past it. Default: none (each request keeps its bounds).
   */
  readonly deadline?: number;
  readonly clock?: Clock;
}

/** One request: path under the cluster (starting with `/api/`), query and JSON body. */
export interface OntapRequest {
  readonly method: "GET" | "PATCH";
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Seconds the server was asked to hold the request (`return_timeout`): extends the client timeout. */
  readonly holdSeconds?: number;
  /**
   * Whether the request is sent again after a failure that leaves its outcome unknown: no answer, a
   * connection reset, a body cut, or a server fault (500, 502, 504). Default true. A mutation whose
   * answer was lost may have been carried out: its caller can set false and find out from the cluster
   * instead. Answers that say nothing was done (429, 503, ONTAP's configuration lock) are retried either way.
   */
  readonly resendAfterNetworkError?: boolean;
  /**
   * Whether the request is sent again after its body stalled past the body bound
   * ({@link OntapBodyStalledError}). Default false: the one bound is the look's whole cost at a server
   * that holds bodies. The job waiter's polls set it: the job runs on whatever happens to one poll,
   * and the update's deadline bounds them all.
   */
  readonly retryAfterStall?: boolean;
}

/** A 2xx answer. */
export interface OntapResponse {
  readonly status: number;
  readonly body: unknown;
  readonly request: RequestContext;
}

/** Default cap of an answer's size: far above any ONTAP answer this package reads, far below harm. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Calls `watch` when a response's connection closes before its whole body arrived. */
type CutWatcher = () => void;

/**
 * An agent that notices bodies cut short. node-fetch 2 pipes the raw response into its own stream and
 * drops the raw stream's "aborted" close, so a body shorter than its Content-Length would hang until a
 * timeout. `addRequest` is where Node hands the agent each request; fetch calls it synchronously, so
 * the watcher set just before a fetch belongs to that fetch.
 */
class CutAwareAgent extends https.Agent {
  nextWatcher: CutWatcher | undefined;
  constructor(options: https.AgentOptions) {
    super(options);
    const base = (this as unknown as { addRequest: (req: ClientRequest, options: unknown) => void }).addRequest.bind(this);
    (this as unknown as { addRequest: (req: ClientRequest, options: unknown) => void }).addRequest = (req, requestOptions) => {
      const watcher = this.nextWatcher;
      this.nextWatcher = undefined;
      if (watcher !== undefined) {
        req.once("response", (res: IncomingMessage) => res.once("close", () => (res.complete ? undefined : watcher())));
      }
      base(req, requestOptions);
    };
  }
}

interface RawAnswer {
  status: number;
  text: string;
  location: string | null;
  retryAfter: string | null;
}

/** Talks HTTPS to one cluster. Create one per cluster and operation; `close()` frees its sockets. */
export class OntapTransport {
  readonly baseUrl: string;
  readonly #authorization: string | undefined;
  readonly #agent: CutAwareAgent;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #requestTimeoutMs: number;
  readonly #bodyTimeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #clock: Clock;
  readonly #createdAt: number;
  #deadline: number | undefined;

  constructor(connection: ConnectionOptions, options: TransportOptions = {}) {
    this.baseUrl = baseUrlOf(connection.host);
    const certificate = connection.clientCertificate !== undefined ? { cert: connection.clientCertificate, key: connection.clientKey } : undefined;
    // With a client certificate the TLS handshake authenticates: no Authorization header at all.
    this.#authorization = certificate !== undefined ? undefined : `Basic ${Buffer.from(`${connection.username}:${connection.password ?? ""}`).toString("base64")}`;
    this.#agent = new CutAwareAgent({
      keepAlive: true,
      maxSockets: 4,
      rejectUnauthorized: connection.insecure !== true,
      ...(connection.caCertificate !== undefined && connection.caCertificate !== "" ? { ca: connection.caCertificate } : {}),
      ...certificate,
    });
    this.#attempts = Math.max(1, options.attempts ?? 4);
    this.#retryDelayMs = options.retryDelayMs ?? 500;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#bodyTimeoutMs = options.bodyTimeoutMs ?? 15_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#clock = options.clock ?? systemClock;
    this.#createdAt = this.#clock.now();
    this.#deadline = options.deadline;
  }

  /** When the operation must be over (clock milliseconds), if bounded. */
  get deadline(): number | undefined {
    return this.#deadline;
  }

  /**
   * Moves the deadline: a caller that must still look at the cluster after the operation's time ran
   * out (to record what it has) gives itself a short grace this way.
   */
  setDeadline(deadline: number | undefined): void {
    this.#deadline = deadline;
  }

  /** The URL of a request, as errors show it (no credentials ever appear in it). */
  urlOf(path: string, query?: Readonly<Record<string, string>>): string {
    const search = query === undefined ? "" : new URLSearchParams(query).toString();
    return `${this.baseUrl}${path}${search === "" ? "" : `?${search}`}`;
  }

  /**
   * Sends a request, retrying what may heal (see {@link shouldRetry}) a bounded number of times with
   * doubling pauses, or the pause the server asked for (`Retry-After`), never past the deadline.
   * Resolves with 2xx answers; rejects with a typed `OntapError`.
   */
  async request(request: OntapRequest): Promise<OntapResponse> {
    let lastError: OntapError | undefined;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      const left = this.#timeLeft();
      if (left <= 0) throw this.#deadlineError(request, lastError === undefined ? "about to send" : `about to send again after: ${lastError.message}`, lastError);
      const outcome = await this.#once(request, left)();
      if (E.isRight(outcome)) return outcome.right;
      lastError = outcome.left;
      if (!shouldRetry(lastError, request) || attempt === this.#attempts) break;
      const pause = Math.max(this.#retryDelayMs * 2 ** (attempt - 1), lastError instanceof OntapApiError ? lastError.retryAfterMs ?? 0 : 0);
      // A pause that would end past the deadline is not taken: the last error is the better report.
      if (pause >= this.#timeLeft()) break;
      await this.#clock.sleep(pause);
    }
    throw lastError;
  }

  /** Frees the keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }

  #timeLeft(): number {
    return this.#deadline === undefined ? Number.POSITIVE_INFINITY : this.#deadline - this.#clock.now();
  }

  #deadlineError(request: OntapRequest, what: string, cause?: unknown): OntapDeadlineError {
    const context: RequestContext = { method: request.method, url: this.urlOf(request.path, request.query) };
    const job = /^\/api\/cluster\/jobs\/([^/?]+)$/.exec(request.path)?.[1];
    return new OntapDeadlineError(context, what, {
      ...(job !== undefined ? { jobUuid: decodeURIComponent(job) } : {}),
      ...(this.#deadline !== undefined ? { budgetSeconds: Math.round((this.#deadline - this.#createdAt) / 1000) } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  #once(request: OntapRequest, timeLeftMs: number): TE.TaskEither<OntapError, OntapResponse> {
    const context: RequestContext = {
      method: request.method,
      url: this.urlOf(request.path, request.query),
      authentication: this.#authorization === undefined ? "certificate" : "password",
    };
    const usual = this.#requestTimeoutMs + (request.holdSeconds ?? 0) * 1000;
    return pipe(
      TE.tryCatch(
        () => this.#send(context, request, usual, timeLeftMs),
        (cause): OntapError => (cause instanceof OntapError ? cause : networkErrorOf(context, cause)),
      ),
      TE.chain((answer) => TE.fromEither(interpret(context, answer, this.#clock))),
    );
  }

  async #send(context: RequestContext, request: OntapRequest, usualMs: number, timeLeftMs: number): Promise<RawAnswer> {
    const controller = new AbortController();
    let why: "headers" | "body" | "deadline" | "cut" | undefined;
    const stop = (reason: typeof why): void => {
      why ??= reason;
      controller.abort();
    };
    const bound = (usual: number, usualReason: "headers" | "body"): NodeJS.Timeout => {
      const left = this.#timeLeft();
      return usual < left ? setTimeout(() => stop(usualReason), usual) : setTimeout(() => stop("deadline"), Math.max(0, left));
    };
    let headersMs = Math.min(usualMs, timeLeftMs);
    let timer = bound(usualMs, "headers");
    this.#agent.nextWatcher = () => stop("cut");
    try {
      const response: Response = await fetch(context.url, {
        method: context.method,
        agent: this.#agent,
        headers: {
          ...(this.#authorization !== undefined ? { authorization: this.#authorization } : {}),
          accept: "application/hal+json, application/json",
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        // ONTAP never redirects: a 3xx is reported, never followed (following would hand the
        // Authorization header and the body to whoever the Location names).
        redirect: "manual",
        size: this.#maxResponseBytes,
        // node-fetch 2 types predate the global AbortSignal; the runtime accepts it.
        signal: controller.signal as never,
      });
      headersMs = 0;
      if (response.status >= 300 && response.status < 400) {
        return { status: response.status, text: "", location: response.headers.get("location"), retryAfter: null };
      }
      const declared = Number(response.headers.get("content-length") ?? "NaN");
      if (declared > this.#maxResponseBytes) throw new OntapResponseTooLargeError(context, this.#maxResponseBytes);
      clearTimeout(timer);
      timer = bound(this.#bodyTimeoutMs, "body");
      const text = await response.text();
      return { status: response.status, text, location: null, retryAfter: response.headers.get("retry-after") };
    } catch (cause) {
      if (cause instanceof OntapError) throw cause;
      if ((cause as { type?: unknown }).type === "max-size") throw new OntapResponseTooLargeError(context, this.#maxResponseBytes);
      switch (why) {
        case "deadline":
          throw this.#deadlineError(
            { method: context.method as OntapRequest["method"], path: request.path, ...(request.query ? { query: request.query } : {}) },
            headersMs > 0 ? "waiting for an answer" : "reading the answer",
            cause,
          );
        case "headers":
          throw new Error(`no answer within ${Math.round(usualMs / 1000)} s`);
        case "body":
          throw new OntapBodyStalledError(context, this.#bodyTimeoutMs);
        case "cut":
          throw new Error("the connection closed before the whole answer arrived (body cut short)");
        default:
          throw cause;
      }
    } finally {
      clearTimeout(timer);
      this.#agent.nextWatcher = undefined;
      // Ends any body still arriving (an answer refused as too large, say) and frees its socket.
      controller.abort();
    }
  }
}

/**
 * Whether a failed request is worth sending again: network failures that may heal (not a certificate
 * the client will never trust; a mutation only if its caller allows it), server faults (for a
 * mutation, again only if its caller allows it: a 500 may follow work done) and answers that say
 * nothing was done yet (429, 503, ONTAP's configuration lock). Every other 4xx, a redirect, a
 * too-large answer, the deadline and a stalled body (unless the request says otherwise) end the operation.
 */
export function shouldRetry(error: OntapError, request: Pick<OntapRequest, "method" | "resendAfterNetworkError" | "retryAfterStall">): boolean {
  if (error instanceof OntapBodyStalledError && request.retryAfterStall !== true) return false;
  if (error instanceof OntapNetworkError) return error.retryable && (request.method === "GET" || request.resendAfterNetworkError !== false);
  if (error instanceof OntapApiError) {
    return error.retryable && (request.method === "GET" || request.resendAfterNetworkError !== false || error.refusedBeforeWork);
  }
  return false;
}

/** `Retry-After` in milliseconds from now: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Turns an answer into a response or a typed error carrying ONTAP's code, target and job. */
function interpret(context: RequestContext, answer: RawAnswer, clock: Clock): E.Either<OntapError, OntapResponse> {
  const { status, text } = answer;
  if (status >= 300 && status < 400) {
    return E.left(new OntapRedirectError(context, status, answer.location === null ? undefined : redactHost(answer.location)));
  }
  const body = parseJson(text);
  if (status >= 200 && status < 300) return E.right({ status, body, request: context });
  const error = ErrorBody.is(body) ? body.error : undefined;
  const job = JobLink.is(body) ? body.job.uuid : undefined;
  const retryAfter = status === 429 || status === 503 ? retryAfterMs(answer.retryAfter, clock.now()) : undefined;
  return E.left(
    new OntapApiError(context, {
      status,
      ...(error?.code !== undefined ? { code: quoteServerText(String(error.code), 40) } : {}),
      ...(error?.target !== undefined ? { target: quoteServerText(error.target, 100) } : {}),
      ...(error?.message !== undefined
        ? { ontapMessage: quoteServerText(error.message) }
        : text.trim() !== "" && body === undefined
          ? { ontapMessage: quoteServerText(text.trim(), 200) }
          : {}),
      ...(job !== undefined ? { jobUuid: quoteServerText(job, 80) } : {}),
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    }),
  );
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
