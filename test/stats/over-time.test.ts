import { describe, expect, it } from "vitest";
import { bucketSize, overTimeAccumulator } from "../../src/stats/over-time.ts";
import { uniformHistogram } from "../helpers/runs.ts";

describe("latency over time", () => {
  it("chooses whole multiples of the interval that keep a run within the point limit", () => {
    expect(bucketSize(1000, 54_000)).toBe(1000);
    expect(bucketSize(1000, 30 * 60_000)).toBe(15_000); // 1,800 intervals → 120 buckets
    expect(bucketSize(1000, 30 * 60_000 + 1)).toBe(16_000);
  });

  it("merges intervals into buckets and reads percentiles off each bucket's sum", () => {
    const acc = overTimeAccumulator(2000);
    // Run 1: second 0 holds 1…1000 µs, second 1 holds 1001…2000 µs: bucket 0 is 1…2000.
    acc.add(0, uniformHistogram(1, 1000));
    acc.add(1000, uniformHistogram(1001, 2000));
    acc.add(2000, uniformHistogram(10, 10));
    acc.endRun();
    // Run 2 adds 2001…4000 µs into bucket 0 at the same offset.
    const run2 = overTimeAccumulator(2000);
    run2.add(500, uniformHistogram(2001, 4000));
    run2.endRun();
    acc.addAll(run2);
    const { points, runs, bucketMs } = acc.series();
    expect(bucketMs).toBe(2000);
    expect(runs).toBe(2);
    expect(points.map((p) => [p.atS, p.count])).toEqual([
      [0, 4000],
      [2, 1],
    ]);
    // Bucket 0 is 1…4000 µs: p50 2 ms, p99 3.96 ms, max 4 ms (HDR: within 0.1 %).
    expect(points[0]!.p50Ms).toBeCloseTo(2.0, 2);
    expect(points[0]!.p99Ms).toBeCloseTo(3.96, 2);
    expect(points[0]!.maxMs).toBeCloseTo(4.0, 2);
    expect(points[1]!.maxMs).toBeCloseTo(0.01, 4);
    // The last bucket holds one response: its p50 and p99 would only repeat its max.
    expect([points[1]!.p50Ms, points[1]!.p99Ms]).toEqual([null, null]);
  });

  it("gives a bucket's p99 only from 100 values on, where at least one lies beyond it", () => {
    const acc = overTimeAccumulator(1000);
    acc.add(0, uniformHistogram(1, 99));
    acc.add(1000, uniformHistogram(1, 100));
    acc.endRun();
    const [few, enough] = acc.series().points;
    expect(few!.p99Ms).toBeNull();
    expect(few!.p50Ms).toBeCloseTo(0.05, 3);
    expect(enough!.p99Ms).toBeCloseTo(0.099, 3);
  });
});
