// Helpers of the simulator's tests (test/simulator*.test.ts): one HTTPS request to a cluster the way the
// provider sends it, trusting only the simulator's CA, and waits for what a job does.

import type { ExecutionContext } from "ava";
import { request as httpsRequest } from "https";
import type { IncomingHttpHeaders } from "http";

import { ClusterOptions, ManualClock, SimCluster, Simulator, startSimulator } from "../simulator";

// The tests read arbitrary ONTAP JSON; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Json;
  /** Set when the connection failed or was dropped instead of answering. */
  error?: Error;
}

type Auth = "admin" | "readonly" | "none" | { username: string; password: string };

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  auth?: Auth;
}

/** One HTTPS request to a cluster, trusting only the simulator's CA. Never rejects: failures come back as `error`. */
export function call(sim: Simulator, cluster: SimCluster, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string | number> = { Accept: "application/hal+json" };
  const auth = options.auth ?? "admin";
  const credentials =
    auth === "admin" ? { username: sim.username, password: sim.password }
    : auth === "readonly" ? { username: sim.readOnlyUsername, password: sim.readOnlyPassword }
    : auth === "none" ? undefined
    : auth;
  if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = Buffer.byteLength(payload);
  }
  const url = new URL(path, cluster.url);
  return new Promise((resolve) => {
    const req = httpsRequest(url, { method, headers, ca: sim.caCertificate, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => resolve({ status: 0, headers: {}, body: undefined, error }));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: Json = text;
        try {
          body = JSON.parse(text);
        } catch {
          // leave the raw text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", (error) => resolve({ status: 0, headers: {}, body: undefined, error }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 5 ms until it is truthy; fails the test after `timeoutMs`. */
export async function waitFor<T>(t: ExecutionContext, what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`);
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Starts a simulator for one test (on `clock`, else the wall clock) and closes it when the test ends, pass or fail. */
export async function simulator(t: ExecutionContext, clusters: number | ClusterOptions[] = 1, clock?: ManualClock): Promise<Simulator> {
  const sim = await startSimulator({ clusters, ...(clock ? { clock } : {}) });
  t.teardown(() => sim.close());
  return sim;
}

export const FAST = { jobDurationMs: 40 };

/** PATCHes and waits for the job to end; returns the PATCH reply and the final job. */
export async function patchAndWait(t: ExecutionContext, sim: Simulator, cluster: SimCluster, body: unknown): Promise<{ reply: Reply; job: Json }> {
  const reply = await call(sim, cluster, "PATCH", "/api/security", { body });
  t.is(reply.status, 202, JSON.stringify(reply.body));
  const uuid: string = reply.body.job.uuid;
  await waitFor(t, `job ${uuid} to end`, () => {
    const state = cluster.jobs.get(uuid)?.state;
    return state === "success" || state === "failure";
  });
  const job = await call(sim, cluster, "GET", `/api/cluster/jobs/${uuid}`);
  return { reply, job: job.body };
}

export const securityBody = async (sim: Simulator, cluster: SimCluster, fields = "**"): Promise<Json> =>
  (await call(sim, cluster, "GET", `/api/security?fields=${fields}`)).body;
