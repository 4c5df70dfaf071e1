import { describe, expect, it } from "vitest";
import type { MetricDef, Threshold } from "../../src/stats/metrics.ts";
import { holm, judge, minimalDetectable, type Sample, tTest } from "../../src/stats/verdict.ts";

const latency: Pick<MetricDef, "better" | "unit"> = { better: "lower", unit: "ms" };
const rate: Pick<MetricDef, "better" | "unit"> = { better: "higher", unit: "rps" };
const errors: Pick<MetricDef, "better" | "unit"> = { better: "lower", unit: "fraction" };
const tenPct: Threshold = { kind: "relative", percent: 10 };

/** One metric judged alone (a family of one). */
function verdictOf(
  base: number[] | Sample,
  cand: number[] | Sample,
  metric: Pick<MetricDef, "better" | "unit">,
  threshold: Threshold,
  alpha = 0.05,
) {
  const b = Array.isArray(base) ? { values: base } : base;
  const c = Array.isArray(cand) ? { values: cand } : cand;
  const test = tTest(b, c)!;
  return judge(b, c, metric, { threshold }, test, holm([test.p], alpha)[0]!, 1, alpha);
}

describe("the noise test: Student's t on per-run values", () => {
  it("computes t, df and p as by hand", () => {
    // Means 11 and 15, squared deviations 2 + 2 over df 2: pooled variance 2,
    // SE √(2·(½+½)) = √2, t = 4/√2 = 2√2; df 2: p = 1 − t/√(2 + t²) = 1 − 2√2/√10.
    const t = tTest({ values: [10, 12] }, { values: [14, 16] })!;
    expect(t.difference).toBe(4);
    expect(t.df).toBe(2);
    expect(t.se).toBeCloseTo(Math.SQRT2, 12);
    expect(t.p).toBeCloseTo(1 - (2 * Math.SQRT2) / Math.sqrt(10), 10);
  });

  it("never takes the variance below what each run's own requests imply", () => {
    // Two identical-looking pairs of runs: the spread between them (0) says nothing;
    // a sampling variance of 1 ms² per run says the difference of 1 ms is not beyond it.
    const t = tTest({ values: [10, 10], withinVariance: 1 }, { values: [11, 11] })!;
    expect(t.se).toBeCloseTo(1, 12);
    expect(t.p).toBeCloseTo(1 - 1 / Math.sqrt(3), 10); // df 2, t = 1
  });

  it("takes values on a grid as no more precise than its step", () => {
    // CPU in whole ticks: 0.13, 0.13 against 0.11, 0.11 has a step of 0.02, so a rounding
    // variance of 0.02²/12, not 0 (which would make the difference certain).
    const t = tTest({ values: [0.13, 0.13] }, { values: [0.11, 0.11] })!;
    expect(t.se).toBeCloseTo(Math.sqrt(0.02 ** 2 / 12), 12);
    expect(t.p).toBeGreaterThan(0.05);
  });

  it("cannot test 1 run against 1 (no spread to estimate)", () => {
    expect(tTest({ values: [10] }, { values: [12] })).toBeNull();
  });

  it("states the minimal detectable change: (t at the level + t at 80 % power) × SE", () => {
    // df 10: two-sided 5 % point 2.228, one-sided 20 % point 0.879 (printed tables).
    expect(minimalDetectable(1, 10, 0.05)).toBeCloseTo(2.228 + 0.879, 2);
  });
});

describe("Holm's correction", () => {
  it("steps down alpha ÷ m, alpha ÷ (m − 1) … and stops at the first p that fails", () => {
    // Sorted: 0.005 ≤ 0.0125, 0.01 ≤ 0.0167, 0.03 > 0.025: stop; 0.04 is not rejected
    // although it is below its own level 0.05.
    const r = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    expect(r.map((x) => x.reject)).toEqual([true, false, false, true]);
    expect(r.map((x) => x.level)).toEqual([0.05 / 3, 0.05, 0.05 / 2, 0.05 / 4]);
  });

  it("keeps the family-wise false-alarm rate at alpha on unchanged data (simulated)", () => {
    // 2000 comparisons of 20 metrics, each 2 runs against 2 drawn from one normal
    // distribution: the share of comparisons with any metric rejected must be ≤ 5 %
    // (with 2000 draws a true 5 % exceeds 6 % with probability < 0.1 %).
    let seed = 12345;
    const uniform = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed + 0.5) / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let alarms = 0;
    for (let i = 0; i < 2000; i++) {
      const ps = Array.from({ length: 20 }, () => {
        const t = tTest({ values: [normal(), normal()] }, { values: [normal(), normal()] })!;
        return t.p;
      });
      if (holm(ps, 0.05).some((x) => x.reject)) alarms++;
    }
    expect(alarms / 2000).toBeLessThanOrEqual(0.06);
  });
});

describe("verdicts", () => {
  it("calls a change beyond the threshold but not the noise inconclusive, within noise", () => {
    // Medians 10 → 12 (+20 %), but runs of 9–11 and 10.5–13.5: p ≈ 0.4.
    const j = verdictOf([9, 11], [10.5, 13.5], latency, tenPct);
    expect(j.changePct).toBeCloseTo(20, 9);
    expect(j.verdict).toBe("inconclusive");
    expect(j.noise.test === "t" && j.noise.beyondNoise).toBe(false);
    expect(j.reason).toMatch(/^beyond the 10 % threshold, but within noise: t-test p = /);
  });

  it("calls a clear shift upward in latency a regression, and says what it can see", () => {
    const j = verdictOf(
      [10, 10.2, 10.1, 9.9, 10.05],
      [12, 12.3, 11.9, 12.1, 12.2],
      latency,
      tenPct,
    );
    expect(j.verdict).toBe("regressed");
    expect(j.reason).toMatch(/^beyond the 10 % threshold and the noise: t-test p = .* < 0\.05/);
    expect(j.reason).toMatch(/at 5 vs 5 runs this gate sees changes of [\d.]+ % or more/);
  });

  it("calls a clear shift downward in latency an improvement", () => {
    expect(verdictOf([10, 10.2, 10.1], [8, 8.2, 8.1], latency, tenPct).verdict).toBe("improved");
  });

  it("calls a clear but small shift unchanged", () => {
    // +5 %: outside the noise, inside the threshold.
    const j = verdictOf([10, 10.01, 9.99], [10.5, 10.51, 10.49], latency, tenPct);
    expect(j.verdict).toBe("unchanged");
    expect(j.reason).toMatch(/^within the 10 % threshold/);
  });

  it("reads a lower achieved rate as a regression (higher is better)", () => {
    const two: Threshold = { kind: "relative", percent: 2 };
    expect(verdictOf([1000, 1001, 999], [850, 851, 849], rate, two).verdict).toBe("regressed");
    expect(verdictOf([850, 851, 849], [1000, 1001, 999], rate, two).verdict).toBe("improved");
  });

  it("judges the error rate against an absolute threshold", () => {
    const pp01: Threshold = { kind: "absolute", value: 0.001 };
    // 0 % → 0.5 %: 0.5 percentage points, beyond 0.1 pp.
    const worse = verdictOf([0, 0, 0], [0.005, 0.0051, 0.0049], errors, pp01);
    expect(worse.verdict).toBe("regressed");
    expect(worse.changePct).toBeNull();
    expect(worse.reason).toMatch(/^beyond the 0\.1 pp threshold/);
    // 0 % → 0.05 %: within 0.1 pp although "infinitely" larger relatively.
    expect(verdictOf([0, 0], [0.0005, 0.0005], errors, pp01).verdict).toBe("unchanged");
  });

  it("counts any change from a zero baseline as beyond a relative threshold", () => {
    expect(verdictOf([0, 0], [0.2, 0.21], latency, tenPct).exceedsThreshold).toBe(true);
    expect(verdictOf([0, 0], [0, 0], latency, tenPct).verdict).toBe("unchanged");
  });

  it("holds a p against its Holm level, not alpha, in a family", () => {
    const b = { values: [10, 10.4, 9.6] };
    const c = { values: [11, 11.4, 10.6] };
    const test = tTest(b, c)!; // p ≈ 0.03: below 0.05, not below 0.05 ÷ 10
    expect(test.p).toBeLessThan(0.05);
    const alone = judge(
      b,
      c,
      latency,
      { threshold: tenPct },
      test,
      holm([test.p], 0.05)[0]!,
      1,
      0.05,
    );
    expect(alone.verdict).toBe("unchanged"); // +10 % is not beyond 10 %
    const five = { kind: "relative", percent: 5 } as const;
    expect(
      judge(b, c, latency, { threshold: five }, test, { level: 0.05, reject: true }, 1, 0.05)
        .verdict,
    ).toBe("regressed");
    const inTen = judge(
      b,
      c,
      latency,
      { threshold: five },
      test,
      { level: 0.005, reject: false },
      10,
      0.05,
    );
    expect(inTen.verdict).toBe("inconclusive");
    expect(inTen.reason).toMatch(/≥ 0\.005 \(Holm, 10 metrics\)/);
  });

  it("uses a calibrated noise floor above the threshold, naming it and its date", () => {
    const j = judge(
      { values: [10, 10.1, 9.9] },
      { values: [12, 12.1, 11.9] },
      latency,
      { threshold: tenPct, calibrated: { percent: 30, measuredAt: "2026-12-01" } },
      tTest({ values: [10, 10.1, 9.9] }, { values: [12, 12.1, 11.9] })!,
      { level: 0.05, reject: true },
      1,
      0.05,
    );
    expect(j.verdict).toBe("unchanged");
    expect(j.reason).toMatch(
      /^within the 30 % noise floor \(calibrated 2026-12-01; threshold 10 %\)/,
    );
  });
});
