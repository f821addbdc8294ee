// Time as the simulator sees it: the same shape as the provider's clock (`now`, `sleep`), plus `schedule`,
// which the simulator needs to run a job's next step later and to cancel it when the cluster closes.
// Injected, so that a test can move a simulated job along without waiting on the wall clock.

/** The simulator's clock. {@link systemClock} is the real one. */
export interface SimulatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Runs `action` after `ms`; the function returned cancels it (a no-op once it ran). */
  schedule(ms: number, action: () => void): () => void;
}

/** The wall clock, with Node's timers. */
export const systemClock: SimulatorClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  schedule(ms, action) {
    const timer = setTimeout(action, ms);
    return () => clearTimeout(timer);
  },
};
