/**
 * The resource's lifecycle against a cluster: adopt (create), converge (update), observe (read) and
 * let go (delete). Talks to ONTAP only through `OntapClient`.
 */
import { Clock, systemClock } from "../ontap/clock";
import { escapeControlCharacters } from "../ontap/redact";
import { ApplyOptions, ClusterInfo, OntapClient } from "../ontap/client";
import { SecurityWire } from "../ontap/codecs";
import { OntapError } from "../ontap/ontapError";
import { OntapDeadlineError } from "../ontap/networkErrors";
import { OntapJobTimeoutError } from "../ontap/jobErrors";
import { ConnectionOptions, TransportOptions } from "../ontap/transport";
import { fieldsNeedingReboot } from "../ontap/versions";
import { adviceFor, changedNothing, withAdvice } from "./advice";
import { ConfigSource, resolveConnection } from "./connection";
import { ClusterIdentityError, PartialUpdateError, SecurityJobInProgressError } from "./errors";
import {
  ClusterSecurityInputs,
  ClusterSecurityOutputs,
  connectionOf,
  identityOf,
  observedFromWire,
  settingsOf,
} from "./model";
import { planUpdate } from "./plan";

/** How long an update waits for ONTAP's jobs unless told otherwise: conversions can be slow. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 1800;

/** What the lifecycle needs from its surroundings; tests give their own. */
export interface LifecycleEnv {
  /** Stack config as the provider's `configure` received it. */
  readonly config: ConfigSource | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** Progress and notices for the person running Pulumi. Never given a credential. */
  readonly log: (message: string) => void;
  readonly transport?: TransportOptions;
}

export function defaultEnv(config: ConfigSource | undefined): LifecycleEnv {
  // Names and messages from the cluster reach log lines: escaped, they cannot forge a line or move the cursor.
  return { config, env: process.env, clock: systemClock, log: (message) => console.log(escapeControlCharacters(message)) };
}

/** Longest a look at the cluster (read, check's preflight) may take, whatever `jobTimeoutSeconds` says. */
export const LOOK_BUDGET_SECONDS = 120;

/** After an update failed at its deadline, the time still allowed to read what the cluster has. */
const RECORD_GRACE_MS = 15_000;

/**
 * When an operation must be over: an update within `jobTimeoutSeconds` of its first request (retries,
 * pauses and unanswered requests included), a look within {@link LOOK_BUDGET_SECONDS}.
 */
export function deadlineOf(inputs: Pick<ClusterSecurityInputs, "jobTimeoutSeconds">, env: LifecycleEnv, kind: "change" | "look"): number {
  const seconds = typeof inputs.jobTimeoutSeconds === "number" ? inputs.jobTimeoutSeconds : DEFAULT_JOB_TIMEOUT_SECONDS;
  return env.clock.now() + (kind === "change" ? seconds : Math.min(seconds, LOOK_BUDGET_SECONDS)) * 1000;
}

/** Runs `use` with a client for the connection, closing it whatever happens; ONTAP errors leave with Pulumi advice. */
export async function withClient<T>(
  connection: ConnectionOptions,
  env: LifecycleEnv,
  use: (client: OntapClient) => Promise<T>,
  deadline?: number,
): Promise<T> {
  const client = new OntapClient(connection, { ...env.transport, clock: env.clock, ...(deadline !== undefined ? { deadline } : {}) });
  try {
    return await use(client);
  } catch (error) {
    throw withAdvice(error);
  } finally {
    client.close();
  }
}

function outputsOf(inputs: ClusterSecurityInputs, security: SecurityWire, cluster: ClusterInfo): ClusterSecurityOutputs {
  return {
    ...connectionOf(inputs),
    ...(inputs.jobTimeoutSeconds !== undefined ? { jobTimeoutSeconds: inputs.jobTimeoutSeconds } : {}),
    ...observedFromWire(security),
    cluster: identityOf(cluster),
  };
}

/**
 * Waits for any security job still queued, running or paused on the cluster (one request to find
 * them), so that the plan starts from what the cluster has once they end: a killed run's conversion,
 * another pipeline's change, an admin's. A job that outlives the deadline ends the update with nothing
 * sent.
 */
async function settleRunningJobs(client: OntapClient, cluster: ClusterInfo, env: LifecycleEnv, options: ApplyOptions): Promise<void> {
  const running = await client.findRunningSecurityJobs();
  const name = escapeControlCharacters(cluster.name);
  for (const job of running) {
    const since = job.startTime === undefined ? "" : ` since ${job.startTime}`;
    env.log(`ontap: cluster ${name}: job ${job.ref.uuid} (${job.description}) is ${job.state}${since}; waiting for it before planning`);
    const waitFrom = env.clock.now();
    let lastState = job.state;
    let settled;
    try {
      [settled] = await client.waitForJobs([job], {
        ...options,
        onJobState: (uuid, state, elapsed) => {
          lastState = state;
          options.onJobState?.(uuid, state, elapsed);
        },
      });
    } catch (error) {
      // The deadline came between polls (the waiter's error) or during one (the transport's).
      const timedOut = error instanceof OntapJobTimeoutError || (error instanceof OntapDeadlineError && error.jobUuid === job.ref.uuid);
      if (!timedOut) throw error;
      throw new SecurityJobInProgressError(cluster.name, {
        uuid: job.ref.uuid,
        state: error instanceof OntapJobTimeoutError ? error.lastState : lastState,
        description: job.description,
        waitedSeconds: Math.round((env.clock.now() - waitFrom) / 1000),
      });
    }
    const how = settled?.outcome === "failure" ? `failed: ${settled.error.message}` : settled?.outcome === "lost" ? "is gone (ONTAP keeps finished jobs only a while)" : "ended in success";
    env.log(`ontap: cluster ${name}: job ${job.ref.uuid} ${how}; planning from the settings the cluster has now`);
  }
}

/**
 * Waits for security jobs already running, reads the live settings, plans, applies each PATCH and
 * waits for its job, then checks the settings read back. A failure that may have changed something
 * becomes a `PartialUpdateError` that records what the cluster actually has, so state and cluster
 * agree; a refusal that changed nothing leaves as it came, saying so.
 */
async function converge(client: OntapClient, cluster: ClusterInfo, inputs: ClusterSecurityInputs, env: LifecycleEnv): Promise<ClusterSecurityOutputs> {
  const version = cluster.parsedVersion;
  const name = escapeControlCharacters(cluster.name);
  const deadline = client.deadline ?? deadlineOf(inputs, env, "change");
  const options: ApplyOptions = {
    deadline,
    onJobState: progressLogger(cluster, env),
    onAnswerLost: (cause) =>
      env.log(`ontap: cluster ${name}: no answer to the PATCH (${cause.message}); asking the cluster whether it was applied before sending anything again`),
    onFoundJob: (job) => env.log(`ontap: cluster ${name}: job ${job.ref.uuid} (${job.description}) is ${job.state}; waiting for it`),
  };
  await settleRunningJobs(client, cluster, env, options);
  const before = await client.getSecurity(version);
  let security = before;
  const plan = planUpdate(settingsOf(inputs), security, cluster);
  if (plan.patches.length === 0) return outputsOf(inputs, security, cluster);
  env.log(`ontap: cluster ${name}: changing ${plan.fields.join(", ")}`);
  try {
    for (const patch of plan.patches) {
      security = (await client.applySecurity(version, patch, options)).security;
    }
  } catch (error) {
    // The deadline may be what ended the update: recording what the cluster has gets a short grace.
    client.setDeadline(env.clock.now() + RECORD_GRACE_MS);
    const actual = await client.getSecurity(version).catch(() => undefined);
    if (actual !== undefined && changedNothing(error, observedFromWire(before), observedFromWire(actual)) && error instanceof OntapError) {
      throw error.advise("Nothing was changed on the cluster.");
    }
    throw new PartialUpdateError(error as Error, cluster.uuid, { ...inputs, ...outputsOf(inputs, actual ?? security, cluster) }, adviceFor(error));
  }
  const needReboot = fieldsNeedingReboot(version, plan.wireFields);
  if (needReboot.length > 0) {
    env.log(`ontap: cluster ${name} runs ONTAP ${cluster.version}: reboot each node for the change of ${needReboot.join(", ")} to take effect`);
  }
  return outputsOf(inputs, security, cluster);
}

/** Logs a long job's progress every 30 s, so a slow conversion does not look like a hang. */
function progressLogger(cluster: ClusterInfo, env: LifecycleEnv): (job: string, state: string, elapsedMs: number) => void {
  let lastLogged = 0;
  const name = escapeControlCharacters(cluster.name);
  return (job, state, elapsedMs) => {
    if (elapsedMs - lastLogged < 30_000) return;
    lastLogged = elapsedMs;
    env.log(`ontap: cluster ${name}: job ${job} ${state} for ${Math.round(elapsedMs / 1000)} s`);
  };
}

/** Create adopts the cluster's singleton settings: nothing is created, only what differs is changed. */
export async function createResource(inputs: ClusterSecurityInputs, env: LifecycleEnv): Promise<{ id: string; outs: ClusterSecurityOutputs }> {
  const deadline = deadlineOf(inputs, env, "change");
  const connection = resolveConnection(connectionOf(inputs), env.config, env.env);
  return withClient(
    connection,
    env,
    async (client) => {
      const cluster = await client.getCluster();
      return { id: cluster.uuid, outs: await converge(client, cluster, inputs, env) };
    },
    deadline,
  );
}

/** Update converges from the live settings (not from state), so a retried or interrupted update is safe. */
export async function updateResource(id: string, news: ClusterSecurityInputs, env: LifecycleEnv): Promise<ClusterSecurityOutputs> {
  const deadline = deadlineOf(news, env, "change");
  const connection = resolveConnection(connectionOf(news), env.config, env.env);
  return withClient(
    connection,
    env,
    async (client) => {
      const cluster = await client.getCluster();
      if (cluster.uuid !== id) throw new ClusterIdentityError(client.baseUrl, id, cluster);
      return converge(client, cluster, news, env);
    },
    deadline,
  );
}

/** Read reports the cluster as it is; the program's inputs stay as declared. */
export async function readResource(
  id: string,
  props: Partial<ClusterSecurityOutputs>,
  env: LifecycleEnv,
): Promise<{ id: string; props: ClusterSecurityOutputs }> {
  const connection = resolveConnection(connectionOf(props), env.config, env.env);
  return withClient(
    connection,
    env,
    async (client) => {
      const cluster = await client.getCluster();
      if (id !== "" && cluster.uuid !== id) throw new ClusterIdentityError(client.baseUrl, id, cluster);
      const security = await client.getSecurity(cluster.parsedVersion);
      return { id: cluster.uuid, props: outputsOf(props as ClusterSecurityInputs, security, cluster) };
    },
    deadlineOf(props, env, "look"),
  );
}

/** Delete sends nothing: the settings stay as they are, only Pulumi stops managing them. */
export function deleteResource(props: Partial<ClusterSecurityOutputs>, env: LifecycleEnv): void {
  const name = typeof props.cluster?.name === "string" ? `cluster ${escapeControlCharacters(props.cluster.name)}` : "the cluster";
  env.log(`ontap: ${name}: security settings left as they are; Pulumi no longer manages them`);
}
