import { describe, expect, it } from "vitest";
import { createHistogram, spectrum } from "../../src/histogram/hdr.ts";
import { hlogHeader, hlogLine, parseHlog } from "../../src/histogram/hlog.ts";

describe(".hlog", () => {
  it("reads back what it writes: times, tags and histograms", () => {
    const base = Date.UTC(2026, 10, 27, 12, 0, 0);
    const intervals = [0, 1, 2].map((i) => {
      const h = createHistogram();
      for (let v = 1; v <= 1000 * (i + 1); v++) h.recordValue(v * 7);
      return {
        startMs: base + i * 1000,
        endMs: base + (i + 1) * 1000,
        histogram: h,
        tag: i === 1 ? "warmup" : undefined,
      };
    });
    const text = hlogHeader(base, "test log") + intervals.map((iv) => hlogLine(iv, base)).join("");
    expect(text).toContain(`#[StartTime: ${base / 1000}.000`);
    expect(text).toContain(`#[BaseTime: ${base / 1000}.000 (seconds since epoch)]`);
    expect(text).toContain(
      '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"',
    );
    expect(text).not.toMatch(/\n\n/);
    // Interval lines: relative start, length, max in ms (7000 µs → 7.000), histogram
    expect(text).toMatch(/^0\.000,1\.000,7\.000,HIST/m);
    expect(text).toMatch(/^Tag=warmup,1\.000,1\.000,14\.000,HIST/m);

    const back = parseHlog(text);
    expect(back).toHaveLength(3);
    for (const [i, iv] of back.entries()) {
      expect(iv.startMs).toBe(intervals[i]!.startMs);
      expect(iv.endMs).toBe(intervals[i]!.endMs);
      expect(iv.tag).toBe(intervals[i]!.tag);
      expect(spectrum(iv.histogram)).toEqual(spectrum(intervals[i]!.histogram));
    }
  });
});
