// The load generator's typed options, and their defaults.
import { DEFAULT_TIMEOUT_MS, type Pacing } from "../scenario/method.ts";

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

/** The settings of one run that a caller chooses (beside the URLs, the start and printing). */
export type LoadSettings = Pick<
  LoadgenOptions,
  | "rate"
  | "durationMs"
  | "warmupMs"
  | "connections"
  | "workers"
  | "timeoutMs"
  | "intervalMs"
  | "pacing"
  | "outDir"
>;

export const LOADGEN_DEFAULTS = {
  connections: 64,
  workers: 1,
  /** Long enough not to censor a collapsing mesh's minutes-long tail; see defaultTimeoutMs. */
  timeoutMs: DEFAULT_TIMEOUT_MS,
  intervalMs: 1000,
  pacing: "efficient" as Pacing,
};

/** `loadgen-20261127T044512Z`: the default output directory's name. */
export function defaultOutDir(now: Date): string {
  return `loadgen-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}
