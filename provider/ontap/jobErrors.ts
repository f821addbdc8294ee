/** What became of an asynchronous ONTAP job that did not end in `success`, or whose end was not seen. */
import { OntapError } from "./ontapError";

/** An asynchronous job ended in `failure`. */
export class OntapJobFailedError extends OntapError {
  readonly jobUuid: string;
  readonly code: string | undefined;
  readonly ontapMessage: string | undefined;
  readonly description: string | undefined;
  constructor(job: { uuid: string; code?: string; message?: string; description?: string }) {
    const what = job.description ?? "the ONTAP job";
    const code = job.code !== undefined ? ` (ONTAP error code ${job.code})` : "";
    super(`${what} failed in job ${job.uuid}: ${job.message ?? "no message"}${code}`);
    this.jobUuid = job.uuid;
    this.code = job.code;
    this.ontapMessage = job.message;
    this.description = job.description;
  }
}

/** The deadline passed while the job was still queued, running or paused on the cluster. */
export class OntapJobTimeoutError extends OntapError {
  readonly jobUuid: string;
  readonly lastState: string;
  readonly waitedSeconds: number;
  constructor(job: { uuid: string; state: string; waitedSeconds: number; url: string }) {
    super(
      `job ${job.uuid} is still ${job.state} on the cluster after ${job.waitedSeconds} s: it was not cancelled ` +
        `and may still succeed (see ${job.url}).`,
    );
    this.jobUuid = job.uuid;
    this.lastState = job.state;
    this.waitedSeconds = job.waitedSeconds;
  }
}

/**
 * The job disappeared (404: ONTAP deletes finished jobs after a while) and re-reading the settings
 * shows the change is not in place, so the job cannot be counted as a success.
 */
export class OntapJobLostError extends OntapError {
  readonly jobUuid: string;
  readonly mismatches: readonly string[];
  constructor(jobUuid: string, mismatches: readonly string[]) {
    super(
      `job ${jobUuid} vanished from the cluster before its outcome was seen, and /api/security does not show ` +
        `the change (${mismatches.join("; ")}); the cluster's event log may say why.`,
    );
    this.jobUuid = jobUuid;
    this.mismatches = mismatches;
  }
}

/** Polling a job kept failing (network or server errors): its outcome is unknown, it may still be running. */
export class OntapJobUnreachableError extends OntapError {
  readonly jobUuid: string;
  constructor(jobUuid: string, cause: OntapError) {
    super(`lost contact with the cluster while waiting for job ${jobUuid}: ${cause.message}. The job may still be running.`, {
      cause,
    });
    this.jobUuid = jobUuid;
  }
}
