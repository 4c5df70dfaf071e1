import { describe, expect, it } from "vitest";
import {
  clock,
  formatChange,
  formatDescribed,
  formatValue,
  sig3,
} from "../../src/report/format.ts";

describe("number formatting", () => {
  it("shows three significant digits, never in exponent form", () => {
    expect([0.6671, 12.345, 3, 0.5, 999.4, 999.6, 1234.5, 0.0000001234, 0].map(sig3)).toEqual([
      "0.667",
      "12.3",
      "3.00",
      "0.500",
      "999",
      "1,000",
      "1,235",
      "0.000000123",
      "0",
    ]);
  });

  it("shows each unit as its column promises", () => {
    expect(formatValue(1.5 * 1024 * 1024, "bytes")).toBe("1.50");
    expect(formatValue(0.00123, "fraction")).toBe("0.123 %");
    expect(formatValue(5499.23, "rps")).toBe("5,499.2");
  });

  it("shows a median with its range, or alone when runs agree", () => {
    expect(formatDescribed({ n: 3, median: 2, min: 1.5, max: 2.25, values: [] }, "ms")).toBe(
      "2.00 [1.50–2.25]",
    );
    expect(formatDescribed({ n: 2, median: 2, min: 2, max: 2, values: [] }, "ms")).toBe("2.00");
  });

  it("signs changes with a true minus", () => {
    expect(formatChange(1, 12.34, "ms")).toBe("+12.3 %");
    expect(formatChange(-1, -4.1, "ms")).toBe("−4.10 %");
    expect(formatChange(0.0005, null, "fraction")).toBe("+0.0500 pp");
    expect(formatChange(0.2, null, "cores")).toBe("new");
  });

  it("writes run-relative times as m:ss", () => {
    expect([0, 61_000, 3_725_000].map(clock)).toEqual(["0:00", "1:01", "1:02:05"]);
  });
});
