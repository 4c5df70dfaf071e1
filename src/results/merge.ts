// Exact merge of several load-generator pods' results into one (DESIGN.md, "Scale-out
// load"): histograms are added, never averaged; counts are summed; percentiles and rates
// are recomputed from the sums (their interval logs: src/histogram/hlog-merge.ts).
// Pure: results in, result out.
import {
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeHistograms,
  spectrum,
} from "../histogram/hdr.ts";
import type {
  ErrorCounts,
  InstrumentLoad,
  LoadgenResult,
  PathResult,
  StatusCounts,
} from "./loadgen-schema.ts";

export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MergeError";
  }
}

const addCounts = <T extends Record<string, number>>(parts: T[]): T => {
  const out = { ...parts[0]! };
  for (const p of parts.slice(1))
    for (const k of Object.keys(out) as (keyof T)[]) (out[k] as number) += p[k] as number;
  return out;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const merged = (encoded: string[]): Histogram => mergeHistograms(encoded.map(decodeHistogram));

/** The fields every pod must share: a merge of different experiments means nothing. */
const SHARED = ["durationMs", "warmupMs", "timeoutMs", "intervalMs", "pacing"] as const;

/** The busiest of several workers' or pods' own loads: saturation is decided by the worst. */
export function busiest(loads: readonly InstrumentLoad[]): InstrumentLoad {
  return {
    utilization: Math.max(0, ...loads.map((l) => l.utilization)),
    loopDelayP99Us: Math.max(0, ...loads.map((l) => l.loopDelayP99Us)),
    loopDelayMaxUs: Math.max(0, ...loads.map((l) => l.loopDelayMaxUs)),
  };
}

export function mergeLoadgenResults(results: LoadgenResult[]): LoadgenResult {
  const first = results[0];
  if (!first) throw new MergeError("no load-generator results to merge");
  if (results.length === 1) return first;
  for (const field of SHARED) {
    const values = [...new Set(results.map((r) => r.target[field]))];
    if (values.length > 1)
      throw new MergeError(
        `cannot merge load-generator results: target.${field} differs between pods (${values.join(", ")})`,
      );
  }
  const urls = [...new Set(results.flatMap((r) => r.target.urls))];
  const from = Math.min(...results.map((r) => r.measuredFromMs));
  // The measured window is the union of the pods' windows (they share --start-at, so
  // normally they coincide).
  const until = Math.max(...results.map((r) => r.measuredFromMs + r.achieved.measuredMs));
  const measuredMs = Math.max(1, Math.round(until - from));
  const histogram = merged(results.map((r) => r.histogram));
  const errorHistogram = merged(results.map((r) => r.errorHistogram));
  // Send lateness: only when every pod measured it (older pods did not).
  const lateness = results.every((r) => r.latenessHistogram !== undefined)
    ? merged(results.map((r) => r.latenessHistogram!))
    : null;
  const requests = sum(results.map((r) => r.achieved.requests));
  const censored = sum(results.map((r) => r.latencyUs.censored));
  if (histogram.totalCount !== requests + censored)
    throw new MergeError(
      "cannot merge load-generator results: a histogram's count differs from its achieved.requests + latencyUs.censored",
    );

  const paths: Record<string, PathResult> = {};
  for (const url of new Set(results.flatMap((r) => Object.keys(r.paths)))) {
    const parts = results.flatMap((r) => (r.paths[url] ? [r.paths[url]] : []));
    const h = merged(parts.map((p) => p.histogram));
    paths[url] = {
      requests: sum(parts.map((p) => p.requests)),
      status: addCounts<StatusCounts>(parts.map((p) => p.status)),
      errors: addCounts<ErrorCounts>(parts.map((p) => p.errors)),
      latencyUs: { ...spectrum(h), censored: sum(parts.map((p) => p.latencyUs.censored)) },
      histogram: encodeHistogram(h),
    };
  }

  const times = (key: "startedAt" | "endedAt") => results.map((r) => Date.parse(r[key]));
  return {
    schema: first.schema,
    version: [...new Set(results.map((r) => r.version))].join(","),
    startedAt: new Date(Math.min(...times("startedAt"))).toISOString(),
    endedAt: new Date(Math.max(...times("endedAt"))).toISOString(),
    measuredFromMs: from,
    target: {
      ...first.target,
      rate: sum(results.map((r) => r.target.rate)),
      connections: sum(results.map((r) => r.target.connections)),
      workers: sum(results.map((r) => r.target.workers)),
      urls,
      pods: sum(results.map((r) => r.target.pods)),
    },
    achieved: {
      rate: requests / (measuredMs / 1000),
      goodRate:
        sum(results.map((r) => r.achieved.status["2xx"] + r.achieved.status["3xx"])) /
        (measuredMs / 1000),
      requests,
      measuredMs,
      sent: sum(results.map((r) => r.achieved.sent)),
      unsent: sum(results.map((r) => r.achieved.unsent)),
      status: addCounts<StatusCounts>(results.map((r) => r.achieved.status)),
      errors: addCounts<ErrorCounts>(results.map((r) => r.achieved.errors)),
    },
    latencyUs: { ...spectrum(histogram), censored },
    histogram: encodeHistogram(histogram),
    errorLatencyUs: spectrum(errorHistogram),
    errorHistogram: encodeHistogram(errorHistogram),
    ...(lateness
      ? { latenessUs: spectrum(lateness), latenessHistogram: encodeHistogram(lateness) }
      : {}),
    ...(results.every((r) => r.instrument)
      ? { instrument: busiest(results.map((r) => r.instrument!)) }
      : {}),
    warmup: {
      requests: sum(results.map((r) => r.warmup.requests)),
      failures: sum(results.map((r) => r.warmup.failures)),
    },
    paths,
  };
}
