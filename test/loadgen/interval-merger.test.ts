// Joining the workers' interval histograms: against sums computed by hand.
import { describe, expect, it } from "vitest";
import { createHistogram, recordUs } from "../../src/histogram/hdr.ts";
import { IntervalMerger, type IntervalPart } from "../../src/loadgen/interval-merger.ts";

const part = (startMs: number, values: number[], failures = 0, timeouts = 0): IntervalPart => {
  const histogram = createHistogram();
  const lateness = createHistogram();
  for (const v of values) {
    recordUs(histogram, v);
    recordUs(lateness, v / 100);
  }
  return {
    histogram,
    lateness,
    startMs,
    endMs: startMs + 1000,
    responses: values.length,
    failures,
    timeouts,
  };
};

describe("IntervalMerger", () => {
  it("completes an interval only once every worker has reported it, and adds the parts", () => {
    const m = new IntervalMerger(2, 0);
    expect(m.add(0, 0, part(0, [100, 200]))).toEqual([]);
    expect(m.add(0, 1, part(1000, [300]))).toEqual([]);
    const [first, ...rest] = m.add(1, 0, part(5, [400], 2, 1));
    expect(rest).toEqual([]);
    expect(first!.index).toBe(0);
    expect(first!.responses).toBe(3);
    expect(first!.failures).toBe(2);
    expect(first!.timeouts).toBe(1);
    expect(first!.startMs).toBe(0);
    expect(first!.endMs).toBe(1005);
    expect(first!.histogram!.totalCount).toBe(3);
    expect(first!.histogram!.maxValue).toBeGreaterThanOrEqual(400);
    expect(first!.lateness!.totalCount).toBe(3);
    expect(first!.lateness!.maxValue).toBeGreaterThanOrEqual(4);
  });

  it("lets a finished worker stop holding the others back, in index order", () => {
    const m = new IntervalMerger(2, -1);
    expect(m.add(0, -1, { ...part(0, []), histogram: null })).toEqual([]);
    expect(m.add(0, 0, part(1000, [10]))).toEqual([]);
    expect(m.add(0, 1, part(2000, [20]))).toEqual([]);
    const complete = m.finish(1);
    expect(complete.map((c) => c.index)).toEqual([-1, 0, 1]);
    expect(complete[0]!.histogram).toBeNull();
    expect(complete.map((c) => c.responses)).toEqual([0, 1, 1]);
  });

  it("skips an index no worker reported and never emits an interval twice", () => {
    const m = new IntervalMerger(1, 0);
    expect(m.add(0, 2, part(2000, [5])).map((c) => c.index)).toEqual([2]);
    expect(m.finish(0)).toEqual([]);
  });
});
