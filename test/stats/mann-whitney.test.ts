import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mannWhitney, smallestP } from "../../src/stats/mann-whitney.ts";

/**
 * An independent oracle: the two-sided permutation p-value of the rank-sum statistic by
 * brute force over every way to split the pooled values, ties given mid-ranks.
 */
function bruteForceP(a: number[], b: number[]): number {
  const all = [...a, ...b];
  const sorted = [...all].sort((x, y) => x - y);
  const midrank = (v: number) => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return (first + last) / 2 + 1;
  };
  const ranks = all.map(midrank);
  const n = all.length;
  const k = a.length;
  const mean = (k * (n + 1)) / 2;
  const observed = Math.abs(ranks.slice(0, k).reduce((s, r) => s + r, 0) - mean);
  let total = 0;
  let extreme = 0;
  const choose = (start: number, left: number, sum: number) => {
    if (left === 0) {
      total++;
      if (Math.abs(sum - mean) >= observed - 1e-9) extreme++;
      return;
    }
    for (let i = start; i <= n - left; i++) choose(i + 1, left - 1, sum + ranks[i]!);
  };
  choose(0, k, 0);
  return extreme / total;
}

describe("Mann–Whitney U", () => {
  it("gives the exact p-values of complete separation: 2 / C(n1 + n2, n1)", () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(2 / 20, 12);
    expect(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).p).toBeCloseTo(2 / 70, 12);
    expect(mannWhitney([10, 11, 12, 13, 14], [1, 2, 3, 4, 5]).p).toBeCloseTo(2 / 252, 12);
    expect(smallestP(3, 3)).toBeCloseTo(0.1, 12);
    expect(smallestP(5, 5)).toBeCloseTo(2 / 252, 12);
  });

  it("counts U as pairs won, ties ½", () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6]).u).toBe(0);
    expect(mannWhitney([4, 5, 6], [1, 2, 3]).u).toBe(9);
    expect(mannWhitney([1, 2], [2, 3]).u).toBe(0.5);
  });

  it("finds nothing between identical samples", () => {
    expect(mannWhitney([5, 5, 5], [5, 5, 5]).p).toBe(1);
    expect(mannWhitney([1, 2, 3, 4], [1, 2, 3, 4]).p).toBeCloseTo(1, 12);
  });

  it("agrees with brute-force enumeration, ties included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
        (a, b) => {
          expect(mannWhitney(a, b).p).toBeCloseTo(bruteForceP(a, b), 9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("uses the normal approximation for large samples, with the textbook z", () => {
    // 40 vs 40 values, no ties, the second sample shifted up by 10.
    const a = Array.from({ length: 40 }, (_, i) => i);
    const b = Array.from({ length: 40 }, (_, i) => i + 10);
    const result = mannWhitney(a, b);
    expect(result.exact).toBe(false);
    // a wins a pair (x > y) when x − 10 > … : for a_i = i, b_j = j + 10, a_i > b_j ⇔ j < i − 10.
    let u = 0;
    for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
    expect(result.u).toBe(u);
    const sigma = Math.sqrt((40 * 40 * 81) / 12);
    const z = (Math.abs(u - 800) - 0.5) / sigma;
    // Two-sided tail of the standard normal by Simpson integration of its density.
    const steps = 20_000;
    const h = (z + 0) / steps;
    let area = 0;
    for (let i = 0; i <= steps; i++) {
      const x = i * h;
      const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
      area += (w * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
    }
    const expected = 2 * (0.5 - (area * h) / 3);
    expect(result.p).toBeCloseTo(expected, 5);
  });
});
