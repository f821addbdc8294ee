/**
 * Computed (not measured) poll schedules: every waiter run against a modelled job on a virtual clock with
 * zero network time. Jobs longer than ONTAP's 120 s `return_timeout` cap cannot be measured in a
 * 10-minute benchmark, but the waiting code is deterministic, so running the real loops on a virtual
 * clock shows exactly when each would poll. Ours runs `waitForJob` from provider/ontap/jobWaiter.ts itself.
 */
import { Clock } from "../provider/ontap/clock";
import { waitForJob, JobTransport } from "../provider/ontap/jobWaiter";
import { DEFAULT_JOB_TIMEOUT_SECONDS } from "../provider/lifecycle/operations";
import { ObservedState, PEER_WAITERS, PeerWaiter } from "./peerWaiters";

/** A clock whose sleeps only move its time forward. */
class VirtualClock implements Clock {
  #now = 0;
  now(): number {
    return this.#now;
  }
  async sleep(ms: number): Promise<void> {
    this.#now += Math.max(0, ms);
  }
}

/** The simulator's job shape: briefly queued, then running, ending at `durationMs`. */
function stateAt(timeMs: number, durationMs: number): ObservedState {
  if (timeMs >= durationMs) return "success";
  return timeMs < Math.min(20, durationMs / 4) ? "queued" : "running";
}

/** When one waiter polled a job, and how its wait ended. */
export interface Schedule {
  readonly waiter: string;
  readonly jobMs: number;
  /** How long the PATCH was held by `return_timeout` (the job's end, or the hold's). */
  readonly heldMs: number;
  /** When each GET of the job was sent, from the PATCH. */
  readonly pollsMs: readonly number[];
  /** When the waiter returned (done or gave up). */
  readonly returnedMs: number;
  /** False when the waiter gave up while the job still ran. */
  readonly sawEnd: boolean;
  /**
   * The longest time the waiter could take to notice this job's end: the gap between the polls around
   * it (a job ending just after a poll waits the whole gap). 0 when `return_timeout` covered the job.
   */
  readonly worstLagMs: number;
}

/** Most seconds ONTAP holds a request, and what this package asks for (see OntapClient.applySecurity). */
const MAX_RETURN_TIMEOUT_SECONDS = 120;

/** Our waiter: the PATCH held up to 120 s, then provider/ontap/jobWaiter.ts `waitForJob` on a virtual clock. */
export async function ourSchedule(jobMs: number, jobTimeoutSeconds = DEFAULT_JOB_TIMEOUT_SECONDS): Promise<Schedule> {
  const clock = new VirtualClock();
  const deadline = jobTimeoutSeconds * 1000;
  const holdMs = Math.min(MAX_RETURN_TIMEOUT_SECONDS, Math.floor(deadline / 1000)) * 1000;
  if (jobMs <= holdMs) {
    return { waiter: "ours", jobMs, heldMs: jobMs, pollsMs: [], returnedMs: jobMs, sawEnd: true, worstLagMs: 0 };
  }
  await clock.sleep(holdMs);
  const polls: number[] = [];
  const transport: JobTransport = {
    urlOf: (path) => `https://cluster.invalid${path}`,
    request: async (request) => {
      polls.push(clock.now());
      const state = stateAt(clock.now(), jobMs);
      return { status: 200, body: { uuid: "job", state, _links: { self: { href: request.path } } }, request: { method: "GET", url: request.path } };
    },
  };
  let sawEnd = true;
  try {
    await waitForJob(transport, { uuid: "job", href: "/api/cluster/jobs/job" }, { deadline, startedAt: 0, clock });
  } catch {
    sawEnd = false; // OntapJobTimeoutError: jobTimeoutSeconds passed first
  }
  return { waiter: "ours", jobMs, heldMs: holdMs, pollsMs: polls, returnedMs: clock.now(), sawEnd, worstLagMs: worstLag(polls, jobMs) };
}

/** A peer's waiter after its PATCH, on a virtual clock. */
export async function peerSchedule(peer: PeerWaiter, jobMs: number): Promise<Schedule> {
  const clock = new VirtualClock();
  const holdMs = peer.returnTimeoutSeconds === undefined ? 0 : Math.min(jobMs, peer.returnTimeoutSeconds * 1000);
  await clock.sleep(holdMs);
  const polls: number[] = [];
  const outcome = await peer.wait(async () => {
    polls.push(clock.now());
    return stateAt(clock.now(), jobMs);
  }, clock);
  const covered = peer.returnTimeoutSeconds !== undefined && jobMs <= peer.returnTimeoutSeconds * 1000;
  return {
    waiter: peer.name,
    jobMs,
    heldMs: holdMs,
    pollsMs: polls,
    returnedMs: clock.now(),
    sawEnd: outcome.kind === "done",
    worstLagMs: covered ? 0 : worstLag(polls, jobMs),
  };
}

/** Every waiter's schedule for a job of `jobMs`. */
export async function schedulesFor(jobMs: number): Promise<Schedule[]> {
  return [await ourSchedule(jobMs), ...(await Promise.all(PEER_WAITERS.map((peer) => peerSchedule(peer, jobMs))))];
}

/** The gap between the last poll before the job's end and the first at or after it. */
function worstLag(polls: readonly number[], jobMs: number): number {
  const after = polls.findIndex((time) => time >= jobMs);
  if (after <= 0) return Number.NaN;
  return (polls[after] as number) - (polls[after - 1] as number);
}

/**
 * A schedule in a line: runs of equal gaps collapsed, e.g.
 * `held 0–60 s; polls at 60 s, then every 10 s ×54 to 600 s`.
 */
export function describeSchedule(schedule: Schedule): string {
  const seconds = (ms: number): string => `${+(ms / 1000).toFixed(2)} s`;
  const parts: string[] = [];
  if (schedule.heldMs > 0) parts.push(`PATCH held ${seconds(schedule.heldMs)}`);
  const polls = schedule.pollsMs;
  if (polls.length > 0) {
    const runs: string[] = [`poll at ${seconds(polls[0] as number)}`];
    let index = 1;
    while (index < polls.length) {
      const gap = (polls[index] as number) - (polls[index - 1] as number);
      let count = 1;
      while (index + count < polls.length && Math.abs((polls[index + count] as number) - (polls[index + count - 1] as number) - gap) < 1) count++;
      runs.push(count === 1 ? `+${seconds(gap)}` : `every ${seconds(gap)} ×${count}`);
      index += count;
    }
    parts.push(`${runs.join(", ")} (last ${seconds(polls[polls.length - 1] as number)})`);
  }
  parts.push(schedule.sawEnd ? `returns at ${seconds(schedule.returnedMs)}` : `gives up at ${seconds(schedule.returnedMs)}, job still running`);
  return parts.join("; ");
}
