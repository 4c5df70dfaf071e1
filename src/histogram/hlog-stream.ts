// Reads an .hlog one interval at a time, without re-homing each interval into a full-range
// histogram as parseHlog does: a 30-minute log at 1 s intervals is 1,800 histograms, and
// a report reads many logs, so only one decoded interval is alive at a time.
import * as hdr from "hdr-histogram-js";
import type { Histogram } from "./hdr.ts";

/** Calls `visit` with each interval's absolute start/end (ms since the epoch); returns the count. */
export function forEachHlogInterval(
  content: string,
  visit: (startMs: number, endMs: number, histogram: Histogram) => void,
): number {
  const reader = new hdr.HistogramLogReader(content, 64);
  let count = 0;
  for (;;) {
    const decoded = reader.nextIntervalHistogram();
    if (!decoded) return count;
    visit(decoded.startTimeStampMsec, decoded.endTimeStampMsec, decoded);
    count++;
  }
}
