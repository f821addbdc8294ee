/**
 * HTTPS to one ONTAP cluster: base URL, authentication, TLS trust, JSON, error bodies and bounded
 * retries of transient failures. Knows nothing of `/api/security` or of Pulumi.
 */
import * as https from "https";
import fetch, { Response } from "node-fetch";
import * as TE from "fp-ts/TaskEither";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { Clock, systemClock } from "./clock";
import { ErrorBody, JobLink } from "./codecs";
import { OntapApiError, OntapError, OntapInvalidHostError, OntapNetworkError, RequestContext, networkErrorOf } from "./errors";

/** How to reach and authenticate to a cluster. */
export interface ConnectionOptions {
  /** Cluster management address: a name, an IP, `name:port` or `https://name:port`. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** Skip certificate verification (clusters often run a self-signed certificate). Default false. */
  readonly insecure?: boolean;
  /** PEM of the CA (or the self-signed certificate) that the cluster's certificate chains to. */
  readonly caCertificate?: string;
}

/** Tuning of the transport; every field has a default suited to a production cluster. */
export interface TransportOptions {
  /** Attempts for a request that fails transiently (dropped connection, 5xx, configuration lock). Default 4. */
  readonly attempts?: number;
  /** First pause between attempts; doubles each time. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Time allowed for one HTTP exchange, on top of any `return_timeout` the server was asked to hold. Default 60 s. */
  readonly requestTimeoutMs?: number;
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
}

/** A 2xx answer. */
export interface OntapResponse {
  readonly status: number;
  readonly body: unknown;
  readonly request: RequestContext;
}

/**
 * Normalizes the `host` argument to a base URL. Only HTTPS is accepted: ONTAP serves its REST API over
 * HTTPS alone, and basic credentials must never travel in clear text.
 */
export function baseUrlOf(host: string): string {
  const trimmed = host.trim();
  if (trimmed === "") throw new OntapInvalidHostError(host, "host is empty: give the cluster management name or address");
  let candidate = trimmed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    // A bare IPv6 address has several colons and no brackets: bracket it before URL parsing.
    if ((candidate.match(/:/g) ?? []).length > 1 && !candidate.startsWith("[")) candidate = `[${candidate}]`;
    candidate = `https://${candidate}`;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new OntapInvalidHostError(host, `host ${JSON.stringify(host)} is not a host name, IP address or https:// URL`);
  }
  if (url.protocol !== "https:") {
    throw new OntapInvalidHostError(host, `host ${JSON.stringify(host)} uses ${url.protocol.replace(":", "")}; ONTAP's REST API is served over https only`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new OntapInvalidHostError(undefined, "host must not contain credentials: give username and password separately");
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw new OntapInvalidHostError(host, `host ${JSON.stringify(host)} must not have a path or query: give https://name[:port] only`);
  }
  return `https://${url.host}`;
}

/** Talks HTTPS to one cluster. Create one per cluster and operation; `close()` frees its sockets. */
export class OntapTransport {
  readonly baseUrl: string;
  readonly #authorization: string;
  readonly #agent: https.Agent;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #requestTimeoutMs: number;
  readonly #clock: Clock;

  constructor(connection: ConnectionOptions, options: TransportOptions = {}) {
    this.baseUrl = baseUrlOf(connection.host);
    this.#authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString("base64")}`;
    this.#agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      rejectUnauthorized: connection.insecure !== true,
      ...(connection.caCertificate !== undefined && connection.caCertificate !== "" ? { ca: connection.caCertificate } : {}),
    });
    this.#attempts = Math.max(1, options.attempts ?? 4);
    this.#retryDelayMs = options.retryDelayMs ?? 500;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** The URL of a request, as errors show it (no credentials ever appear in it). */
  urlOf(path: string, query?: Readonly<Record<string, string>>): string {
    const search = query === undefined ? "" : new URLSearchParams(query).toString();
    return `${this.baseUrl}${path}${search === "" ? "" : `?${search}`}`;
  }

  /**
   * Sends a request, retrying transient failures a bounded number of times with doubling pauses.
   * Resolves with 2xx answers; rejects with `OntapApiError` (4xx/5xx) or `OntapNetworkError`.
   * PATCH is retried too: ONTAP's PATCH sets absolute values, so repeating it is harmless.
   */
  async request(request: OntapRequest): Promise<OntapResponse> {
    let lastError: OntapError | undefined;
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      const outcome = await this.#once(request)();
      if (E.isRight(outcome)) return outcome.right;
      lastError = outcome.left;
      if (!isTransient(lastError) || attempt === this.#attempts) break;
      await this.#clock.sleep(this.#retryDelayMs * 2 ** (attempt - 1));
    }
    throw lastError;
  }

  /** Frees the keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }

  #once(request: OntapRequest): TE.TaskEither<OntapError, OntapResponse> {
    const context: RequestContext = { method: request.method, url: this.urlOf(request.path, request.query) };
    const timeoutMs = this.#requestTimeoutMs + (request.holdSeconds ?? 0) * 1000;
    return pipe(
      TE.tryCatch(
        () => this.#send(context, request.body, timeoutMs),
        (cause): OntapError => networkErrorOf(context, cause),
      ),
      TE.chain(({ status, text }) => TE.fromEither(interpret(context, status, text))),
    );
  }

  async #send(context: RequestContext, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response: Response = await fetch(context.url, {
        method: context.method,
        agent: this.#agent,
        headers: {
          authorization: this.#authorization,
          accept: "application/hal+json, application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // node-fetch 2 types predate the global AbortSignal; the runtime accepts it.
        signal: controller.signal as never,
      });
      return { status: response.status, text: await response.text() };
    } catch (cause) {
      if (controller.signal.aborted) throw new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`);
      throw cause;
    } finally {
      clearTimeout(timer);
    }
  }
}

function isTransient(error: OntapError): boolean {
  return error instanceof OntapNetworkError || (error instanceof OntapApiError && error.retryable);
}

/** Turns status and text into a response or an `OntapApiError` carrying ONTAP's code, target and job. */
function interpret(context: RequestContext, status: number, text: string): E.Either<OntapError, OntapResponse> {
  const body = parseJson(text);
  if (status >= 200 && status < 300) return E.right({ status, body, request: context });
  const error = ErrorBody.is(body) ? body.error : undefined;
  const job = JobLink.is(body) ? body.job.uuid : undefined;
  return E.left(
    new OntapApiError(context, {
      status,
      ...(error?.code !== undefined ? { code: String(error.code) } : {}),
      ...(error?.target !== undefined ? { target: error.target } : {}),
      ...(error?.message !== undefined
        ? { ontapMessage: error.message }
        : text.trim() !== "" && body === undefined
          ? { ontapMessage: text.trim().slice(0, 200) }
          : {}),
      ...(job !== undefined ? { jobUuid: job } : {}),
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
