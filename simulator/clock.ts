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

/**
 * A clock that runs `factor` times faster than the wall clock, from now on: a job of 45 s ends after 45/factor
 * wall-clock seconds, and `now()` reads 45 s later. For clients that wait on the wall clock themselves
 * (NetApp's Ansible modules hold a PATCH 30 s, then poll every 5 s), so that a test of a long job need not
 * last as long.
 */
export function acceleratedClock(factor: number): SimulatorClock {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`ONTAP simulator: acceleratedClock: factor ${factor} is not a positive number`);
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * factor,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / factor)),
    schedule(ms, action) {
      const timer = setTimeout(action, ms / factor);
      return () => clearTimeout(timer);
    },
  };
}
