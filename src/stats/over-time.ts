// Latency over time from interval histograms: intervals are added into time buckets
// (offset from the start of the measured period; repetitions of a mesh merge at the same
// offset) and p50, p99 and max are read off each bucket's merged histogram, so a coarser
// bucket still shows true percentiles, never averages of percentiles. Pure (no I/O);
// the caller feeds intervals as it reads them so that a log is never held whole.
import { createHistogram, type Histogram } from "../histogram/hdr.ts";
import { isMaxAt } from "./metrics.ts";

export interface OverTimePoint {
  /** Bucket start, seconds from the start of the measured period. */
  atS: number;
  /**
   * Null where the bucket holds too few values for the percentile to be anything but its
   * max (fewer than 100 for p99, one for p50): a bucket of 1 response is no p50 = p99 point.
   */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number;
  count: number;
}

export interface OverTimeSeries {
  bucketMs: number;
  /** How many runs contributed intervals. */
  runs: number;
  points: OverTimePoint[];
}

/** Charts stay readable (and chart URLs short) with at most this many points. */
export const MAX_POINTS = 120;

/** The smallest whole multiple of the interval that keeps a run within MAX_POINTS buckets. */
export function bucketSize(intervalMs: number, measuredMs: number, maxPoints = MAX_POINTS): number {
  const intervals = Math.max(1, Math.ceil(measuredMs / intervalMs));
  return intervalMs * Math.max(1, Math.ceil(intervals / maxPoints));
}

export interface OverTimeAccumulator {
  /** Adds one interval histogram that started `offsetMs` after the measured period began. */
  add(offsetMs: number, histogram: Histogram): void;
  /**
   * The bucket histogram an interval starting `offsetMs` after the measured period began
   * belongs in, for callers that add into it themselves; counts as one interval.
   */
  bucket(offsetMs: number): Histogram;
  /** Marks the end of one run's intervals. */
  endRun(): void;
  /** Adds everything another accumulator (same bucket size) holds, runs included. */
  addAll(other: OverTimeAccumulator): void;
  /** The bucket histograms by bucket index (for addAll). */
  readonly buckets: ReadonlyMap<number, Histogram>;
  readonly runs: number;
  series(): OverTimeSeries;
}

export function overTimeAccumulator(bucketMs: number): OverTimeAccumulator {
  const buckets = new Map<number, Histogram>();
  let runs = 0;
  let current = 0;
  const bucketAt = (index: number): Histogram => {
    let bucket = buckets.get(index);
    if (!bucket) {
      bucket = createHistogram();
      buckets.set(index, bucket);
    }
    return bucket;
  };
  const bucket = (offsetMs: number): Histogram => {
    current++;
    return bucketAt(Math.max(0, Math.floor(offsetMs / bucketMs)));
  };
  return {
    buckets,
    get runs() {
      return runs;
    },
    bucket,
    add(offsetMs, histogram) {
      bucket(offsetMs).add(histogram);
    },
    endRun() {
      if (current > 0) runs++;
      current = 0;
    },
    addAll(other) {
      for (const [index, histogram] of other.buckets) bucketAt(index).add(histogram);
      runs += other.runs;
    },
    series() {
      const points = [...buckets.entries()]
        .sort(([a], [b]) => a - b)
        .filter(([, h]) => h.totalCount > 0)
        .map(([index, h]) => ({
          atS: (index * bucketMs) / 1000,
          p50Ms: isMaxAt(50, h.totalCount) ? null : h.getValueAtPercentile(50) / 1000,
          p99Ms: isMaxAt(99, h.totalCount) ? null : h.getValueAtPercentile(99) / 1000,
          maxMs: h.getValueAtPercentile(100) / 1000,
          count: h.totalCount,
        }));
      return { bucketMs, runs, points };
    },
  };
}
