/**
 * One update of one cluster, done three ways over the same transport so that only the waiting differs:
 * this package's own update (the lifecycle's `updateResource`, exactly what the provider runs), the
 * same requests with a peer's waiting loop, and the same requests with our poller alone (no
 * `return_timeout`: what our waiter does once ONTAP's 120 s hold has run out).
 *
 * Every flow sends the same requests apart from the waiting: GET /api/cluster, GET /api/security,
 * PATCH /api/security, [GETs of the job], GET /api/security (the read-back).
 */
import { systemClock } from "../provider/ontap/clock";
import { SecurityPatch } from "../provider/ontap/codecs";
import { JobRef, jobRefOf, waitForJob } from "../provider/ontap/jobWaiter";
import { ConnectionOptions, OntapTransport } from "../provider/ontap/transport";
import { parseVersion, readableFields } from "../provider/ontap/versions";
import { DEFAULT_JOB_TIMEOUT_SECONDS, LifecycleEnv, updateResource } from "../provider/lifecycle/operations";
import { ClusterSecurityInputs } from "../provider/lifecycle/model";
import { ObservedState, PeerWaiter } from "./peerWaiters";

/** How a flow ended, in the bench process's clock (the simulator shares it). */
export interface FlowResult {
  readonly returnedAt: number;
  /** `client-timeout` when the waiter gave up while the job still ran. */
  readonly outcome: "done" | "client-timeout";
}

/** What every flow needs: where the cluster is, and how to reach it. */
export interface FlowTarget {
  readonly connection: ConnectionOptions;
  /** The cluster's uuid (the resource's id). */
  readonly id: string;
}

/** This package's update, through the lifecycle as the provider runs it. */
export async function ourUpdate(target: FlowTarget, inputs: ClusterSecurityInputs): Promise<FlowResult> {
  const config: Record<string, string | undefined> = {
    "ontap:host": target.connection.host,
    "ontap:username": target.connection.username,
    "ontap:password": target.connection.password,
    "ontap:caCertificate": target.connection.caCertificate,
  };
  const env: LifecycleEnv = { config: { get: (key) => config[key] }, env: {}, clock: systemClock, log: () => undefined };
  await updateResource(target.id, inputs, env);
  return { returnedAt: Date.now(), outcome: "done" };
}

/** The same requests as ours, waiting the way `peer` does. */
export async function peerUpdate(target: FlowTarget, patch: SecurityPatch, peer: PeerWaiter): Promise<FlowResult> {
  return withTransport(target, async (transport, fields) => {
    const query = peer.returnTimeoutSeconds === undefined ? undefined : { return_timeout: String(peer.returnTimeoutSeconds) };
    const answer = await transport.request({
      method: "PATCH",
      path: "/api/security",
      body: patch,
      ...(query ? { query, holdSeconds: peer.returnTimeoutSeconds } : {}),
    });
    const ref = jobOf(answer.body);
    let outcome: FlowResult["outcome"] = "done";
    if (ref !== undefined) outcome = (await peer.wait(() => jobState(transport, ref), systemClock)).kind;
    await transport.request({ method: "GET", path: "/api/security", query: { fields } });
    return { returnedAt: Date.now(), outcome };
  });
}

/** The same requests, with no `return_timeout` and our job waiter (provider/ontap/jobWaiter.ts) polling from the start. */
export async function pollerOnlyUpdate(target: FlowTarget, patch: SecurityPatch): Promise<FlowResult> {
  return withTransport(target, async (transport, fields) => {
    const startedAt = Date.now();
    const answer = await transport.request({ method: "PATCH", path: "/api/security", query: { return_timeout: "0" }, body: patch });
    const ref = jobOf(answer.body);
    if (ref !== undefined) {
      await waitForJob(transport, ref, { deadline: startedAt + DEFAULT_JOB_TIMEOUT_SECONDS * 1000, startedAt, clock: systemClock });
    }
    await transport.request({ method: "GET", path: "/api/security", query: { fields } });
    return { returnedAt: Date.now(), outcome: "done" };
  });
}

/** Opens a transport, reads identity and settings as our update does, runs `rest`, closes. */
async function withTransport<T>(target: FlowTarget, rest: (transport: OntapTransport, fields: string) => Promise<T>): Promise<T> {
  const transport = new OntapTransport(target.connection);
  try {
    const cluster = await transport.request({ method: "GET", path: "/api/cluster", query: { fields: "version,name,uuid" } });
    const reported = (cluster.body as { version: { generation: number; major: number; minor: number } }).version;
    const version = parseVersion(`${reported.generation}.${reported.major}.${reported.minor}`);
    const fields = readableFields(version).join(",");
    await transport.request({ method: "GET", path: "/api/security", query: { fields } });
    return await rest(transport, fields);
  } finally {
    transport.close();
  }
}

function jobOf(body: unknown): JobRef | undefined {
  const job = (body as { job?: { uuid?: unknown; _links?: { self: { href: string } } } } | undefined)?.job;
  return typeof job?.uuid === "string" ? jobRefOf({ uuid: job.uuid, ...(job._links ? { _links: job._links } : {}) }) : undefined;
}

/** One GET of the job; a 404 (ONTAP deletes finished jobs) reads as `lost`. */
async function jobState(transport: OntapTransport, ref: JobRef): Promise<ObservedState> {
  try {
    const answer = await transport.request({ method: "GET", path: ref.href });
    return String((answer.body as { state?: unknown }).state);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return "lost";
    throw error;
  }
}
