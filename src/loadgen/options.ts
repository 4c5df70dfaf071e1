// The load generator's typed options, with the defaults of issue #2.
import type { Pacing } from "./engine.ts";

export interface LoadgenOptions {
  urls: string[];
  /** Total requests per second over all connections and workers. */
  rate: number;
  /** The whole run, warm-up included. */
  durationMs: number;
  warmupMs: number;
  connections: number;
  workers: number;
  timeoutMs: number;
  intervalMs: number;
  /** Wall-clock instant (epoch ms) at which the schedule starts; null = as soon as ready. */
  startAtMs: number | null;
  pacing: Pacing;
  /** Where latency.hlog and loadgen.json are written. */
  outDir: string;
  quiet: boolean;
  /** Print loadgen.json and latency.hlog as a marked block on stdout at the end (pods). */
  emitResults?: boolean;
}

export const DEFAULTS = {
  connections: 64,
  workers: 1,
  /** Long enough not to censor a collapsing mesh's minutes-long tail; see defaultTimeoutMs. */
  timeoutMs: 60_000,
  intervalMs: 1000,
  pacing: "efficient" as Pacing,
};

/** Warm-up when none is given: 10 % of the duration, at most 30 s. */
export function defaultWarmupMs(durationMs: number): number {
  return Math.min(Math.round(durationMs * 0.1), 30_000);
}

/** Timeout when none is given: 60 s, never longer than the run itself. */
export function defaultTimeoutMs(durationMs: number): number {
  return Math.min(DEFAULTS.timeoutMs, durationMs);
}

/** `loadgen-20261127T044512Z`: the default output directory's name. */
export function defaultOutDir(now: Date): string {
  return `loadgen-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}
