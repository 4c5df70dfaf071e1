import { describe, expect, it } from "vitest";
import { createHistogram, encodeHistogram, spectrum } from "../../src/histogram/hdr.ts";
import { DecodedIntervals } from "../../src/loadgen/decoded-intervals.ts";

const encoded = (values: number[]) => {
  const h = createHistogram();
  for (const v of values) h.recordValue(v);
  return encodeHistogram(h);
};

describe("the coordinator's decoded interval histograms", () => {
  it("decodes each interval's values, and a released histogram comes back empty of them", () => {
    const decoded = new DecodedIntervals();
    const first = decoded.decode(0, encoded([100, 200, 300_000]));
    expect(first.totalCount).toBe(3);
    // 3 significant digits: 300,000 µs is read back within 0.1 %.
    expect(spectrum(first).p100).toBeGreaterThanOrEqual(300_000);
    expect(spectrum(first).p100).toBeLessThan(300_300);

    // Lent to interval 0: interval 1 gets another histogram while 0 is not released.
    const second = decoded.decode(1, encoded([50]));
    expect(second).not.toBe(first);
    expect(first.totalCount).toBe(3);

    decoded.release(0);
    const reused = decoded.decode(2, encoded([7, 7]));
    expect(reused).toBe(first);
    // Only the new interval's values: none of interval 0's count, minimum or maximum.
    expect(reused.totalCount).toBe(2);
    expect(reused.minNonZeroValue).toBe(7);
    expect(reused.maxValue).toBe(7);
  });
});
