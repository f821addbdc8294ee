// One simulated ONTAP cluster: its settings, scenario, request log and jobs, and the path of one request
// through it (transport faults, routing, the answer). Transport (ports, TLS) lives in index.ts; the routes
// in routes.ts, authentication in authentication.ts, transport faults in faults.ts, the job engine in
// jobEngine.ts, what a job does to the settings in settingsChange.ts, time in clock.ts and timers.ts.

import type { IncomingMessage, ServerResponse } from "http";

import { Answer, DROP, failure, isFailure, parseOrRaw, readBody } from "./answer";
import type { CertificateLogins, Credentials } from "./authentication";
import { SimulatorClock, systemClock } from "./clock";
import { faultBeforeWork, faultyBody, takeTransportFault } from "./faults";
import { JobEngine } from "./jobEngine";
import { OntapError, ontapFailure, renderError } from "./ontapError";
import type { OntapVersion } from "./ontapVersion";
import { route, servedPath } from "./routes";
import type { Scenario, TransportFault } from "./scenario";
import { checkPatchAgainstState, parseSecurityPatch } from "./securityPatch";
import type { SecurityState } from "./securityState";
import type { SimJob } from "./simJob";
import { Timers } from "./timers";

export type { CertificateLogins, Credentials, Role } from "./authentication";


/** One request as the cluster received it, with the status it answered. */
export interface RequestLogEntry {
  /** When the request arrived (ms since the epoch). */
  time: number;
  method: string;
  /** The URL path without the query, e.g. `/api/security`. */
  path: string;
  /** The query parameters, decoded (`fields`, `return_timeout`, …). */
  query: Record<string, string>;
  /**
   * The body: parsed JSON, or the raw text when it was not JSON. Absent when empty, and when the request
   * did not authenticate (anyone can send those, so only their size is kept); cut to its first
   * {@link LOGGED_BODY_CHARS} characters, as text, when longer.
   */
  body?: unknown;
  /** The body's size in bytes, when it had one. */
  bodyBytes?: number;
  /** The HTTP status answered; 0 while pending and when the connection was dropped. */
  status: number;
  /** The authenticated user, absent when authentication failed. */
  user?: string;
  /** How the user authenticated: a password (basic) or a client certificate; absent when authentication failed. */
  authentication?: "password" | "certificate";
  /** The scheme of the `Authorization` header sent, e.g. `Basic` (never its credentials); absent when none was sent. */
  authorizationScheme?: string;
}

/** A simulated cluster as tests see it. */
export interface SimCluster {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly uuid: string;
  readonly name: string;
  /** The release, e.g. `"9.16.1"`. */
  readonly version: string;
  /** The current settings, wire-shaped; read and change freely. */
  security: SecurityState;
  /** How the cluster misbehaves; change freely at any time. */
  scenario: Scenario;
  /** The requests received, oldest first: the last {@link requestLogLimit}. */
  readonly requests: RequestLogEntry[];
  /** How many requests {@link requests} keeps; the oldest go first. Default {@link REQUEST_LOG_LIMIT}. */
  requestLogLimit: number;
  /** How many requests have left {@link requests} to keep it within {@link requestLogLimit}. */
  readonly droppedRequests: number;
  /** Empties {@link requests}. */
  clearLog(): void;
  /** Jobs by uuid, until they expire. */
  readonly jobs: ReadonlyMap<string, SimJob>;
  /** The `PATCH /api/security` entries of {@link requests}. */
  patches(): RequestLogEntry[];
  /** Every job ever started on this cluster, oldest first: unlike {@link jobs}, never expires nor clears. */
  readonly startedJobs: readonly SimJob[];
  /** The jobs of {@link startedJobs} that turn software data encryption conversion on. */
  conversionJobs(): SimJob[];
  /**
   * Every `PATCH /api/security` received while a security job was queued, running or paused (whatever
   * the PATCH's fate), oldest first; not cleared by {@link clearLog}, and bounded as the request log is
   * (the latest `requestLogLimit`).
   */
  readonly patchesWhileJobRunning: readonly RequestLogEntry[];
  /**
   * Starts a security job as someone else would (an admin in System Manager, another pipeline): `body` is
   * a PATCH body, validated as a PATCH is; the job is described `"PATCH /api/security"` unless told
   * otherwise and runs `durationMs` (default: the scenario's `jobDurationMs`). Throws on a body ONTAP
   * would refuse.
   */
  startSecurityJob(body: unknown, options?: { durationMs?: number; description?: string; startedBy?: string }): SimJob;
  /**
   * Called after each answer has been written, with the request and how many requests this cluster has
   * answered so far (1-based, across {@link clearLog}). A test acts here "after the N-th request".
   */
  onAnswered: ((entry: RequestLogEntry, count: number) => void) | undefined;
  /** Called whenever a job changes state (queued when it starts, then running, paused, success, failure). */
  onJobState: ((job: SimJob) => void) | undefined;
}

/**
 * How many requests a cluster's log keeps, and how much of each body: a simulator left running (the
 * package's command) must not grow without bound, whoever sends it requests.
 */
export const REQUEST_LOG_LIMIT = 10_000;
export const LOGGED_BODY_CHARS = 16 * 1024;

/** The cluster behind a {@link SimCluster}; index.ts feeds it requests. */
export class SimulatedCluster implements SimCluster {
  readonly url: string;
  readonly host: string;
  readonly version: string;
  security: SecurityState;
  scenario: Scenario;
  readonly requests: RequestLogEntry[] = [];
  requestLogLimit = REQUEST_LOG_LIMIT;
  droppedRequests = 0;
  readonly patchesWhileJobRunning: RequestLogEntry[] = [];
  onAnswered: ((entry: RequestLogEntry, count: number) => void) | undefined;
  onJobState: ((job: SimJob) => void) | undefined;
  /** Where a `redirect` transport fault points unless it names a location: the simulator's decoy listener. */
  decoyUrl = "https://127.0.0.1:1";
  readonly engine: JobEngine;
  private readonly timers: Timers;
  private answered = 0;

  constructor(
    readonly port: number,
    readonly uuid: string,
    readonly name: string,
    readonly ontapVersion: OntapVersion,
    versionText: string,
    security: SecurityState,
    scenario: Scenario,
    readonly credentials: Credentials,
    readonly certificateLogins: CertificateLogins = new Map(),
    clock: SimulatorClock = systemClock,
  ) {
    this.host = `127.0.0.1:${port}`;
    this.url = `https://${this.host}`;
    this.version = versionText;
    this.security = security;
    this.scenario = scenario;
    this.timers = new Timers(clock);
    this.engine = new JobEngine(this, this.timers);
  }

  get jobs(): ReadonlyMap<string, SimJob> {
    return this.engine.jobs;
  }

  get startedJobs(): readonly SimJob[] {
    return this.engine.startedJobs;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  patches(): RequestLogEntry[] {
    return this.requests.filter((entry) => entry.method === "PATCH" && servedPath(entry.path) === "/api/security");
  }

  conversionJobs(): SimJob[] {
    return this.startedJobs.filter((job) => job.patch.software_data_encryption?.conversion_enabled === true);
  }

  startSecurityJob(body: unknown, options: { durationMs?: number; description?: string; startedBy?: string } = {}): SimJob {
    const patch = parseSecurityPatch(this.ontapVersion, body);
    if (isFailure(patch)) throw new Error(`ONTAP simulator: startSecurityJob: ${patch.error.message}`);
    const refused = checkPatchAgainstState(this.ontapVersion, this.security, patch);
    if (refused) throw new Error(`ONTAP simulator: startSecurityJob: ${refused.error.message}`);
    return this.engine.start(patch, options.startedBy ?? "System Manager", options);
  }

  /** Stops every job timer and releases requests held by `return_timeout`. */
  close(): void {
    this.timers.close();
  }

  /** Answers one HTTP request, logging it. Never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://simulator.invalid");
    const entry: RequestLogEntry = {
      time: this.timers.clock.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    const scheme = /^\s*(\S+)/.exec(req.headers.authorization ?? "")?.[1];
    if (scheme !== undefined) entry.authorizationScheme = scheme;
    this.requests.push(entry);
    while (this.requests.length > Math.max(0, this.requestLogLimit)) {
      this.requests.shift();
      this.droppedRequests += 1;
    }
    try {
      await this.answer(req, res, url, entry);
    } finally {
      // Known only once the request has been answered: whether it authenticated.
      if (entry.user === undefined) delete entry.body;
    }
  }

  /** Answers one request (`handle` logs it). */

  private async answer(req: IncomingMessage, res: ServerResponse, url: URL, entry: RequestLogEntry): Promise<void> {
    let answer: Answer;
    let fault: TransportFault | undefined;
    try {
      const raw = await readBody(req);
      if (raw.length > 0) {
        entry.body = raw.length > LOGGED_BODY_CHARS ? raw.slice(0, LOGGED_BODY_CHARS) : parseOrRaw(raw);
        entry.bodyBytes = Buffer.byteLength(raw);
      }
      fault = takeTransportFault(this.scenario, entry.method, url.pathname);
      if (fault !== undefined && faultBeforeWork(fault, url, entry, res, this.decoyUrl)) return;
      if (this.scenario.dropConnections > 0) {
        this.scenario.dropConnections -= 1;
        req.socket.destroy();
        return;
      }
      const answered = await route(this, req, url, raw, entry);
      if (answered === DROP) {
        req.socket.destroy();
        return;
      }
      answer = answered;
    } catch (error) {
      answer = failure(ontapFailure(500, "1", `ONTAP simulator internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
    }
    if (this.scenario.latencyMs > 0) await this.timers.sleep(this.scenario.latencyMs);
    if (this.timers.closed || res.destroyed) {
      req.socket.destroy();
      return;
    }
    // A hang after the work: the request was carried out, its answer never comes.
    if (fault?.kind === "hang") return;
    entry.status = answer.status;
    // `Accept: application/json` (without HAL) leaves out every HAL link but the one to the next batch of
    // records (NetApp's automation docs, "Input variables"); anything else is answered in HAL.
    const hal = wantsHal(req.headers.accept);
    const body = answer.status >= 400 ? this.inForm(answer.body) : answer.body;
    const text = JSON.stringify(hal ? body : withoutLinks(body, true));
    // Simulator choice [hal-json]: every answer, errors included, is HAL JSON, unless plain JSON is asked for.
    const headers: Record<string, string | number> = {
      "Content-Type": hal ? "application/hal+json" : "application/json",
      "Content-Length": Buffer.byteLength(text),
    };
    if (answer.status === 401) headers["WWW-Authenticate"] = 'Basic realm="ONTAP simulator"';
    if (fault !== undefined) {
      faultyBody(fault, answer.status, headers, text, res, this.timers);
    } else {
      res.writeHead(answer.status, headers);
      res.end(text);
    }
    this.answered += 1;
    this.onAnswered?.(entry, this.answered);
  }

  /** An error answer's body in the forms the scenario chooses (`errorArguments`, `errorCodeForm`). */
  private inForm(body: unknown): unknown {
    if (typeof body !== "object" || body === null || !("error" in body)) return body;
    const { error, ...rest } = body as { error: OntapError };
    return { error: renderError(error, this.scenario), ...rest };
  }
}

/** False only when the client asks for plain JSON and not HAL (`Accept: application/json`). */
export function wantsHal(accept: string | undefined): boolean {
  if (accept === undefined) return true;
  const types = accept.split(",").map((part) => (part.split(";")[0] ?? "").trim().toLowerCase());
  return !(types.includes("application/json") && !types.includes("application/hal+json"));
}

/** `value` without `_links`, at any depth, but a collection's link to its next batch of records. */
function withoutLinks(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutLinks(item, false));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key !== "_links") out[key] = withoutLinks(item, false);
    else if (top && typeof item === "object" && item !== null && "next" in item) out[key] = { next: (item as { next: unknown }).next };
  }
  return out;
}
