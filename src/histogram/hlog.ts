// The HdrHistogram interval-log format (.hlog), written and read with hdr-histogram-js's
// own HistogramLogWriter / HistogramLogReader so that other HdrHistogram tools
// (HistogramLogProcessor, HdrHistogramVisualizer, hdr-plot) read what we write.
import * as hdr from "hdr-histogram-js";
import { createHistogram, type Histogram } from "./hdr.ts";

/**
 * The tag of the intervals holding the load generator's own send lateness (actual −
 * intended send, µs); untagged intervals hold the latencies. Other HdrHistogram tools
 * read a tag's intervals apart (HistogramLogProcessor -tag lateness).
 */
export const LATENESS_TAG = "lateness";

/** Latencies are µs; the log's Interval_Max column is in ms, as in other tools' logs. */
const MAX_VALUE_UNIT_RATIO = 1000;

export interface HlogInterval {
  /** Interval start, ms since the epoch. */
  startMs: number;
  /** Interval end, ms since the epoch. */
  endMs: number;
  tag?: string;
  histogram: Histogram;
}

/**
 * Writes the log's header: format version, `#[StartTime: …]`, `#[BaseTime: …]` and the
 * legend. Interval timestamps that follow are relative to `baseTimeMs`.
 */
export function hlogHeader(baseTimeMs: number, comment?: string): string {
  let text = "";
  const writer = new hdr.HistogramLogWriter((s) => {
    text += s;
  });
  if (comment) writer.outputComment(comment);
  writer.outputLogFormatVersion();
  // Written as Java's HistogramLogWriter does: outputStartTime() here adds a blank line,
  // and there is no BaseTime helper at all.
  const seconds = (baseTimeMs / 1000).toFixed(3);
  writer.outputComment(
    `[StartTime: ${seconds} (seconds since epoch), ${new Date(baseTimeMs).toString()}]`,
  );
  writer.outputComment(`[BaseTime: ${seconds} (seconds since epoch)]`);
  writer.outputLegend();
  return text;
}

/** One interval line (with `Tag=…` when tagged), timestamps relative to `baseTimeMs`. */
export function hlogLine(interval: HlogInterval, baseTimeMs: number): string {
  let text = "";
  const writer = new hdr.HistogramLogWriter((s) => {
    text += s;
  });
  interval.histogram.tag = interval.tag ?? "";
  writer.outputIntervalHistogram(
    interval.histogram,
    (interval.startMs - baseTimeMs) / 1000,
    (interval.endMs - baseTimeMs) / 1000,
    MAX_VALUE_UNIT_RATIO,
  );
  return text;
}

/** A decoded interval's tag; hdr-histogram-js says "NO TAG" for an untagged one. */
export const tagOf = (h: Histogram): string | undefined =>
  h.tag && h.tag !== "NO TAG" ? h.tag : undefined;

/** Parses a whole .hlog; absolute interval times come from its StartTime/BaseTime. */
export function parseHlog(content: string): HlogInterval[] {
  const reader = new hdr.HistogramLogReader(content, 64);
  const intervals: HlogInterval[] = [];
  for (;;) {
    const decoded = reader.nextIntervalHistogram();
    if (!decoded) break;
    const histogram = createHistogram();
    histogram.add(decoded);
    const interval: HlogInterval = {
      startMs: decoded.startTimeStampMsec,
      endMs: decoded.endTimeStampMsec,
      histogram,
    };
    const tag = tagOf(decoded);
    if (tag !== undefined) interval.tag = tag;
    intervals.push(interval);
  }
  return intervals;
}
