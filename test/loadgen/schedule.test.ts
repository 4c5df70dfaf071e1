import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "../../src/loadgen/heap.ts";
import { planConnections } from "../../src/loadgen/plan.ts";
import { intendedAt, periodMs, slotsBefore } from "../../src/loadgen/schedule.ts";

describe("schedule", () => {
  // A comb ticking 400 times a second (every 2.5 ms); this connection owns ticks 1, 5, 9, …
  const s = { rate: 100, num: 4, den: 1, lane: 1, lanes: 4 };

  it("places slot k at tick k·lanes + lane of its comb", () => {
    expect(periodMs(s)).toBe(10);
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

describe("slot count", () => {
  // The run's slots, over all connections, are the ticks m = 0, 1, 2, … at m·1000/R ms
  // (each connection owns every C-th tick). Those strictly before the duration D are
  // m·1000/R < D ⇔ m < D·R/1000, so there are ceil(D·R/1000) of them: exactly D·R/1000
  // when that is an integer (no phantom slot at the end), and one more than its floor
  // otherwise (the tick just before the end). Computed here in integers.
  const analytic = (rate: number, durationMs: number) =>
    Math.floor((durationMs * rate + 999) / 1000);
  const planned = (rate: number, connections: number, durationMs: number, urls: string[]) =>
    planConnections({ urls, rate, connections, workers: 1 }).reduce(
      (n, c) => n + slotsBefore(0, c, durationMs),
      0,
    );

  it("is ceil(D·R/1000) for the reported cases: 110 rps × 9 over 10 s, 700 rps × 3", () => {
    expect(planned(110, 9, 10_000, ["http://a:1/"])).toBe(1100);
    expect(planned(700, 3, 10_000, ["http://a:1/"])).toBe(7000);
    expect(planned(700, 3, 1_000, ["http://a:1/"])).toBe(700);
  });

  it("is ceil(D·R/1000) for any integer rate, connections and duration in ms", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        (rate, connections, durationMs) => {
          expect(planned(rate, connections, durationMs, ["http://a:1/"])).toBe(
            analytic(rate, durationMs),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is exact per host when hosts have different URL counts", () => {
    // A host with u of N URLs and n connections: each of its connections runs at
    // R·u/(N·n) rps; whole seconds at rates that give whole slots per connection.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 600 }),
        (ua, ub, seconds) => {
          const urls = [
            ...Array.from({ length: ua }, (_, i) => `http://a:1/${i}`),
            ...Array.from({ length: ub }, (_, i) => `http://b:2/${i}`),
          ];
          const plan = planConnections({ urls, rate: 60 * (ua + ub), connections: 6, workers: 1 });
          for (const c of plan) {
            const host = c.origin === "http://a:1" ? ua : ub;
            const n = plan.filter((d) => d.origin === c.origin).length;
            // 60·u rps over n connections: 60·u/n per connection per second.
            const exact = (60 * host * seconds) / n;
            expect(slotsBefore(0, c, seconds * 1000)).toBe(Math.ceil(exact - c.lane / c.lanes));
          }
        },
      ),
    );
  });

  it("splits a fractional per-pod rate (1000 rps over 3 pods) without a phantom slot", () => {
    // Each pod runs at 1000/3 rps: D·R/1000 = 1000 slots per pod in 3 s, 3000 in all.
    expect(planned(1000 / 3, 16, 3000, ["http://a:1/"])).toBe(1000);
    expect(planned(100 / 3, 7, 30_000, ["http://a:1/"])).toBe(1000);
  });
});

describe("phases", () => {
  it("staggers by global rank across hosts with different URL counts: every 3.33 ms", () => {
    // :1/a, :1/b, :2/c at 300 rps over 3 connections: one send every 1000/300 ms.
    const plan = planConnections({
      urls: ["http://h:1/a", "http://h:1/b", "http://h:2/c"],
      rate: 300,
      connections: 3,
      workers: 1,
    });
    const times = plan
      .flatMap((c) => Array.from({ length: 10 }, (_, k) => intendedAt(0, c, k)))
      .sort((a, b) => a - b);
    for (const [m, t] of times.entries()) expect(t).toBeCloseTo((m * 1000) / 300, 9);
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
