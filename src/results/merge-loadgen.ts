// Merges the loadgen.json of several load-generator pods into one, exactly: histograms
// are added and percentiles read off the sums, counts are summed, and the achieved rate
// is all responses over the wall-clock span the pods measured together. Pure.
import {
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeHistograms,
  spectrum,
} from "../histogram/hdr.ts";
import type { ErrorCounts, LoadgenResult, PathResult, StatusCounts } from "./loadgen-schema.ts";

/** Fields every pod of one run must agree on; merging pods that differ would be meaningless. */
const SAME_IN_EVERY_POD = ["durationMs", "warmupMs", "timeoutMs", "intervalMs", "pacing"] as const;

function addCounts<T extends StatusCounts | ErrorCounts>(a: T, b: T): T {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof T)[]) (out[k] as number) += b[k] as number;
  return out;
}

export function mergeLoadgenResults(pods: readonly LoadgenResult[]): LoadgenResult {
  const first = pods[0];
  if (first === undefined) throw new Error("mergeLoadgenResults: no load-generator results given");
  for (const [i, pod] of pods.entries()) {
    for (const field of SAME_IN_EVERY_POD) {
      if (pod.target[field] !== first.target[field]) {
        throw new Error(
          `load-generator pods disagree on target.${field}: pod 0 has ${first.target[field]}, pod ${i} has ${pod.target[field]}`,
        );
      }
    }
  }
  const decodeAll = (pick: (r: LoadgenResult) => string): Histogram =>
    mergeHistograms(pods.map((p) => decodeHistogram(pick(p))));
  const histogram = decodeAll((r) => r.histogram);
  const errorHistogram = decodeAll((r) => r.errorHistogram);

  const measuredFromMs = Math.min(...pods.map((p) => p.measuredFromMs));
  const measuredToMs = Math.max(...pods.map((p) => p.measuredFromMs + p.achieved.measuredMs));
  const measuredMs = Math.max(1, Math.round(measuredToMs - measuredFromMs));
  const requests = histogram.totalCount;
  const sum = (pick: (r: LoadgenResult) => number) => pods.reduce((s, p) => s + pick(p), 0);

  const urls: string[] = [];
  for (const pod of pods)
    for (const url of pod.target.urls) if (!urls.includes(url)) urls.push(url);

  const paths: Record<string, PathResult> = {};
  const pathHistograms = new Map<string, Histogram>();
  for (const pod of pods) {
    for (const [url, p] of Object.entries(pod.paths)) {
      const h = decodeHistogram(p.histogram);
      const seen = paths[url];
      const merged = pathHistograms.get(url);
      if (seen === undefined || merged === undefined) {
        paths[url] = { ...p };
        pathHistograms.set(url, h);
      } else {
        merged.add(h);
        seen.requests += p.requests;
        seen.status = addCounts(seen.status, p.status);
        seen.errors = addCounts(seen.errors, p.errors);
      }
    }
  }
  for (const [url, h] of pathHistograms) {
    const p = paths[url]!;
    p.latencyUs = spectrum(h);
    p.histogram = encodeHistogram(h);
  }

  return {
    schema: first.schema,
    version: first.version,
    startedAt: new Date(Math.min(...pods.map((p) => Date.parse(p.startedAt)))).toISOString(),
    endedAt: new Date(Math.max(...pods.map((p) => Date.parse(p.endedAt)))).toISOString(),
    measuredFromMs,
    target: {
      ...first.target,
      rate: sum((p) => p.target.rate),
      connections: sum((p) => p.target.connections),
      workers: sum((p) => p.target.workers),
      urls,
      pods: sum((p) => p.target.pods),
    },
    achieved: {
      rate: requests / (measuredMs / 1000),
      requests,
      measuredMs,
      sent: sum((p) => p.achieved.sent),
      unsent: sum((p) => p.achieved.unsent),
      status: pods.map((p) => p.achieved.status).reduce(addCounts),
      errors: pods.map((p) => p.achieved.errors).reduce(addCounts),
    },
    latencyUs: spectrum(histogram),
    histogram: encodeHistogram(histogram),
    errorLatencyUs: spectrum(errorHistogram),
    errorHistogram: encodeHistogram(errorHistogram),
    warmup: {
      requests: sum((p) => p.warmup.requests),
      failures: sum((p) => p.warmup.failures),
    },
    paths,
  };
}
