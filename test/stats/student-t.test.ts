import { describe, expect, it } from "vitest";
import { incompleteBeta, tCritical, tTwoSidedP } from "../../src/stats/student-t.ts";

describe("Student's t", () => {
  it("matches the closed forms for 1 and 2 degrees of freedom", () => {
    // df 1 is the Cauchy distribution: P(|T| ≥ t) = 1 − 2·atan(t)/π.
    for (const t of [0.1, 1, 3, 12.7]) {
      expect(tTwoSidedP(t, 1)).toBeCloseTo(1 - (2 * Math.atan(t)) / Math.PI, 10);
    }
    // df 2: P(|T| ≥ t) = 1 − t / √(2 + t²).
    for (const t of [0.5, 2, 4.303, 30]) {
      expect(tTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 10);
    }
  });

  it("gives the critical values of the printed tables", () => {
    // Two-sided 5 % and 1 % points (e.g. Fisher & Yates; any statistics textbook).
    expect(tCritical(0.05, 2)).toBeCloseTo(4.303, 3);
    expect(tCritical(0.05, 10)).toBeCloseTo(2.228, 3);
    expect(tCritical(0.01, 4)).toBeCloseTo(4.604, 3);
    expect(tCritical(0.05, 1000)).toBeCloseTo(1.962, 3);
  });

  it("is the beta function's closed form at a = b = 1 and a = 1", () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.3, 1, 3)).toBeCloseTo(1 - 0.7 ** 3, 12);
  });
});
