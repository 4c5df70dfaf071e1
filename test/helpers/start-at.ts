// Timing in tests on a busy machine. --start-at: a start instant far enough ahead for the load generators to be ready
// (workers up, connections open) on this machine, as it is now. A busy machine can need
// more than the first lead: the load generator then refuses with StartMissedError before
// sending anything, and the attempt is repeated with twice the lead (at most four times).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { StartMissedError } from "../../src/loadgen/run.ts";

export async function startAhead<T>(
  attempt: (startAtMs: number) => Promise<T>,
  leadMs = 1500,
): Promise<{ startAtMs: number; value: T }> {
  for (let tries = 1; ; tries++, leadMs *= 2) {
    const startAtMs = Date.now() + leadMs;
    try {
      return { startAtMs, value: await attempt(startAtMs) };
    } catch (error) {
      if (!(error instanceof StartMissedError) || tries === 4) throw error;
    }
  }
}

/**
 * The worst lateness of this thread's timers (ms) from `fromMs` (a performance.now() time)
 * until `toMs` or until it is read: what the machine's scheduling cost while something
 * timed ran. A timing bound grows by it, so a busy machine loosens the bound by what it
 * measurably cost and an idle one keeps it tight.
 */
export function timerLateness(fromMs = performance.now(), toMs?: number): () => number {
  const h = monitorEventLoopDelay({ resolution: 1 });
  setTimeout(() => h.enable(), Math.max(0, fromMs - performance.now()));
  if (toMs !== undefined) setTimeout(() => h.disable(), Math.max(0, toMs - performance.now()));
  return () => {
    h.disable();
    return h.count > 0 ? h.max / 1e6 : 0;
  };
}
