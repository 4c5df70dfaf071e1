// HdrHistogram's percentile distribution text: the "Detailed Percentile spectrum" wrk2
// prints and HdrHistogram's plotter (hdrhistogram.github.io/HdrHistogram/plotFiles.html)
// reads. hdr-histogram-js writes it as Java's outputPercentileDistribution does, value for
// value (test/interop/percentile-text.test.ts runs the Java one on the same histogram). Pure.
import type { Histogram } from "../histogram/hdr.ts";

/** Java's and wrk2's default: 5 percentile ticks per halving of the distance to 100 %. */
const TICKS_PER_HALF_DISTANCE = 5;
/** Values are recorded in µs and printed in ms, as wrk2 prints them. */
const US_PER_MS = 1000;

export function percentileDistribution(histogram: Histogram): string {
  return histogram.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, US_PER_MS);
}
