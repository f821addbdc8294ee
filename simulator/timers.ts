// A cluster's timers on its clock: delayed actions, sleeps and waits for a job, all of them ended when the
// cluster closes, so that a closed simulator holds no timer and no request.

import type { SimulatorClock } from "./clock";

/** The delayed actions, sleeps and job waits of one cluster. */
export class Timers {
  private readonly pending = new Set<() => void>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly sleepers = new Set<() => void>();
  private isClosed = false;

  constructor(readonly clock: SimulatorClock) {}

  /** True once {@link close} has been called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Runs `action` after `ms` unless the cluster closes first; nothing is scheduled once closed. Returns
   * the function that cancels it, or undefined when closed.
   */
  after(ms: number, action: () => void): (() => void) | undefined {
    if (this.isClosed) return undefined;
    const cancel = (): void => {
      this.pending.delete(cancel);
      stop();
    };
    const stop = this.clock.schedule(ms, () => {
      this.pending.delete(cancel);
      action();
    });
    this.pending.add(cancel);
    return cancel;
  }

  /** Resolves after `ms`, or at once when the cluster closes. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve();
      const wake = (): void => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      this.after(ms, wake);
    });
  }

  /** Resolves when {@link wake} is called for `key`, after `timeoutMs`, or when the cluster closes. */
  waitFor(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.isClosed) return resolve();
      let set = this.waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const waiters = set;
      const cancel = this.after(timeoutMs, () => {
        waiters.delete(wake);
        resolve();
      });
      const wake = (): void => {
        cancel?.();
        resolve();
      };
      waiters.add(wake);
    });
  }

  /** Ends every {@link waitFor} of `key`. */
  wake(key: string): void {
    const set = this.waiters.get(key);
    this.waiters.delete(key);
    set?.forEach((wake) => wake());
  }

  /** Cancels every delayed action and ends every sleep and wait. */
  close(): void {
    this.isClosed = true;
    for (const cancel of [...this.pending]) cancel();
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
    for (const wake of [...this.sleepers]) wake();
    this.sleepers.clear();
  }
}
