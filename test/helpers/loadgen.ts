import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { LoadgenOptions } from "../../src/loadgen/options.ts";
import { type LoadgenHooks, runLoadgen } from "../../src/loadgen/run.ts";
import type { LoadgenResult } from "../../src/results/loadgen-schema.ts";

/** Runs the load generator with test defaults (quiet, 100 ms intervals kept at 1 s). */
export async function load(
  options: Partial<LoadgenOptions> & Pick<LoadgenOptions, "urls" | "rate" | "durationMs">,
  hooks: LoadgenHooks = {},
) {
  const outDir = await mkdtemp(join(tmpdir(), "meshbench-test-"));
  return runLoadgen(
    {
      warmupMs: 0,
      connections: 16,
      workers: 1,
      timeoutMs: 2000,
      intervalMs: 1000,
      startAtMs: null,
      pacing: "efficient",
      outDir,
      quiet: true,
      ...options,
    },
    hooks,
  );
}

/** `load` against the root path of one test server. */
export const loadRoot = (
  server: { url: string },
  options: Partial<LoadgenOptions> & Pick<LoadgenOptions, "rate" | "durationMs">,
  hooks: LoadgenHooks = {},
) => load({ urls: [`${server.url}/`], ...options }, hooks);

/**
 * Every slot of a run's schedule, counted once: answered in the warm-up, answered in the
 * measured period, or never sent (the backlog left when the run ended). Exact on any
 * machine, busy or not.
 */
export const slotsAccountedFor = (r: LoadgenResult) =>
  r.warmup.requests + r.warmup.failures + r.achieved.sent + r.achieved.unsent;

/**
 * How many responses the measured period can hold, from what the run itself measured
 * rather than from an idle machine: the measured period's slots, less the backlog left
 * unsent, plus warm-up slots answered after the warm-up (at most those intended within the
 * slowest measured latency of its end; none without a warm-up). On a machine that keeps
 * up (nothing unsent, latencies of a few ms) this is rate × measured time within a slot
 * or two.
 */
export function measuredResponseBounds(
  r: LoadgenResult,
  o: Pick<LoadgenOptions, "rate" | "durationMs" | "warmupMs">,
): { min: number; max: number } {
  const scheduled = (o.rate * (o.durationMs - o.warmupMs)) / 1000;
  const carried = o.warmupMs > 0 ? Math.ceil((o.rate * r.latencyUs.p100) / 1e6) + 1 : 0;
  return {
    min: scheduled - r.achieved.unsent - 1,
    max: scheduled - r.achieved.unsent + carried + 1,
  };
}

/**
 * The longest this thread's event loop was kept from running (ms) between start and stop:
 * how late a test server (which runs here) saw what reached it, on a busy machine.
 */
export function watchLoopDelay(): { stop(): number } {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    stop: () => {
      h.disable();
      return h.max / 1e6 + 1; // + the sampling resolution
    },
  };
}
