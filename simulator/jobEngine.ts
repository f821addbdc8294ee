// The job engine: a security job's life on the cluster's clock (queued → running (→ paused → running) →
// success | failure), whether and where it fails, its expiry, and the requests that wait for it
// (`return_timeout`).

import { randomUUID } from "crypto";

import { errorArgumentsOf } from "./ontapError";
import type { OntapVersion } from "./ontapVersion";
import type { Scenario } from "./scenario";
import type { SecurityPatch } from "./securityPatch";
import type { SecurityState } from "./securityState";
import { PlannedFailure, abandonEncryption, applyPatch, finishConversion, startEncryption, unmetPrecondition } from "./settingsChange";
import { MutableJob, SimJob, isTerminal } from "./simJob";
import type { Timers } from "./timers";

/** What the engine reads of its cluster, each time afresh: tests change the settings and the scenario freely. */
export interface JobHost {
  readonly name: string;
  readonly ontapVersion: OntapVersion;
  readonly security: SecurityState;
  readonly scenario: Scenario;
  readonly onJobState: ((job: SimJob) => void) | undefined;
}

/** Whether a job applies its PATCH when it succeeds (`jobsWithoutEffect` makes it not). */
type Effect = "applies" | "none";

/** The jobs of one cluster. */
export class JobEngine {
  /** Jobs by uuid, until they expire. */
  readonly jobs = new Map<string, MutableJob>();
  /** Every job ever started, oldest first. */
  readonly startedJobs: MutableJob[] = [];

  constructor(
    private readonly host: JobHost,
    private readonly timers: Timers,
  ) {}

  /** True while a security job is queued, running or paused (lost jobs included: they still run). */
  securityJobRunning(): boolean {
    return [...this.jobs.values()].some((job) => job.description === "PATCH /api/security" && !isTerminal(job.state));
  }

  /** Resolves when the job ends, after `timeoutMs`, or when the cluster closes. */
  waitFor(uuid: string, timeoutMs: number): Promise<void> {
    return this.timers.waitFor(uuid, timeoutMs);
  }

  /** Creates the job and schedules its life: queued → running (→ paused → running) → success | failure. */
  start(patch: SecurityPatch, startedBy: string, options: { durationMs?: number; description?: string } = {}): MutableJob {
    const scenario = this.host.scenario;
    const job: MutableJob = {
      uuid: randomUUID(),
      // Simulator choice [job-description]: named after the request, as ONTAP's docs show for PATCH /api/cluster.
      description: options.description ?? "PATCH /api/security",
      state: "queued",
      message: "Queued",
      code: 0,
      startTime: new Date(this.timers.clock.now()),
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
    this.changed(job);
    const duration = Math.max(0, options.durationMs ?? scenario.jobDurationMs);
    const pause = Math.max(0, scenario.jobPauseMs);
    const expiry = Math.max(0, scenario.jobExpiryMs);
    // Simulator choice [job-timeline]: briefly queued, then running (paused halfway if asked); the effect lands at the end.
    const queued = Math.min(20, duration / 4);
    const firstHalf = (duration - queued) / 2;
    const secondHalf = duration - queued - firstHalf;

    const finish = (): void => {
      if (this.host.scenario.stuckJobs) {
        this.timers.after(25, finish);
        return;
      }
      this.complete(job, planned, effect);
      this.timers.after(expiry, () => this.jobs.delete(job.uuid));
    };
    this.timers.after(queued, () => {
      this.setRunning(job, planned);
      if (pause === 0) {
        this.timers.after(firstHalf + secondHalf, finish);
        return;
      }
      this.timers.after(firstHalf, () => {
        job.state = "paused";
        job.message = "Paused";
        this.changed(job);
        this.timers.after(pause, () => {
          job.state = "running";
          job.message = "Running";
          this.changed(job);
          this.timers.after(secondHalf, finish);
        });
      });
    });
    return job;
  }

  /** Decides, from the scenario and the settings when the job starts, whether and where it fails. */
  private planFailure(patch: SecurityPatch): PlannedFailure | undefined {
    const next = this.host.scenario.failNextJobs;
    if (next && next.count > 0) {
      next.count -= 1;
      return { stage: "all", code: next.code, message: next.message, values: [] };
    }
    return unmetPrecondition(patch, this.host.security, this.host.scenario, this.host.name, this.host.ontapVersion);
  }

  private setRunning(job: MutableJob, planned: PlannedFailure | undefined): void {
    job.state = "running";
    job.message = "Running";
    this.changed(job);
    startEncryption(this.host.security, job.patch, planned);
  }

  private complete(job: MutableJob, planned: PlannedFailure | undefined, effect: Effect): void {
    const goesOn = this.host.scenario.conversionAfterJobMs > 0;
    if (planned?.stage !== "all" && effect === "applies") {
      applyPatch(this.host.security, this.host.ontapVersion, job.patch, planned?.stage, goesOn, this.host.scenario.conversionEnabledWhileEncrypting);
      if (goesOn && planned === undefined && job.patch.software_data_encryption?.conversion_enabled === true) {
        this.timers.after(this.host.scenario.conversionAfterJobMs, () => finishConversion(this.host.security));
      }
    }
    job.endTime = new Date(this.timers.clock.now());
    if (planned) {
      job.state = "failure";
      job.message = planned.message;
      job.code = planned.code;
      job.error = { code: String(planned.code), message: planned.message, arguments: errorArgumentsOf(String(planned.code), planned.values) };
    } else {
      job.state = "success";
      job.message = "success";
      if (effect === "none") abandonEncryption(this.host.security);
    }
    this.timers.wake(job.uuid);
    this.changed(job);
  }

  private changed(job: MutableJob): void {
    this.host.onJobState?.(job);
  }
}
