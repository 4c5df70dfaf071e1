// Reads an .hlog one interval at a time and adds each interval's histogram straight into
// a histogram the caller chooses (addEncodedHistogram): a 30-minute log at 1 s intervals
// is 1,800 histograms and a report reads many logs, so none is decoded on its own. Times
// follow HistogramLogReader: relative to #[BaseTime], or to #[StartTime] when timestamps
// are more than a year before it, else absolute.
import { addEncodedHistogram } from "./add-encoded.ts";
import type { Histogram } from "./hdr.ts";

const YEAR_S = 365 * 24 * 3600;

export interface IntervalTimes {
  /** Interval start and end, ms since the epoch. */
  startMs: number;
  endMs: number;
  tag?: string;
}

/**
 * Calls `into` for each interval to learn which histogram it goes into (null: none, the
 * interval is skipped), then adds the interval there. Returns the number of intervals
 * added. Throws on a line it cannot read.
 */
export function forEachHlogInterval(
  content: string,
  into: (interval: IntervalTimes) => Histogram | null,
): number {
  let startTimeS = 0;
  let baseTimeS: number | undefined;
  let count = 0;
  for (const line of content.split(/\r\n|\r|\n/)) {
    if (line.startsWith("#[StartTime:")) startTimeS = Number.parseFloat(line.split(" ")[1]!);
    else if (line.startsWith("#[BaseTime:")) baseTimeS = Number.parseFloat(line.split(" ")[1]!);
    else if (line.startsWith("#") || line.startsWith('"') || !line.includes(",")) continue;
    else {
      const tokens = line.split(",");
      let tag: string | undefined;
      if (tokens[0]!.startsWith("Tag=")) tag = tokens.shift()!.slice(4);
      const [rawStart, rawLength, , base64] = tokens;
      const startS = Number.parseFloat(rawStart!);
      const lengthS = Number.parseFloat(rawLength!);
      if (!Number.isFinite(startS) || !Number.isFinite(lengthS) || base64 === undefined) {
        throw new Error(
          `line ${count + 1} of the intervals is not "start,length,max,histogram": ${line.slice(0, 80)}`,
        );
      }
      baseTimeS ??= startS < startTimeS - YEAR_S ? startTimeS : 0;
      const startMs = (baseTimeS + startS) * 1000;
      const interval: IntervalTimes = { startMs, endMs: startMs + lengthS * 1000 };
      if (tag !== undefined) interval.tag = tag;
      const target = into(interval);
      if (target === null) continue;
      addEncodedHistogram(target, base64);
      count++;
    }
  }
  return count;
}
