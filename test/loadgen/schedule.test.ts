import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "../../src/loadgen/heap.ts";
import { intendedAt, slotsBefore } from "../../src/loadgen/schedule.ts";

describe("schedule", () => {
  const s = { offsetMs: 2.5, periodMs: 10 };

  it("places slot k at start + offset + k·period", () => {
    expect(intendedAt(1000, s, 0)).toBe(1002.5);
    expect(intendedAt(1000, s, 3)).toBe(1032.5);
  });

  it("counts the slots intended strictly before a time", () => {
    expect(slotsBefore(1000, s, 1000)).toBe(0);
    expect(slotsBefore(1000, s, 1002.5)).toBe(0);
    expect(slotsBefore(1000, s, 1002.6)).toBe(1);
    expect(slotsBefore(1000, s, 1012.5)).toBe(1);
    expect(slotsBefore(1000, s, 2000)).toBe(100); // 1002.5 … 1992.5
    expect(slotsBefore(1000, s, 900)).toBe(0);
  });
});

describe("MinHeap", () => {
  it("pops in key order whatever the push order", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 })), (keys) => {
        const heap = new MinHeap<{ k: number }>((x) => x.k);
        for (const k of keys) heap.push({ k });
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop()!.k);
        // Equal keys may pop in any order, and 0 and -0 are equal keys (toEqual would not
        // say so): compare with -0 made 0 (x + 0).
        expect(out.map((k) => k + 0)).toEqual([...keys].sort((a, b) => a - b).map((k) => k + 0));
      }),
    );
  });
});
