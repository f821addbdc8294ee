/**
 * The one job waiter. Every mutation that starts an ONTAP job waits on it here.
 *
 * Semantics (after NetApp's Terraform provider, without its defects): the caller has already asked the
 * server to hold the request (`return_timeout`), so a job that ends quickly never gets polled. A job
 * still going is polled with a short first interval that grows with the time already spent (5 % of it)
 * up to a cap, so the time lost between the job's end and our noticing it stays within 5 % of the job's
 * duration. `paused` is not done; `failure` (whatever its code, even 0) is an error; a job that vanishes
 * (404, ONTAP deletes finished jobs) is reported as `lost` for the caller to judge by the settings.
 * @see https://docs.netapp.com/us-en/ontap-automation/rest/asynchronous_processing.html
 */
import { Clock, systemClock } from "./clock";
import { JobState, JobWire } from "./codecs";
import { decodeOrThrow } from "./decode";
import { OntapApiError } from "./httpErrors";
import { OntapNetworkError } from "./networkErrors";
import { OntapJobFailedError, OntapJobTimeoutError, OntapJobUnreachableError } from "./jobErrors";
import { OntapTransport } from "./transport";

/** What the waiter needs of a transport (a fake one in tests). */
export type JobTransport = Pick<OntapTransport, "request" | "urlOf">;

/** A job as a mutation's answer links it. */
export interface JobRef {
  readonly uuid: string;
  /** Path of the job, `/api/cluster/jobs/<uuid>`. */
  readonly href: string;
}

export interface JobWaitOptions {
  /** When to give up, in the clock's milliseconds. */
  readonly deadline: number;
  /** When the job was started (the mutation was sent), in the clock's milliseconds. */
  readonly startedAt: number;
  readonly clock?: Clock;
  /** First pause between polls. Default 250 ms. */
  readonly firstPollMs?: number;
  /** Longest pause between polls. Default 5 s. */
  readonly maxPollMs?: number;
  /** Pause as a fraction of the time already spent. Default 0.05. */
  readonly pollFraction?: number;
  /** Told of every state seen, for progress messages. */
  readonly onState?: (state: JobState, elapsedMs: number) => void;
}

export type JobOutcome = { readonly kind: "success"; readonly job: JobWire } | { readonly kind: "lost"; readonly uuid: string };

/** The next pause: a fraction of the time spent, between the first and the longest pause, never past the deadline. */
export function nextPollDelay(elapsedMs: number, untilDeadlineMs: number, options: JobWaitOptions): number {
  const first = options.firstPollMs ?? 250;
  const cap = options.maxPollMs ?? 5_000;
  const proportional = Math.max(first, elapsedMs * (options.pollFraction ?? 0.05));
  return Math.max(0, Math.min(proportional, cap, untilDeadlineMs));
}

/** Waits for a job to end. Resolves on success or loss; rejects with a typed error on failure or timeout. */
export async function waitForJob(transport: JobTransport, ref: JobRef, options: JobWaitOptions): Promise<JobOutcome> {
  const clock = options.clock ?? systemClock;
  for (;;) {
    const job = await pollOnce(transport, ref);
    if (job === "lost") return { kind: "lost", uuid: ref.uuid };
    const now = clock.now();
    options.onState?.(job.state, now - options.startedAt);
    if (job.state === "success") return { kind: "success", job };
    if (job.state === "failure") throw jobFailure(job);
    const stillGoing = (at: number): OntapJobTimeoutError =>
      new OntapJobTimeoutError({
        uuid: ref.uuid,
        state: job.state,
        waitedSeconds: Math.round((at - options.startedAt) / 1000),
        url: transport.urlOf(ref.href),
      });
    if (now >= options.deadline) throw stillGoing(now);
    await clock.sleep(nextPollDelay(now - options.startedAt, options.deadline - now, options));
    // A pause that ends at the deadline leaves no time for another poll: report the state last seen.
    const after = clock.now();
    if (after >= options.deadline) throw stillGoing(after);
  }
}

/** The error for a failed job, with ONTAP's code and message from `error` (newer) or `code`/`message`. */
function jobFailure(job: JobWire): OntapJobFailedError {
  const code = job.error?.code ?? job.code;
  const message = job.error?.message ?? job.message;
  return new OntapJobFailedError({
    uuid: job.uuid,
    ...(code !== undefined ? { code: String(code) } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(job.description !== undefined ? { description: job.description } : {}),
  });
}

async function pollOnce(transport: JobTransport, ref: JobRef): Promise<JobWire | "lost"> {
  try {
    // A poll whose body stalls is asked again: the job runs on regardless, and the deadline bounds the wait.
    const response = await transport.request({ method: "GET", path: ref.href, retryAfterStall: true });
    return decodeOrThrow(JobWire, response.request, response.body);
  } catch (error) {
    if (error instanceof OntapApiError && error.notFound) return "lost";
    // The transport already retried these: the job's outcome is now unknown, not failed.
    if (error instanceof OntapNetworkError || (error instanceof OntapApiError && error.retryable)) {
      throw new OntapJobUnreachableError(ref.uuid, error);
    }
    throw error;
  }
}

/** The job reference of a mutation's answer, preferring the link ONTAP gave. */
export function jobRefOf(job: { uuid: string; _links?: { self: { href: string } } }): JobRef {
  const href = job._links?.self.href;
  return { uuid: job.uuid, href: href !== undefined && href.startsWith("/api/") ? href : `/api/cluster/jobs/${job.uuid}` };
}
