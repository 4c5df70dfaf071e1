// Parts of the method that a scenario states and the load generator carries out: one
// definition for both rooms (the scenario sits below the load generator).

/**
 * How the load generator waits for a send time: `efficient` sleeps on timers (little CPU,
 * the event loop's lateness), `precise` spins near the deadline (a core, tighter sends).
 */
export type Pacing = "efficient" | "precise";

/** Warm-up when none is given: 10 % of the duration, at most 30 s. */
export function defaultWarmupMs(durationMs: number): number {
  return Math.min(Math.round(durationMs * 0.1), 30_000);
}

/** Timeout when none is given: long enough not to censor what the 2019 study measured. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The default timeout, never longer than the run itself. */
export function defaultTimeoutMs(durationMs: number): number {
  return Math.min(DEFAULT_TIMEOUT_MS, durationMs);
}
