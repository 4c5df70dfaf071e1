// HDR histograms as meshbench uses them: latencies in microseconds, 1 µs .. 1 h,
// 3 significant digits (DESIGN.md, "HDR histograms, lossless"). Histograms are added,
// never averaged; percentiles are read off the (merged) histogram.
import * as hdr from "hdr-histogram-js";
import { addEncodedHistogram } from "./add-encoded.ts";
import { HIGHEST_TRACKABLE_US, type Histogram, SIGNIFICANT_DIGITS } from "./layout.ts";

export { HIGHEST_TRACKABLE_US, type Histogram, SIGNIFICANT_DIGITS };

/** The percentiles every meshbench report shows (DESIGN.md). */
export const PERCENTILES = [50, 75, 90, 99, 99.9, 99.99, 99.999, 100] as const;
export type PercentileKey = "p50" | "p75" | "p90" | "p99" | "p99.9" | "p99.99" | "p99.999" | "p100";
export const PERCENTILE_KEYS: readonly PercentileKey[] = PERCENTILES.map(
  (p) => `p${p}` as PercentileKey,
);

export type Spectrum = Record<PercentileKey, number> & { mean: number; count: number };

/**
 * A histogram for latencies in µs. 64-bit counts so that merged histograms of long,
 * many-pod runs cannot overflow a bucket.
 */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

/** Records a latency, clamped into the trackable range (0 µs counts as 1 µs). */
export function recordUs(histogram: Histogram, us: number): void {
  histogram.recordValue(us < 1 ? 1 : Math.min(us, HIGHEST_TRACKABLE_US));
}

/** The standard compressed base64 form every HdrHistogram implementation reads. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/**
 * Decodes into our standard range (so that it can be added to and add other histograms).
 * Throws on an encoding that is not meshbench's layout or inflates too far (add-encoded.ts).
 */
export function decodeHistogram(base64: string): Histogram {
  const histogram = createHistogram();
  addEncodedHistogram(histogram, base64);
  return histogram;
}

/** Adds histograms into a new one (the only way meshbench combines latencies). */
export function mergeHistograms(histograms: Iterable<Histogram>): Histogram {
  const merged = createHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

/** The report's percentiles, the mean and the count, in µs, read off one histogram. */
export function spectrum(histogram: Histogram): Spectrum {
  const out = { mean: 0, count: histogram.totalCount } as Spectrum;
  for (const [i, key] of PERCENTILE_KEYS.entries()) {
    out[key] = histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(PERCENTILES[i]!);
  }
  out.mean = histogram.totalCount === 0 ? 0 : Math.round(histogram.mean * 1000) / 1000;
  return out;
}

/**
 * How many recorded values are ≥ `us` (to HDR precision: whole buckets from the one that
 * holds `us`). Reports use it for "requests slower than X".
 */
export function countAtOrAbove(histogram: Histogram, us: number): number {
  const h = histogram as unknown as hdr.JsHistogram;
  let n = 0;
  for (let i = h.countsArrayIndex(Math.max(1, us)); i < h.countsArrayLength; i++)
    n += h.getCountAtIndex(i);
  return n;
}
