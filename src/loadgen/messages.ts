// What the coordinator and its worker threads say to each other. Histograms travel in
// their standard compressed base64 form, the same form the results files carry.

import type { EngineConfig, EngineTotals } from "./engine.ts";

export const WORKER_MARK = "meshbench/loadgen-worker";

export interface WorkerInit {
  mark: typeof WORKER_MARK;
  config: EngineConfig;
}

export type ToWorker = { type: "start"; startMs: number } | { type: "stop" };

export interface IntervalMessage {
  type: "interval";
  index: number;
  startMs: number;
  endMs: number;
  /** Latencies; a warm-up interval's (index < 0) are the warm-up's (engine.ts, IntervalSink). */
  histogram: string;
  /** Send lateness, likewise. */
  lateness: string;
  responses: number;
  failures: number;
  /** Of the histogram's values, how many are timed-out requests (lower bounds). */
  timeouts: number;
}

/** A worker's totals as it sends them, its histograms encoded. */
export type EncodedTotals = EngineTotals<string>;

export type FromWorker =
  | { type: "ready" }
  | IntervalMessage
  | { type: "done"; totals: EncodedTotals }
  | { type: "fatal"; message: string; stack?: string };
