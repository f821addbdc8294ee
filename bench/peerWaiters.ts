/**
 * How the existing tools wait for an ONTAP job, reduced to their waiting loops so that a benchmark can
 * run them over the same transport as this package and only the waiting differs. Each loop follows its
 * tool's source, including when it polls first and when it gives up:
 *
 * - NetApp's Python client `netapp-ontap` (9.17.1, `utils.watch_job`): no `return_timeout`; polls at
 *   once, then sleeps `poll_interval` (5 s) and subtracts it from `poll_timeout` (30 s) until that
 *   reaches 0, then raises "Polling timed out". `success`, `failure`, `cancelled`, `expired` are terminal.
 * - NetApp's Ansible collection (`rest_generic.patch_async` → `OntapRestAPI.wait_on_job`):
 *   `return_timeout=30`; if the answer links a job (200 or 202) polls it at once, then every
 *   `max(job_timeout / 6, 5)` = 5 s; any state but `queued`/`running` ends the wait (so `paused` counts
 *   as done); gives up with "Timeout error: Process still running" once 30 s of sleeps have passed.
 * - NetApp's Terraform provider (`internal/restclient/rest_client.go`, `RestClient.Wait`):
 *   `return_timeout=60`; if the answer links a job polls it at once, then sleeps 10 s; gives up after
 *   `job_completion_timeout` (600 s) of 10 s decrements.
 *
 * The loops take a clock, so the same code yields measured figures (the real clock, the simulator) and
 * computed poll schedules (a virtual clock, a modelled job).
 */
import { Clock } from "../provider/ontap/clock";

/** A job's state as its GET reports it, or `lost` when it answers 404. */
export type ObservedState = "queued" | "running" | "paused" | "success" | "failure" | "lost" | string;

/** How a peer's wait ended. */
export type PeerOutcome =
  | { readonly kind: "done"; readonly state: ObservedState }
  /** The tool gave up while the job still ran: the pipeline fails although the job may yet succeed. */
  | { readonly kind: "client-timeout"; readonly state: ObservedState };

/** One tool's way of waiting. */
export interface PeerWaiter {
  /** Short name for tables. */
  readonly name: string;
  /** Which tool and which of its defaults, for the report. */
  readonly description: string;
  /** `return_timeout` sent with the PATCH, in seconds; `undefined` sends none. */
  readonly returnTimeoutSeconds: number | undefined;
  /** Waits on a job already linked by the PATCH's answer; `poll` is one GET of the job. */
  wait(poll: () => Promise<ObservedState>, clock: Clock): Promise<PeerOutcome>;
}

/** `netapp_ontap.utils.watch_job` with the connection's defaults (poll_interval 5, poll_timeout 30). */
export const pythonClient: PeerWaiter = {
  name: "python",
  description: "NetApp's Python client netapp-ontap: no return_timeout, poll at once then every 5 s, gives up after 30 s",
  returnTimeoutSeconds: undefined,
  async wait(poll, clock) {
    const intervalSeconds = 5;
    let timeoutLeft = 30;
    let state: ObservedState = "queued";
    let complete = false;
    while (!complete && timeoutLeft > 0) {
      state = await poll();
      complete = ["success", "failure", "cancelled", "expired"].includes(state);
      if (!complete) {
        await clock.sleep(intervalSeconds * 1000);
        timeoutLeft -= intervalSeconds;
      }
    }
    return complete ? { kind: "done", state } : { kind: "client-timeout", state };
  },
};

/** `rest_generic.patch_async` defaults (timeout 30, job_timeout 30) and `wait_on_job`'s loop. */
export const ansible: PeerWaiter = {
  name: "ansible",
  description: "NetApp's Ansible collection: return_timeout=30, then poll at once and every 5 s, gives up after 30 s more",
  returnTimeoutSeconds: 30,
  async wait(poll, clock) {
    const jobTimeout = 30;
    const increment = Math.max(jobTimeout / 6, 5);
    let runtime = 0;
    for (;;) {
      const state = await poll();
      // wait_on_job keeps going only for queued and running: paused (and a lost job's 404) end the wait.
      if (state !== "queued" && state !== "running") return { kind: "done", state };
      if (runtime >= jobTimeout) return { kind: "client-timeout", state };
      await clock.sleep(increment * 1000);
      runtime += increment;
    }
  },
};

/** `RestClient.Wait` after a PATCH sent with `return_timeout=60`, job_completion_timeout 600 s. */
export const terraform: PeerWaiter = {
  name: "terraform",
  description: "NetApp's Terraform provider: return_timeout=60, then poll at once and every 10 s, gives up after 600 s more",
  returnTimeoutSeconds: 60,
  async wait(poll, clock) {
    let timeRemaining = 600;
    let state: ObservedState = "queued";
    while (timeRemaining > 0) {
      state = await poll();
      if (state === "queued" || state === "running" || state === "paused") timeRemaining -= 10;
      else return { kind: "done", state };
      await clock.sleep(10_000);
    }
    return { kind: "client-timeout", state };
  },
};

/** The peers, in the order the report lists them. */
export const PEER_WAITERS: readonly PeerWaiter[] = [pythonClient, ansible, terraform];
