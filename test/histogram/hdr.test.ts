import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countAtOrAbove,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeHistograms,
  recordUs,
  spectrum,
} from "../../src/histogram/hdr.ts";

function histogramOf(values: number[]): Histogram {
  const h = createHistogram();
  for (const v of values) recordUs(h, v);
  return h;
}

/**
 * The cumulative count at every step of the distribution: equal for two histograms iff
 * their buckets are. (The footer is left out: it shows the exact max recorded, which the
 * standard encoding rounds to its bucket, as every HdrHistogram implementation does.)
 */
function buckets(h: Histogram): string {
  return h
    .outputPercentileDistribution(1, 1)
    .split("\n")
    .filter((line) => !line.startsWith("#"))
    .join("\n");
}

describe("HDR histograms", () => {
  it("adding the histograms of parts equals recording the pooled values", () => {
    const value = fc.integer({ min: 1, max: 3_600_000_000 });
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        (parts) => {
          const merged = mergeHistograms(parts.map(histogramOf));
          const pooled = histogramOf(parts.flat());
          expect(merged.totalCount).toBe(pooled.totalCount);
          expect(spectrum(merged)).toEqual(spectrum(pooled));
          expect(buckets(merged)).toBe(buckets(pooled));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads percentiles of a uniform 1..100000 µs distribution within 3 significant digits", () => {
    const h = histogramOf(Array.from({ length: 100_000 }, (_, i) => i + 1));
    const s = spectrum(h);
    // Analytic: the q-th percentile of 1..N is q·N/100; HDR keeps 3 digits (±0.1 %).
    for (const [key, q] of [
      ["p50", 50],
      ["p90", 90],
      ["p99", 99],
      ["p99.9", 99.9],
    ] as const) {
      expect(Math.abs(s[key] - (q * 100_000) / 100) / ((q * 100_000) / 100)).toBeLessThan(0.001);
    }
    expect(Math.abs(s.p100 - 100_000) / 100_000).toBeLessThan(0.001);
    expect(s.count).toBe(100_000);
    expect(s.mean).toBeCloseTo(50_000.5, -2);
  });

  it("survives the compressed base64 round trip bucket for bucket", () => {
    const h = histogramOf([1, 2, 3, 1000, 1001, 5_000_000, 3_600_000_000]);
    const back = decodeHistogram(encodeHistogram(h));
    expect(buckets(back)).toBe(buckets(h));
    // and what comes back can take any value in the standard range
    back.recordValue(3_000_000_000);
    expect(back.totalCount).toBe(8);
  });

  it("clamps values outside 1 µs .. 1 h instead of failing", () => {
    const h = histogramOf([0, -5, 7_200_000_000]);
    expect(h.totalCount).toBe(3);
    expect(spectrum(h).p100).toBeGreaterThanOrEqual(3_599_000_000);
  });
});

describe("countAtOrAbove", () => {
  it("counts the values at or above a threshold", () => {
    const h = histogramOf(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000)); // 1..1000 ms
    expect(countAtOrAbove(h, 500_000)).toBe(501);
    expect(countAtOrAbove(h, 1)).toBe(1000);
    expect(countAtOrAbove(h, 2_000_000)).toBe(0);
  });
});
