// One simulated ONTAP cluster: its settings, scenario, request log and jobs, and the request handling for
// `/api/cluster`, `/api/security`, `/api/cluster/jobs` and `/api/cluster/jobs/{uuid}`. Transport (ports,
// TLS) lives in index.ts.

import { randomUUID, timingSafeEqual } from "crypto";
import type { IncomingMessage, ServerResponse } from "http";
import type { TLSSocket } from "tls";

import {
  OntapError,
  OntapFailure,
  apiNotFound,
  authenticationFailed,
  entryDoesNotExist,
  errorArgumentsOf,
  internalError,
  invalidJson,
  invalidQueryValue,
  methodNotAllowed,
  notAuthorized,
  notSimulated,
  ontapFailure,
  renderError,
  temporarilyLocked,
  unexpectedArgument,
} from "./ontapError";
import { OntapVersion, atLeast, clusterVersionJson } from "./ontapVersion";
import { Scenario, TransportFault } from "./scenario";
import { SecurityPatch, checkPatchAgainstState, parseSecurityPatch, requestedProtocols } from "./securityPatch";
import {
  SecurityState,
  protocolsAfterFipsEnabled,
  renderSecurity,
  selectFields,
  storedCipherSuites,
} from "./securityState";
import { MutableJob, SimJob, isTerminal, jobLink, renderJob, renderJobCollection } from "./simJob";

/** One request as the cluster received it, with the status it answered. */
export interface RequestLogEntry {
  /** When the request arrived (ms since the epoch). */
  time: number;
  method: string;
  /** The URL path without the query, e.g. `/api/security`. */
  path: string;
  /** The query parameters, decoded (`fields`, `return_timeout`, …). */
  query: Record<string, string>;
  /** The body: parsed JSON, or the raw text when it was not JSON; absent when empty. */
  body?: unknown;
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
  /** Every request received, oldest first. */
  readonly requests: RequestLogEntry[];
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
   * the PATCH's fate), oldest first; never cleared.
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

/** The credentials a cluster accepts. */
export interface Credentials {
  username: string;
  password: string;
  readOnlyUsername: string;
  readOnlyPassword: string;
}

/** The roles the simulator knows: `admin` may change settings, `readonly` gets ONTAP's 403 on PATCH. */
export type Role = "admin" | "readonly";

/** Certificate logins by common name (`security login create ... -authentication-method cert`). */
export type CertificateLogins = Map<string, Role>;

/** Who a request authenticated as. */
interface Login {
  user: string;
  role: Role;
  authentication: "password" | "certificate";
}

interface Answer {
  status: number;
  body: unknown;
}

/** The connection is destroyed instead of answering. */
const DROP = Symbol("drop the connection");

/** Whether a job applies its PATCH when it succeeds (`jobsWithoutEffect` makes it not). */
type Effect = "applies" | "none";

/** Why a job fails, decided when it starts, and how far its effects get first. */
interface PlannedFailure {
  /** Groups applied before the failing one are kept (see {@link SimulatedCluster.applyPatch}). */
  stage: "all" | "fips" | "conversion";
  code: number;
  message: string;
  /** The values named in the message, for the error's `arguments`. */
  values: string[];
}

// Simulator choice [server-error]: a larger body is answered 500 code 1.
const MAX_BODY_BYTES = 1 << 20;

/** The cluster behind a {@link SimCluster}; index.ts feeds it requests. */
export class SimulatedCluster implements SimCluster {
  readonly url: string;
  readonly host: string;
  readonly version: string;
  security: SecurityState;
  scenario: Scenario;
  readonly requests: RequestLogEntry[] = [];
  readonly jobs = new Map<string, MutableJob>();
  readonly startedJobs: MutableJob[] = [];
  readonly patchesWhileJobRunning: RequestLogEntry[] = [];
  onAnswered: ((entry: RequestLogEntry, count: number) => void) | undefined;
  onJobState: ((job: SimJob) => void) | undefined;
  /** Where a `redirect` transport fault points unless it names a location: the simulator's decoy listener. */
  decoyUrl = "https://127.0.0.1:1";
  private answered = 0;

  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly sleepers = new Set<() => void>();
  private closed = false;

  constructor(
    readonly port: number,
    readonly uuid: string,
    readonly name: string,
    private readonly ontapVersion: OntapVersion,
    versionText: string,
    security: SecurityState,
    scenario: Scenario,
    private readonly credentials: Credentials,
    private readonly certificateLogins: CertificateLogins = new Map(),
  ) {
    this.host = `127.0.0.1:${port}`;
    this.url = `https://${this.host}`;
    this.version = versionText;
    this.security = security;
    this.scenario = scenario;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  patches(): RequestLogEntry[] {
    return this.requests.filter((entry) => entry.method === "PATCH" && entry.path === "/api/security");
  }

  conversionJobs(): SimJob[] {
    return this.startedJobs.filter((job) => job.patch.software_data_encryption?.conversion_enabled === true);
  }

  startSecurityJob(body: unknown, options: { durationMs?: number; description?: string; startedBy?: string } = {}): SimJob {
    const patch = parseSecurityPatch(this.ontapVersion, body);
    if (isFailure(patch)) throw new Error(`ONTAP simulator: startSecurityJob: ${patch.error.message}`);
    const refused = checkPatchAgainstState(this.ontapVersion, this.security, patch);
    if (refused) throw new Error(`ONTAP simulator: startSecurityJob: ${refused.error.message}`);
    return this.startJob(patch, options.startedBy ?? "System Manager", options);
  }

  /** True while a security job is queued, running or paused (lost jobs included: they still run). */
  private securityJobRunning(): boolean {
    return [...this.jobs.values()].some((job) => job.description === "PATCH /api/security" && !isTerminal(job.state));
  }

  /** Stops every job timer and releases requests held by `return_timeout`. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  /** Answers one HTTP request, logging it. Never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://simulator.invalid");
    const entry: RequestLogEntry = {
      time: Date.now(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    const scheme = /^\s*(\S+)/.exec(req.headers.authorization ?? "")?.[1];
    if (scheme !== undefined) entry.authorizationScheme = scheme;
    this.requests.push(entry);
    let answer: Answer;
    let fault: TransportFault | undefined;
    try {
      const raw = await readBody(req);
      if (raw.length > 0) entry.body = parseOrRaw(raw);
      fault = this.takeTransportFault(entry.method, url.pathname);
      if (fault !== undefined && this.faultBeforeWork(fault, url, entry, res)) return;
      if (this.scenario.dropConnections > 0) {
        this.scenario.dropConnections -= 1;
        req.socket.destroy();
        return;
      }
      const answered = await this.answer(req, url, raw, entry);
      if (answered === DROP) {
        req.socket.destroy();
        return;
      }
      answer = answered;
    } catch (error) {
      answer = failure(ontapFailure(500, "1", `ONTAP simulator internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
    }
    if (this.scenario.latencyMs > 0) await this.sleep(this.scenario.latencyMs);
    if (this.closed || res.destroyed) {
      req.socket.destroy();
      return;
    }
    // A hang after the work: the request was carried out, its answer never comes.
    if (fault?.kind === "hang") return;
    entry.status = answer.status;
    const text = JSON.stringify(answer.status >= 400 ? this.inForm(answer.body) : answer.body);
    // Simulator choice [hal-json]: every answer, errors included, is HAL JSON.
    const headers: Record<string, string | number> = {
      "Content-Type": "application/hal+json",
      "Content-Length": Buffer.byteLength(text),
    };
    if (answer.status === 401) headers["WWW-Authenticate"] = 'Basic realm="ONTAP simulator"';
    if (fault !== undefined) {
      this.faultyBody(fault, answer.status, headers, text, res);
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

  /** The first transport fault that matches the request, counted down (and spent at 0). */
  private takeTransportFault(method: string, path: string): TransportFault | undefined {
    const faults = this.scenario.transportFaults;
    const index = faults.findIndex(
      (f) => (f.count ?? 1) > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || path.startsWith(f.path)),
    );
    if (index < 0) return undefined;
    const fault = faults[index] as TransportFault;
    fault.count = (fault.count ?? 1) - 1;
    return fault;
  }

  /** Faults that answer (or never answer) instead of the cluster: true when the request is dealt with. */
  private faultBeforeWork(fault: TransportFault, url: URL, entry: RequestLogEntry, res: ServerResponse): boolean {
    switch (fault.kind) {
      case "redirect": {
        const status = fault.status ?? 302;
        entry.status = status;
        res.writeHead(status, { Location: fault.location ?? `${this.decoyUrl}${url.pathname}${url.search}`, "Content-Length": 0 });
        res.end();
        return true;
      }
      case "retryAfter": {
        const status = fault.status ?? 503;
        entry.status = status;
        const text = JSON.stringify({ error: { message: "Service temporarily unavailable (simulated front end)", code: String(status) } });
        res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Retry-After": fault.retryAfter ?? "1" });
        res.end(text);
        return true;
      }
      case "hang":
        return fault.afterWork !== true;
      default:
        return false;
    }
  }

  /** Sends the answer through a fault of the body: cut short, dripping, or replaced by a huge one. */
  private faultyBody(fault: TransportFault, status: number, headers: Record<string, string | number>, text: string, res: ServerResponse): void {
    switch (fault.kind) {
      case "truncate":
        res.writeHead(status, headers);
        res.write(text.slice(0, Math.floor(text.length / 2)));
        // Let the half reach the client before the connection goes.
        this.after(20, () => res.socket?.destroy());
        return;
      case "drip": {
        res.writeHead(status, headers);
        let sent = 0;
        const step = (): void => {
          if (res.destroyed || this.closed) return;
          res.write(text.slice(sent, sent + 1));
          sent += 1;
          if (sent >= text.length) res.end();
          else this.after(fault.intervalMs ?? 1000, step);
        };
        step();
        return;
      }
      case "huge": {
        const bytes = fault.bytes ?? 64 * 1024 * 1024;
        res.writeHead(200, { "Content-Type": "application/hal+json", ...(fault.declareLength === false ? {} : { "Content-Length": bytes }) });
        const head = '{"padding":"';
        const chunk = "x".repeat(64 * 1024);
        let written = 0;
        const pump = (): void => {
          while (!res.destroyed && !this.closed) {
            const left = bytes - written;
            if (left <= 2) {
              res.end('"}'.slice(0, left));
              return;
            }
            const piece = written === 0 ? head : chunk.slice(0, Math.min(chunk.length, left - 2));
            written += piece.length;
            if (!res.write(piece)) {
              res.once("drain", pump);
              return;
            }
          }
        };
        pump();
        return;
      }
      default:
        res.writeHead(status, headers);
        res.end(text);
    }
  }

  private async answer(req: IncomingMessage, url: URL, raw: string, entry: RequestLogEntry): Promise<Answer | typeof DROP> {
    // Simulator choice [auth-401]: authentication comes first, before the path is looked at.
    const login = this.authenticate(req);
    if (login === undefined) return failure(authenticationFailed());
    entry.user = login.user;
    entry.authentication = login.authentication;
    if (this.scenario.serverErrors > 0) {
      this.scenario.serverErrors -= 1;
      return failure(internalError());
    }
    if (this.scenario.configLocked > 0) {
      this.scenario.configLocked -= 1;
      return failure(temporarilyLocked());
    }
    const method = entry.method;
    const path = url.pathname;
    if (path === "/api/cluster") {
      if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET here"));
      return this.getCluster(url.searchParams);
    }
    if (path === "/api/security") {
      // 9.6 has no /api/security at all: every method is "API not found", as on a real 9.6 cluster.
      if (!atLeast(this.ontapVersion, "9.7.0")) return failure(apiNotFound());
      if (method === "GET") return this.getSecurity(url.searchParams);
      if (method === "PATCH") {
        // Simulator choice [concurrent-patches]: a PATCH while a security job runs starts a job of its own.
        if (this.securityJobRunning()) this.patchesWhileJobRunning.push(entry);
        if (!atLeast(this.ontapVersion, "9.8.0")) return failure(methodNotAllowed(method, path, `PATCH exists from ONTAP 9.8; this cluster runs ${this.version}`));
        if (login.role !== "admin") return failure(notAuthorized());
        return this.patchSecurity(url.searchParams, raw, login.user);
      }
      return failure(methodNotAllowed(method, path, "only GET and PATCH are allowed"));
    }
    if (path === "/api/cluster/jobs") {
      if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET on jobs"));
      const body = renderJobCollection(
        [...this.jobs.values()].filter((job) => !job.lost),
        url.searchParams,
        `${path}${url.search}`,
        this.scenario.errorArguments,
      );
      return isFailure(body) ? failure(body) : { status: 200, body };
    }
    const job = /^\/api\/cluster\/jobs\/([^/]+)$/.exec(path);
    if (job) {
      if (method !== "GET") return failure(methodNotAllowed(method, path, "the ONTAP simulator serves only GET on jobs"));
      return this.getJob(decodeURIComponent(job[1] as string), url.searchParams);
    }
    return failure(notSimulated(method, path));
  }

  /**
   * A client certificate, when the client sent one, decides alone: it must chain to the client CA, be
   * within its validity, and its common name must have a certificate login (ONTAP maps the CN to the
   * account of that name). Otherwise basic credentials decide.
   *
   * Simulator choice [certificate-401]: a certificate that is unknown, expired or not mapped is answered 401
   * ("User is not authorized."), not with a failed handshake. ONTAP does not document which it does. Failing the handshake would
   * need the TLS layer to require certificates of every client, locking out basic authentication,
   * which a cluster keeps serving beside certificates; and NetApp's Python client expects a 401 here
   * (`HostConnection` drops its session on a 401 to a certificate-authenticated request). The
   * provider handles both answers alike.
   */
  private authenticate(req: IncomingMessage): Login | undefined {
    const socket = req.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
    if (peer !== undefined && peer !== null && Object.keys(peer).length > 0) {
      if (!socket.authorized) return undefined;
      const name = peer.subject?.CN;
      const commonName = Array.isArray(name) ? name[0] : name;
      const role = commonName === undefined ? undefined : this.certificateLogins.get(commonName);
      return commonName === undefined || role === undefined ? undefined : { user: commonName, role, authentication: "certificate" };
    }
    const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (!match) return undefined;
    const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const { username: admin, password: adminPassword, readOnlyUsername, readOnlyPassword } = this.credentials;
    if (username === admin && sameSecret(password, adminPassword)) return { user: admin, role: "admin", authentication: "password" };
    if (username === readOnlyUsername && sameSecret(password, readOnlyPassword)) return { user: readOnlyUsername, role: "readonly", authentication: "password" };
    return undefined;
  }

  private getCluster(query: URLSearchParams): Answer {
    const stray = strayParameter(query, ["fields"]);
    if (stray) return failure(unexpectedArgument(stray));
    const all: Record<string, unknown> = { name: this.name, uuid: this.uuid, version: clusterVersionJson(this.ontapVersion) };
    const fields = query.get("fields");
    const body: Record<string, unknown> = {};
    if (fields === null) {
      Object.assign(body, all);
    } else {
      for (const raw of fields.split(",")) {
        const name = raw.trim();
        if (name === "" || name === "_links") continue;
        if (name === "*" || name === "**") {
          Object.assign(body, all);
        } else if (name === "name" || name === "uuid" || name === "version") {
          body[name] = all[name];
        } else if (/^version\.(full|generation|major|minor)$/.test(name)) {
          const key = name.slice("version.".length) as keyof ReturnType<typeof clusterVersionJson>;
          const version = (body.version ??= {}) as Record<string, unknown>;
          version[key] = clusterVersionJson(this.ontapVersion)[key];
        } else {
          // Simulator choice [not-simulated]: the other fields of /api/cluster are not modelled.
          return failure(invalidQueryValue("fields", name, "<field,...>; the ONTAP simulator answers only name, uuid and version on /api/cluster"));
        }
      }
    }
    body._links = { self: { href: "/api/cluster" } };
    return { status: 200, body };
  }

  private getSecurity(query: URLSearchParams): Answer {
    const stray = strayParameter(query, ["fields"]);
    if (stray) return failure(unexpectedArgument(stray));
    const selected = selectFields(this.ontapVersion, query.get("fields") ?? undefined);
    if (isFailure(selected)) return failure(selected);
    return { status: 200, body: renderSecurity(this.security, selected, this.scenario) };
  }

  private getJob(uuid: string, query: URLSearchParams): Answer {
    const stray = strayParameter(query, ["fields"]);
    if (stray) return failure(unexpectedArgument(stray));
    const job = this.jobs.get(uuid);
    if (job === undefined || job.lost) return failure(entryDoesNotExist());
    const body = renderJob(job, query.get("fields") ?? undefined, this.scenario.errorArguments);
    if (isFailure(body)) return failure(body);
    return { status: 200, body };
  }

  private async patchSecurity(query: URLSearchParams, raw: string, user: string): Promise<Answer | typeof DROP> {
    const stray = strayParameter(query, ["return_timeout", "return_records"]);
    if (stray) return failure(unexpectedArgument(stray));
    // `return_records` is documented for this PATCH (9.8, 9.9.1). Simulator choice [return-records]: accepted as
    // true or false on every release with PATCH, and ignored: the answer of a PATCH of this singleton has no records.
    const returnRecords = query.get("return_records");
    if (returnRecords !== null && returnRecords !== "true" && returnRecords !== "false") {
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
    const patch = parseSecurityPatch(this.ontapVersion, body);
    if (isFailure(patch)) return failure(patch);
    if (this.scenario.mixedRelease) {
      return failure(ontapFailure(400, "5636142", "This operation is not supported in a mixed-release cluster. Complete the upgrade of all nodes, and then try the operation again."));
    }
    const refused = checkPatchAgainstState(this.ontapVersion, this.security, patch);
    if (refused) return failure(refused);
    if (this.scenario.preconditionErrors === "patch") {
      const unmet = this.unmetPrecondition(patch);
      // Simulator choice [precondition-status]: HTTP 400 and no `target`; the reference lists these codes for the PATCH without a status.
      if (unmet) return failure(ontapFailure(400, String(unmet.code), unmet.message, undefined, unmet.values));
    }

    const job = this.startJob(patch, user);
    if (this.scenario.patchAnswersLost > 0) {
      this.scenario.patchAnswersLost -= 1;
      return DROP;
    }
    if (returnTimeoutSeconds > 0 && !isTerminal(job.state)) await this.waitForJob(job.uuid, returnTimeoutSeconds * 1000);
    const link = { job: jobLink(job.uuid, this.scenario.jobLinkForm) };
    if (job.state === "success") return { status: 200, body: link };
    if (job.state === "failure" && this.scenario.failedJobAnswer === "error" && job.error) {
      // Simulator choice [failed-job-answer]: status 400 for a job that failed within return_timeout, with the job link kept.
      return { status: 400, body: { error: { message: job.error.message, code: job.error.code, arguments: job.error.arguments }, ...link } };
    }
    return { status: 202, body: link };
  }

  /** Creates the job and schedules its life: queued → running (→ paused → running) → success | failure. */
  private startJob(patch: SecurityPatch, startedBy: string, options: { durationMs?: number; description?: string } = {}): MutableJob {
    const scenario = this.scenario;
    const job: MutableJob = {
      uuid: randomUUID(),
      // Simulator choice [job-description]: named after the request, as ONTAP's docs show for PATCH /api/cluster.
      description: options.description ?? "PATCH /api/security",
      state: "queued",
      message: "Queued",
      code: 0,
      startTime: new Date(),
      lost: scenario.lostJobs,
      patch,
      startedBy,
    };
    this.jobs.set(job.uuid, job);
    this.startedJobs.push(job);
    const planned = this.planFailure(patch);
    let effect: Effect = "applies";
    if (planned === undefined && scenario.jobsWithoutEffect > 0) {
      scenario.jobsWithoutEffect -= 1;
      effect = "none";
    }
    this.onJobState?.(job);
    const duration = Math.max(0, options.durationMs ?? scenario.jobDurationMs);
    const pause = Math.max(0, scenario.jobPauseMs);
    const expiry = Math.max(0, scenario.jobExpiryMs);
    // Simulator choice [job-timeline]: briefly queued, then running (paused halfway if asked); the effect lands at the end.
    const queued = Math.min(20, duration / 4);
    const firstHalf = (duration - queued) / 2;
    const secondHalf = duration - queued - firstHalf;

    const finish = (): void => {
      if (this.scenario.stuckJobs) {
        this.after(25, finish);
        return;
      }
      this.completeJob(job, planned, effect);
      this.after(expiry, () => this.jobs.delete(job.uuid));
    };
    this.after(queued, () => {
      this.setRunning(job, planned);
      if (pause === 0) {
        this.after(firstHalf + secondHalf, finish);
        return;
      }
      this.after(firstHalf, () => {
        job.state = "paused";
        job.message = "Paused";
        this.onJobState?.(job);
        this.after(pause, () => {
          job.state = "running";
          job.message = "Running";
          this.onJobState?.(job);
          this.after(secondHalf, finish);
        });
      });
    });
    return job;
  }

  /** Decides, from the scenario and the settings when the job starts, whether and where it fails. */
  private planFailure(patch: SecurityPatch): PlannedFailure | undefined {
    const next = this.scenario.failNextJobs;
    if (next && next.count > 0) {
      next.count -= 1;
      return { stage: "all", code: next.code, message: next.message, values: [] };
    }
    return this.unmetPrecondition(patch);
  }

  /**
   * The first precondition of `patch` that the scenario and the current settings leave unmet, if any.
   * Simulator choice [precondition-order]: FIPS before conversion; 52428830 before 52559974; no key manager,
   * then data volumes, then switchover. The checks of `checkPatchAgainstState` come before all of them.
   */
  private unmetPrecondition(patch: SecurityPatch): PlannedFailure | undefined {
    const scenario = this.scenario;
    if (patch.fips?.enabled === true && this.security.fips?.enabled !== true) {
      if (scenario.fipsCertificateStrengthTooLow) {
        return {
          stage: "fips",
          code: 52428830,
          message: "Cannot enable FIPS mode: the minimum security strength configured for certificates is not compatible with FIPS. Raise the minimum security strength, and then try the operation again.",
          values: [],
        };
      }
      if (scenario.fipsNonCompliantCertificate) {
        return {
          stage: "fips",
          code: 52559974,
          message: `Cannot enable FIPS mode: the certificate used by the cluster "${this.name}" is not FIPS-compliant. Install a FIPS-compliant certificate, and then try the operation again.`,
          values: [this.name],
        };
      }
    }
    if (patch.software_data_encryption?.conversion_enabled === true && this.security.software_data_encryption?.conversion_enabled !== true) {
      const failed = (code: number, reason: string): PlannedFailure => ({
        stage: "conversion",
        code,
        message: `Failed to enable software data encryption conversion. Reason: ${reason}`,
        values: [reason],
      });
      // Simulator choice [no-key-manager]: 196608080 for "no key manager"; ONTAP's code for this precondition is unconfirmed.
      if (!scenario.keyManagerConfigured) {
        return failed(196608080, "No key manager is configured on the cluster. Configure the Onboard Key Manager or an external key manager, and then try the operation again.");
      }
      if (scenario.dataVolumesPresent) {
        return failed(196608081, "Data volumes are present in the aggregates of the cluster. Conversion is supported only when the aggregates are empty or contain only metadata volumes.");
      }
      if (scenario.metroclusterSwitchover) {
        return failed(196608082, "The MetroCluster configuration is in switchover state. Perform a switchback, and then try the operation again.");
      }
    }
    return undefined;
  }

  private setRunning(job: MutableJob, planned: PlannedFailure | undefined): void {
    job.state = "running";
    job.message = "Running";
    this.onJobState?.(job);
    // Simulator choice [encryption-state]: encrypting (or rekeying) while the job runs, encrypted when it ends.
    const encryption = this.security.software_data_encryption;
    if (encryption?.encryption_state === undefined || planned !== undefined) return;
    if (job.patch.software_data_encryption?.conversion_enabled === true && encryption.encryption_state === "unencrypted") {
      encryption.encryption_state = "encrypting";
    } else if (job.patch.software_data_encryption?.rekey === true && encryption.encryption_state === "encrypted") {
      encryption.encryption_state = "rekeying";
    }
  }

  private completeJob(job: MutableJob, planned: PlannedFailure | undefined, effect: Effect): void {
    if (planned?.stage !== "all" && effect === "applies") this.applyPatch(job.patch, planned?.stage);
    job.endTime = new Date();
    if (planned) {
      job.state = "failure";
      job.message = planned.message;
      job.code = planned.code;
      job.error = { code: String(planned.code), message: planned.message, arguments: errorArgumentsOf(String(planned.code), planned.values) };
    } else {
      job.state = "success";
      job.message = "success";
      // A job without effect leaves a conversion it started half-done, as ONTAP would show it.
      const encryption = this.security.software_data_encryption;
      if (effect === "none" && encryption?.encryption_state === "encrypting") encryption.encryption_state = "unencrypted";
    }
    this.wake(job.uuid);
    this.onJobState?.(job);
  }

  /**
   * Applies a job's groups in order: fips, tls, management_protocols, software_data_encryption.disabled_by_default,
   * then the conversion (and rekey). Simulator choice [partial-apply]: the groups before `failingStage` are
   * kept when it fails: a failing conversion leaves FIPS/TLS/protocol changes in place; ONTAP's behaviour is unconfirmed.
   */
  private applyPatch(patch: SecurityPatch, failingStage: "fips" | "conversion" | undefined): void {
    const state = this.security;
    const version = this.ontapVersion;
    if (failingStage === "fips") return;
    if (patch.fips && state.fips) {
      const wasEnabled = state.fips.enabled;
      state.fips.enabled = patch.fips.enabled;
      if (!wasEnabled && patch.fips.enabled && state.tls) {
        state.tls.protocol_versions = protocolsAfterFipsEnabled(version, state.tls.protocol_versions);
      }
    }
    if (patch.tls && state.tls) {
      const protocols = requestedProtocols(patch);
      if (protocols) state.tls.protocol_versions = protocols;
      if (patch.tls.cipher_suites) state.tls.cipher_suites = storedCipherSuites(patch.tls.cipher_suites, state.tls.protocol_versions);
    }
    if (patch.management_protocols && state.management_protocols) {
      Object.assign(state.management_protocols, patch.management_protocols);
    }
    const encryption = state.software_data_encryption;
    const requested = patch.software_data_encryption;
    if (requested?.disabled_by_default !== undefined && encryption) encryption.disabled_by_default = requested.disabled_by_default;
    if (failingStage === "conversion") return;
    if (requested?.conversion_enabled === true && encryption) {
      encryption.conversion_enabled = true;
      if (encryption.encryption_state !== undefined) encryption.encryption_state = "encrypted";
    }
    if (requested?.rekey === true && encryption?.encryption_state === "rekeying") encryption.encryption_state = "encrypted";
  }

  private waitForJob(uuid: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      let set = this.waiters.get(uuid);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(uuid, set);
      }
      const waiters = set;
      const timer = this.after(timeoutMs, () => {
        waiters.delete(wake);
        resolve();
      });
      const wake = (): void => {
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        resolve();
      };
      waiters.add(wake);
    });
  }

  private wake(uuid: string): void {
    const set = this.waiters.get(uuid);
    this.waiters.delete(uuid);
    set?.forEach((wake) => wake());
  }

  /** Resolves after `ms`, or at once when the cluster closes. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const wake = (): void => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      this.after(ms, wake);
    });
  }

  /** Runs `action` after `ms` unless the cluster closes first; nothing is scheduled once closed. */
  private after(ms: number, action: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}

function failure(value: OntapFailure): Answer {
  return { status: value.status, body: { error: value.error } };
}

function isFailure(value: unknown): value is OntapFailure {
  return typeof value === "object" && value !== null && "status" in value && "error" in value;
}

function strayParameter(query: URLSearchParams, allowed: readonly string[]): string | undefined {
  for (const name of query.keys()) if (!allowed.includes(name)) return name;
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
