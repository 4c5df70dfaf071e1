import { describe, expect, it } from "vitest";
import type { MetricDef, Threshold } from "../../src/stats/metrics.ts";
import { judge } from "../../src/stats/verdict.ts";

const latency: Pick<MetricDef, "better" | "unit"> = { better: "lower", unit: "ms" };
const rate: Pick<MetricDef, "better" | "unit"> = { better: "higher", unit: "rps" };
const errors: Pick<MetricDef, "better" | "unit"> = { better: "lower", unit: "fraction" };
const tenPct: Threshold = { kind: "relative", percent: 10 };

describe("verdicts with fewer than 3 runs a side: the ranges", () => {
  it("calls overlapping ranges inconclusive even beyond the threshold", () => {
    // Medians 10 → 12 (+20 %), but [9, 11] and [10.5, 13.5] overlap.
    const j = judge([9, 11], [10.5, 13.5], latency, tenPct);
    expect(j.changePct).toBeCloseTo(20, 9);
    expect(j.verdict).toBe("inconclusive");
    expect(j.noise).toEqual({ test: "ranges", overlap: true });
    expect(j.reason).toMatch(/beyond the 10 % threshold, but ranges overlap/);
  });

  it("calls a clear shift upward in latency a regression", () => {
    const j = judge([10, 10.5], [12, 12.5], latency, tenPct);
    expect(j.verdict).toBe("regressed");
    expect(j.reason).toBe("beyond the 10 % threshold and ranges do not overlap");
  });

  it("calls a clear shift downward in latency an improvement", () => {
    expect(judge([10, 10.5], [8, 8.5], latency, tenPct).verdict).toBe("improved");
  });

  it("calls a clear but small shift unchanged", () => {
    // +5 %: outside the noise, inside the threshold.
    const j = judge([10, 10], [10.5, 10.5], latency, tenPct);
    expect(j.verdict).toBe("unchanged");
    expect(j.reason).toBe("within the 10 % threshold");
  });

  it("treats touching ranges as overlapping", () => {
    expect(judge([10, 11], [11, 13], latency, tenPct).verdict).toBe("inconclusive");
  });

  it("reads a lower achieved rate as a regression (higher is better)", () => {
    expect(judge([1000, 1000], [850, 860], rate, { kind: "relative", percent: 2 }).verdict).toBe(
      "regressed",
    );
    expect(judge([850, 860], [1000, 1000], rate, { kind: "relative", percent: 2 }).verdict).toBe(
      "improved",
    );
  });

  it("judges the error rate against an absolute threshold", () => {
    const pp01: Threshold = { kind: "absolute", value: 0.001 };
    // 0 % → 0.5 %: 0.5 percentage points, beyond 0.1 pp.
    const worse = judge([0, 0], [0.005, 0.006], errors, pp01);
    expect(worse.verdict).toBe("regressed");
    expect(worse.changePct).toBeNull();
    expect(worse.reason).toMatch(/^beyond the 0\.1 pp threshold/);
    // 0 % → 0.05 %: within 0.1 pp although "infinitely" larger relatively.
    expect(judge([0, 0], [0.0005, 0.0005], errors, pp01).verdict).toBe("unchanged");
  });

  it("counts any change from a zero baseline as beyond a relative threshold", () => {
    expect(judge([0], [0.2], latency, tenPct).verdict).toBe("regressed");
    expect(judge([0], [0], latency, tenPct).verdict).toBe("unchanged");
  });
});

describe("verdicts with 3 or more runs a side: Mann–Whitney U", () => {
  it("calls a clear shift of 5 against 5 runs a regression (p = 2/252)", () => {
    const j = judge([10, 10.2, 10.1, 9.9, 10.05], [12, 12.3, 11.9, 12.1, 12.2], latency, tenPct);
    expect(j.verdict).toBe("regressed");
    expect(j.noise.test).toBe("mann-whitney");
    expect(j.noise.test === "mann-whitney" && j.noise.p).toBeCloseTo(2 / 252, 9);
  });

  it("calls interleaved samples inconclusive even with a median shift beyond the threshold", () => {
    const j = judge([10, 14, 9, 15, 10.5], [12, 9.5, 16, 11.5, 14.5], latency, tenPct);
    expect(j.changePct).toBeGreaterThan(10);
    expect(j.verdict).toBe("inconclusive");
  });

  it("says when 3 against 3 runs cannot reach the level, and honours a raised alpha", () => {
    const strict = judge([10, 10.1, 10.2], [12, 12.1, 12.2], latency, tenPct, 0.05);
    expect(strict.verdict).toBe("inconclusive");
    expect(strict.reason).toMatch(
      /with 3 and 3 runs p cannot be below 0\.10; add runs or raise alpha/,
    );
    expect(judge([10, 10.1, 10.2], [12, 12.1, 12.2], latency, tenPct, 0.15).verdict).toBe(
      "regressed",
    );
  });

  it("uses the ranges when only one side has 3 runs", () => {
    const j = judge([10, 10.1, 10.2], [12, 12.1], latency, tenPct);
    expect(j.noise.test).toBe("ranges");
    expect(j.verdict).toBe("regressed");
  });
});
