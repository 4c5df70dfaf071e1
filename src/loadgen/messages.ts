// What the coordinator and its worker threads say to each other. Histograms travel in
// their standard compressed base64 form, the same form the results files carry.

import type { InstrumentLoad } from "../results/loadgen-schema.ts";
import type { EngineConfig } from "./engine.ts";
import type { Tally } from "./tally.ts";

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
  /** Measured-period latencies; null during warm-up. */
  histogram: string | null;
  /** Measured-period send lateness; null during warm-up. */
  lateness: string | null;
  responses: number;
  failures: number;
  /** Of the histogram's values, how many are timed-out requests (lower bounds). */
  timeouts: number;
}

export interface EncodedTotals {
  tally: Tally;
  sent: number;
  unsent: number;
  warmup: { requests: number; failures: number };
  errorHistogram: string;
  latenessHistogram: string;
  instrument: InstrumentLoad;
  paths: { histogram: string; tally: Tally }[];
  endMs: number;
}

export type FromWorker =
  | { type: "ready" }
  | IntervalMessage
  | { type: "done"; totals: EncodedTotals }
  | { type: "fatal"; message: string; stack?: string };
