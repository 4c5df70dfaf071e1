import { describe, expect, it } from "vitest";
import { createHistogram, type Histogram, spectrum } from "../../src/histogram/hdr.ts";
import { hlogHeader, hlogLine, LATENESS_TAG, parseHlog } from "../../src/histogram/hlog.ts";
import { mergeHlogs } from "../../src/histogram/hlog-merge.ts";
import { forEachHlogInterval } from "../../src/histogram/hlog-stream.ts";
import { T0, uniformHistogram } from "../helpers/runs.ts";

function log(baseMs: number, intervals: [number, number, number][]): string {
  let text = hlogHeader(baseMs);
  for (const [offsetMs, lo, hi] of intervals) {
    text += hlogLine(
      {
        startMs: baseMs + offsetMs,
        endMs: baseMs + offsetMs + 1000,
        histogram: uniformHistogram(lo, hi),
      },
      baseMs,
    );
  }
  return text;
}

describe("merging pods' interval logs", () => {
  // Pod b starts 3 ms after pod a and misses the second interval.
  const a = log(T0, [
    [0, 1, 1000],
    [1000, 1, 1000],
    [2000, 1, 1000],
  ]);
  const b = log(T0 + 3, [
    [0, 1001, 2000],
    [2000, 1001, 2000],
  ]);
  const merged = parseHlog(mergeHlogs([a, b], 1000));

  it("adds the intervals of the same slot", () => {
    expect(merged.map((i) => i.histogram.totalCount)).toEqual([2000, 1000, 2000]);
    // Slot 0 holds 1 … 2000 µs: its median is 1000 µs (HDR: within 0.1 %).
    expect(merged[0]!.histogram.getValueAtPercentile(50)).toBeGreaterThanOrEqual(999);
    expect(merged[0]!.histogram.getValueAtPercentile(50)).toBeLessThanOrEqual(1001);
    expect(merged[1]!.histogram.getValueAtPercentile(100)).toBeLessThanOrEqual(1001);
  });

  it("keeps absolute times: the earliest start and latest end of each slot", () => {
    expect(merged.map((i) => i.startMs - T0)).toEqual([0, 1000, 2000]);
    expect(merged.map((i) => i.endMs - T0)).toEqual([1003, 2000, 3003]);
  });

  it("streams the same intervals as the library's whole-file parser reads", () => {
    const seen: { startMs: number; endMs: number; histogram: Histogram }[] = [];
    const count = forEachHlogInterval(mergeHlogs([a, b], 1000), ({ startMs, endMs }) => {
      const histogram = createHistogram();
      seen.push({ startMs, endMs, histogram });
      return histogram;
    });
    expect(count).toBe(3);
    expect(seen.map((i) => [i.startMs - T0, i.endMs - T0, i.histogram.totalCount])).toEqual([
      [0, 1003, 2000],
      [1000, 2000, 1000],
      [2000, 3003, 2000],
    ]);
    seen.forEach((interval, i) => {
      expect(spectrum(interval.histogram)).toEqual(spectrum(merged[i]!.histogram));
    });
  });

  it("reads logs whose timestamps are absolute or relative to StartTime, as HistogramLogReader does", () => {
    const relative = log(T0, [[0, 1, 10]]).replace(/^#\[BaseTime.*\n/m, "");
    const absolute = relative.replace(/^0\.000,/m, `${(T0 / 1000).toFixed(3)},`);
    for (const text of [relative, absolute]) {
      const starts: number[] = [];
      forEachHlogInterval(text, ({ startMs }) => {
        starts.push(startMs);
        return createHistogram();
      });
      expect(starts).toEqual([T0]);
      expect(parseHlog(text)[0]!.startMs).toBe(T0);
    }
  });

  it("merges the lateness intervals apart from the latencies, and a reader can skip them", () => {
    // Each pod logs, per interval, its latencies and then its lateness (Tag=lateness).
    const withLateness = (baseMs: number, lo: number) => {
      let text = hlogHeader(baseMs);
      for (const offsetMs of [0, 1000]) {
        const times = { startMs: baseMs + offsetMs, endMs: baseMs + offsetMs + 1000 };
        text += hlogLine({ ...times, histogram: uniformHistogram(lo, lo + 999) }, baseMs);
        const late = uniformHistogram(1, 10 + offsetMs / 100);
        text += hlogLine({ ...times, histogram: late, tag: LATENESS_TAG }, baseMs);
      }
      return text;
    };
    const text = mergeHlogs([withLateness(T0, 1000), withLateness(T0 + 2, 5000)], 1000);
    const back = parseHlog(text);
    // Per slot: the latencies of both pods (2 × 1,000), then their lateness (2 × 10, 2 × 20).
    expect(back.map((i) => [i.tag ?? "", i.startMs - T0, i.histogram.totalCount])).toEqual([
      ["", 0, 2000],
      [LATENESS_TAG, 0, 20],
      ["", 1000, 2000],
      [LATENESS_TAG, 1000, 40],
    ]);
    // No lateness value (≤ 20 µs) among the latencies (≥ 1,000 µs), nor the reverse.
    for (const i of back)
      if (i.tag) expect(i.histogram.maxValue).toBeLessThan(21);
      else expect(i.histogram.minNonZeroValue).toBeGreaterThanOrEqual(999);
    // The report's latency over time reads the untagged intervals only.
    const latencies = createHistogram();
    expect(forEachHlogInterval(text, ({ tag }) => (tag === undefined ? latencies : null))).toBe(2);
    expect(latencies.totalCount).toBe(4000);
  });
});
