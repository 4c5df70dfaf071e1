// Builds loadgen.json (pure): the merged histograms and tallies of all workers, turned
// into the fixed result shape. Percentiles are read off the merged histograms.
import { encodeHistogram, type Histogram, mergeHistograms, spectrum } from "../histogram/hdr.ts";
import type { LoadgenResult, PathResult } from "../results/loadgen-schema.ts";
import { LOADGEN_SCHEMA } from "../results/loadgen-version.ts";
import { VERSION } from "../version.ts";
import type { EngineTotals } from "./engine.ts";
import type { LoadgenOptions } from "./options.ts";
import { addTally, good, newTally, responses, type Tally } from "./tally.ts";

/** Every worker's totals added up, with the measured-period latency histogram. */
export type MergedTotals = Omit<EngineTotals, "endMs"> & { histogram: Histogram };

export interface RunTimes {
  startedAtMs: number;
  endedAtMs: number;
  measuredFromMs: number;
  measuredMs: number;
}

export function buildLoadgenResult(
  options: LoadgenOptions,
  times: RunTimes,
  totals: MergedTotals,
): LoadgenResult {
  // The histograms also hold the timed-out requests (censored); requests are responses.
  const requests = responses(totals.tally);
  // A URL listed twice (to weight it) is one path with the counts of both.
  const byUrl = new Map<string, { histogram: Histogram; tally: Tally }>();
  options.urls.forEach((url, i) => {
    const p = totals.paths[i]!;
    const seen = byUrl.get(url);
    if (!seen) {
      byUrl.set(url, {
        histogram: mergeHistograms([p.histogram]),
        tally: addTally(newTally(), p.tally),
      });
    } else {
      seen.histogram.add(p.histogram);
      addTally(seen.tally, p.tally);
    }
  });
  const paths: Record<string, PathResult> = {};
  for (const [url, p] of byUrl) {
    paths[url] = {
      requests: responses(p.tally),
      status: p.tally.status,
      errors: p.tally.errors,
      latencyUs: { ...spectrum(p.histogram), censored: p.tally.errors.timeout },
      histogram: encodeHistogram(p.histogram),
    };
  }
  return {
    schema: LOADGEN_SCHEMA,
    version: VERSION,
    startedAt: new Date(times.startedAtMs).toISOString(),
    endedAt: new Date(times.endedAtMs).toISOString(),
    measuredFromMs: times.measuredFromMs,
    target: {
      rate: options.rate,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      connections: options.connections,
      workers: options.workers,
      urls: options.urls,
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      pacing: options.pacing,
      pods: 1,
    },
    achieved: {
      rate: times.measuredMs > 0 ? requests / (times.measuredMs / 1000) : 0,
      goodRate: times.measuredMs > 0 ? good(totals.tally) / (times.measuredMs / 1000) : 0,
      requests,
      measuredMs: Math.max(1, Math.round(times.measuredMs)),
      sent: totals.sent,
      unsent: totals.unsent,
      status: totals.tally.status,
      errors: totals.tally.errors,
    },
    latencyUs: { ...spectrum(totals.histogram), censored: totals.tally.errors.timeout },
    histogram: encodeHistogram(totals.histogram),
    errorLatencyUs: spectrum(totals.errorHistogram),
    errorHistogram: encodeHistogram(totals.errorHistogram),
    latenessUs: spectrum(totals.latenessHistogram),
    latenessHistogram: encodeHistogram(totals.latenessHistogram),
    instrument: totals.instrument,
    warmup: totals.warmup,
    paths,
  };
}
