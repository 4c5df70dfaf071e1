import { describe, expect, it } from "vitest";
import { decodeHistogram } from "../../src/histogram/hdr.ts";
import { mergeLoadgenResults } from "../../src/results/merge.ts";
import { loadResult, T0, uniformHistogram } from "../helpers/runs.ts";

/** HDR with 3 significant digits: a value is reported within 0.1 % of itself. */
const within = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 1);

describe("merging load-generator pods", () => {
  const n = 50_000;
  const a = loadResult({
    histogram: uniformHistogram(1, n),
    rate: 500,
    connections: 32,
    measuredFromMs: T0,
    errors: { timeout: 3 },
    status: { "5xx": 7 },
    unsent: 2,
  });
  const b = loadResult({
    histogram: uniformHistogram(n + 1, 2 * n),
    rate: 500,
    connections: 32,
    measuredFromMs: T0 + 40,
    errors: { connect: 1 },
  });
  const merged = mergeLoadgenResults([a, b]);

  it("adds the histograms and reads percentiles off the sum", () => {
    // 1 … 2n µs once each: p50 = n, p90 = 1.8 n, max = 2 n.
    expect(merged.latencyUs.count).toBe(2 * n);
    within(merged.latencyUs.p50, n);
    within(merged.latencyUs.p90, 1.8 * n);
    within(merged.latencyUs.p100, 2 * n);
    expect(decodeHistogram(merged.histogram).totalCount).toBe(2 * n);
    // The pods alone had p50 of n/2 and 1.5 n: averaging them would also give n, but
    // p90 would be (0.9 n + 1.9 n) / 2 = 1.4 n, not 1.8 n.
    within(a.latencyUs.p90, 0.9 * n);
  });

  it("sums counts and targets and measures the rate over the span the pods covered together", () => {
    expect(merged.target.rate).toBe(1000);
    expect(merged.target.connections).toBe(64);
    expect(merged.target.pods).toBe(2);
    expect(merged.achieved.requests).toBe(2 * n);
    expect(merged.achieved.errors).toEqual({ connect: 1, reset: 0, timeout: 3, other: 0 });
    expect(merged.achieved.status["5xx"]).toBe(7);
    expect(merged.achieved.unsent).toBe(2);
    expect(merged.achieved.sent).toBe(a.achieved.sent + b.achieved.sent);
    // Each pod measured 54 s; pod b started 40 ms later: together 54.04 s.
    expect(merged.measuredFromMs).toBe(T0);
    expect(merged.achieved.measuredMs).toBe(54_040);
    expect(merged.achieved.rate).toBeCloseTo((2 * n) / 54.04, 9);
  });

  it("merges the per-URL results the same way", () => {
    const path = Object.values(merged.paths);
    expect(path).toHaveLength(1);
    expect(path[0]!.requests).toBe(a.paths[Object.keys(a.paths)[0]!]!.requests * 2);
    within(path[0]!.latencyUs.p50, n);
    expect(path[0]!.errors.timeout).toBe(3);
  });

  it("refuses pods that ran different schedules", () => {
    const c = loadResult({
      histogram: uniformHistogram(1, 10),
      durationMs: 30_000,
      warmupMs: 6_000,
    });
    expect(() => mergeLoadgenResults([a, c])).toThrow(
      "cannot merge load-generator results: target.durationMs differs between pods (60000, 30000)",
    );
  });
});
