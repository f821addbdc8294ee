// A clock that moves only when told: give it to `startSimulator({ clock })` (and, for the provider's own
// waits, to whatever takes a `{ now, sleep }` clock) and a test moves a simulated job along without waiting
// on the wall clock.

import type { SimulatorClock } from "./clock";

interface Entry {
  at: number;
  order: number;
  action: () => void;
}

/** One real turn of the event loop: what an action set off (an answer written, a promise resolved) happens. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock whose time moves only by {@link ManualClock.advance} or while {@link ManualClock.runWhile} runs it. */
export class ManualClock implements SimulatorClock {
  #now: number;
  #order = 0;
  readonly #queue: Entry[] = [];

  /** Starts at `start` (ms since the epoch); default: the wall clock's now. */
  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule(ms: number, action: () => void): () => void {
    const entry: Entry = { at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0), order: this.#order++, action };
    this.#queue.push(entry);
    return () => {
      const index = this.#queue.indexOf(entry);
      if (index >= 0) this.#queue.splice(index, 1);
    };
  }

  /** Resolves once the clock has been moved `ms` on. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(ms, resolve));
  }

  /** How many actions are scheduled and not yet run. */
  get pending(): number {
    return this.#queue.length;
  }

  /** When the next scheduled action is due (ms since the epoch), if any. */
  get nextAt(): number | undefined {
    return this.#next()?.at;
  }

  /**
   * Moves time on by `ms`, running each action that falls due in order of due time (then of scheduling),
   * with a real turn of the event loop after each, so that what one action sets off happens before the
   * next one runs, as it would on the wall clock.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be 0 or more, got ${ms}`);
    const until = this.#now + ms;
    for (let entry = this.#next(); entry !== undefined && entry.at <= until; entry = this.#next()) {
      this.#queue.splice(this.#queue.indexOf(entry), 1);
      this.#now = Math.max(this.#now, entry.at);
      entry.action();
      await turn();
    }
    this.#now = until;
  }

  /**
   * Runs the clock while `work` is pending, for work that itself waits on this clock (a client polling a
   * job, a request the simulator holds with `return_timeout`): each time the process has been quiet for
   * `quietMs` of real time, time jumps to the next due action, by at most `maxStepMs` (nothing due: it
   * stays). A request in flight
   * at a jump sees time pass as a slow network would make it. Rejects when `limitMs` of clock time pass.
   */
  async runWhile<T>(work: Promise<T>, options: { quietMs?: number; maxStepMs?: number; limitMs?: number } = {}): Promise<T> {
    const { quietMs = 2, maxStepMs = 1_000, limitMs = 3_600_000 } = options;
    let done = false;
    const settled = work.then(
      () => (done = true),
      () => (done = true),
    );
    const start = this.#now;
    while (!done) {
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, quietMs))]);
      if (done) break;
      if (this.#now - start > limitMs) throw new Error(`ManualClock.runWhile: the work was still pending after ${limitMs} ms of clock time`);
      const next = this.nextAt;
      if (next !== undefined) await this.advance(Math.min(Math.max(0, next - this.#now), maxStepMs));
    }
    return work;
  }

  #next(): Entry | undefined {
    let first: Entry | undefined;
    for (const entry of this.#queue) if (first === undefined || entry.at < first.at || (entry.at === first.at && entry.order < first.order)) first = entry;
    return first;
  }
}
