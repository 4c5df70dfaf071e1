// The coordinator: plans the connections, starts K workers at one shared instant (threads,
// or this very thread when K = 1: see worker.ts),
// adds their interval histograms as they arrive (writing latency.hlog on the way), and
// merges their totals into loadgen.json. Histograms are added, never averaged.
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { isLowerBound } from "../histogram/censored.ts";
import {
  createHistogram,
  decodeHistogram,
  type Histogram,
  mergeHistograms,
  spectrum,
} from "../histogram/hdr.ts";
import { hlogHeader, hlogLine, LATENESS_TAG } from "../histogram/hlog.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import { busiest } from "../results/merge.ts";
import { DecodedIntervals } from "./decoded-intervals.ts";
import type { EngineConfig } from "./engine.ts";
import { type CompleteInterval, IntervalMerger } from "./interval-merger.ts";
import { type EncodedTotals, type FromWorker, WORKER_MARK, type WorkerInit } from "./messages.ts";
import type { LoadgenOptions } from "./options.ts";
import { planConnections } from "./plan.ts";
import { yieldHelperThreads } from "./priority.ts";
import { buildLoadgenResult, type MergedTotals } from "./result.ts";
import { addTally, newTally } from "./tally.ts";
import { inThreadWorker, type WorkerHandle } from "./worker.ts";

/**
 * A worker thread's short-lived garbage dies young: a small young generation kept peak RSS
 * ~15 MB lower at 20–30k rps with the same latencies when the client was undici's (which
 * allocated ~4 KB a request); with the raw-socket client (~300 B a request) 2, 4 and 12 MB
 * measured alike, and 12 stays.
 */
const WORKER_YOUNG_GENERATION_MB = 12;

/** Lead time between "every worker is ready" and the first send, when no --start-at. */
const START_LEAD_MS = 100;

export interface Progress {
  phase: "warmup" | "measure" | "drain";
  /** End of the reported interval, ms after the schedule's start. */
  elapsedMs: number;
  durationMs: number;
  /** Completions (responses + failures) per second in this interval. */
  rate: number;
  failures: number;
  /** Measured-period figures so far. */
  requests: number;
  p50Us: number;
  p99Us: number;
  /** Whether p50 / p99 may be a timed-out request's elapsed time: a lower bound, shown `≥`. */
  p50LowerBound: boolean;
  p99LowerBound: boolean;
}

/** The shared start passed before this load generator was ready (exit 1, no stack). */
export class StartMissedError extends Error {
  constructor(lateMs: number, startAtMs: number, warmupMs: number) {
    super(
      `started ${lateMs} ms after --start-at ${startAtMs}, more than the ${warmupMs} ms warm-up: ` +
        "the catch-up would be measured as the target's latency. Give a --start-at further ahead " +
        "(connections are opened before it) or a longer --warmup.",
    );
    this.name = "StartMissedError";
  }
}

export interface LoadgenHooks {
  onStart?: (startMs: number) => void;
  onProgress?: (progress: Progress) => void;
  /** The start came this late (within the warm-up, which absorbs the catch-up). */
  onLateStart?: (lateMs: number) => void;
  /** Aborting ends the schedule early; what was measured is still written. */
  signal?: AbortSignal;
}

export interface LoadgenRun {
  result: LoadgenResult;
  outDir: string;
  hlogPath: string;
  resultPath: string;
}

function workerUrl(): URL {
  // In a bundle the worker code lives in the bundle itself (see worker.ts).
  return typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE
    ? new URL(import.meta.url)
    : new URL("./worker.ts", import.meta.url);
}

export async function runLoadgen(
  options: LoadgenOptions,
  hooks: LoadgenHooks = {},
): Promise<LoadgenRun> {
  const plan = planConnections(options);
  const configs: EngineConfig[] = Array.from({ length: options.workers }, (_, w) => ({
    urls: options.urls,
    connections: plan.filter((c) => c.worker === w),
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    pacing: options.pacing,
  }));

  await mkdir(options.outDir, { recursive: true });
  const hlogPath = join(options.outDir, "latency.hlog");
  const resultPath = join(options.outDir, "loadgen.json");

  const workers: WorkerHandle[] =
    configs.length === 1
      ? [inThreadWorker({ mark: WORKER_MARK, config: configs[0]! })]
      : configs.map(
          (config) =>
            new Worker(workerUrl(), {
              workerData: { mark: WORKER_MARK, config } satisfies WorkerInit,
              resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
            }),
        );
  try {
    return await coordinate(options, hooks, workers, hlogPath, resultPath);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function coordinate(
  options: LoadgenOptions,
  hooks: LoadgenHooks,
  workers: WorkerHandle[],
  hlogPath: string,
  resultPath: string,
): Promise<LoadgenRun> {
  const K = workers.length;
  const firstIndex = Math.floor(-options.warmupMs / options.intervalMs) + 0; // + 0: no -0
  const merger = new IntervalMerger(K, firstIndex);
  const doneTotals = new Array<EncodedTotals | null>(K).fill(null);
  const total = createHistogram();
  const decoded = new DecodedIntervals();
  /** How many of `total`'s values are timed-out requests (lower bounds). */
  let censored = 0;
  let ready = 0;
  let startMs = 0;
  const hlog = createWriteStream(hlogPath);

  return new Promise<LoadgenRun>((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      hlog.destroy();
      reject(error);
    };

    const start = () => {
      startMs = options.startAtMs ?? Date.now() + START_LEAD_MS;
      const lateMs = Date.now() - startMs;
      if (lateMs > options.warmupMs) {
        // The schedule's first slots are already due: the catch-up burst would land in
        // the measured period, and our own lateness would be reported as the target's.
        fail(new StartMissedError(lateMs, startMs, options.warmupMs));
        return;
      }
      if (lateMs > 5) hooks.onLateStart?.(lateMs);
      hlog.write(
        hlogHeader(
          startMs + options.warmupMs,
          `meshbench loadgen ${options.urls.length} URLs at ${options.rate} rps`,
        ),
      );
      hooks.onStart?.(startMs);
      yieldHelperThreads();
      for (const w of workers) w.postMessage({ type: "start", startMs });
      const stop = () => {
        for (const w of workers) w.postMessage({ type: "stop" });
      };
      if (hooks.signal?.aborted) stop();
      else hooks.signal?.addEventListener("abort", stop, { once: true });
    };

    const emit = (interval: CompleteInterval) => {
      if (interval.histogram) {
        hlog.write(
          hlogLine({ ...interval, histogram: interval.histogram }, startMs + options.warmupMs),
        );
        total.add(interval.histogram);
        censored += interval.timeouts;
      }
      if (interval.lateness) {
        hlog.write(
          hlogLine(
            { ...interval, histogram: interval.lateness, tag: LATENESS_TAG },
            startMs + options.warmupMs,
          ),
        );
      }
      if (!hooks.onProgress) return;
      const elapsedMs = interval.endMs - startMs;
      const s = spectrum(total);
      hooks.onProgress({
        phase:
          interval.index < 0 ? "warmup" : elapsedMs > options.durationMs + 1 ? "drain" : "measure",
        elapsedMs,
        durationMs: options.durationMs,
        rate:
          ((interval.responses + interval.failures) * 1000) /
          Math.max(1, interval.endMs - interval.startMs),
        failures: interval.failures,
        requests: s.count,
        p50Us: s.p50,
        p99Us: s.p99,
        p50LowerBound: isLowerBound(50, s.count, censored),
        p99LowerBound: isLowerBound(99, s.count, censored),
      });
    };

    const emitAll = (complete: CompleteInterval[]) => {
      for (const interval of complete) {
        emit(interval);
        decoded.release(interval.index);
      }
    };

    const finish = () => {
      const endedAtMs = Date.now();
      const totals = mergeTotals(doneTotals as EncodedTotals[], total);
      const measuredFromMs = startMs + options.warmupMs;
      const plannedEnd = startMs + options.durationMs;
      // The counts cover each worker's schedule up to where it ended, which after a stop
      // is when the worker got the message, not when it was sent; each worker carries an
      // equal share of the rate, so the mean of their ends is the end of the whole.
      const parts = doneTotals as EncodedTotals[];
      const endMs = parts.reduce((sum, p) => sum + p.endMs, 0) / parts.length;
      const measuredMs = Math.max(0, Math.min(plannedEnd, endMs) - measuredFromMs);
      const result = buildLoadgenResult(
        options,
        { startedAtMs: startMs, endedAtMs, measuredFromMs, measuredMs },
        totals,
      );
      hlog.end(() => {
        writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`).then(
          () => resolve({ result, outDir: options.outDir, hlogPath, resultPath }),
          fail,
        );
      });
    };

    workers.forEach((worker, w) => {
      worker.on("message", (m: FromWorker) => {
        if (failed) return;
        switch (m.type) {
          case "ready":
            if (++ready === K) start();
            break;
          case "interval": {
            // A warm-up interval's histograms are decoded and dropped: the warm-up runs
            // this path too, so the first measured interval's is not a cold one.
            const histogram = decoded.decode(m.index, m.histogram);
            const lateness = decoded.decode(m.index, m.lateness);
            const measured = m.index >= 0;
            if (!measured) decoded.release(m.index);
            emitAll(
              merger.add(w, m.index, {
                histogram: measured ? histogram : null,
                lateness: measured ? lateness : null,
                startMs: m.startMs,
                endMs: m.endMs,
                responses: m.responses,
                failures: m.failures,
                timeouts: m.timeouts,
              }),
            );
            break;
          }
          case "done":
            doneTotals[w] = m.totals;
            emitAll(merger.finish(w));
            if (doneTotals.every(Boolean)) finish();
            break;
          case "fatal":
            fail(new Error(`load-generator worker ${w} failed: ${m.message}`));
            break;
        }
      });
      worker.on("error", (error) => fail(error));
      worker.on("exit", (code) => {
        if (!doneTotals[w])
          fail(new Error(`load-generator worker ${w} exited (code ${code}) before finishing`));
      });
    });
  });
}

function mergeTotals(parts: EncodedTotals[], histogram: Histogram): MergedTotals {
  const tally = newTally();
  for (const p of parts) addTally(tally, p.tally);
  const pathCount = parts[0]?.paths.length ?? 0;
  return {
    histogram,
    tally,
    sent: parts.reduce((n, p) => n + p.sent, 0),
    unsent: parts.reduce((n, p) => n + p.unsent, 0),
    warmup: {
      requests: parts.reduce((n, p) => n + p.warmup.requests, 0),
      failures: parts.reduce((n, p) => n + p.warmup.failures, 0),
    },
    errorHistogram: mergeHistograms(parts.map((p) => decodeHistogram(p.errorHistogram))),
    latenessHistogram: mergeHistograms(parts.map((p) => decodeHistogram(p.latenessHistogram))),
    instrument: busiest(parts.map((p) => p.instrument)),
    paths: Array.from({ length: pathCount }, (_, i) => ({
      histogram: mergeHistograms(parts.map((p) => decodeHistogram(p.paths[i]!.histogram))),
      tally: parts.reduce((t, p) => addTally(t, p.paths[i]!.tally), newTally()),
    })),
  };
}
