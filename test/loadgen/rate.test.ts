// The schedule, checked from the target's side: how many requests arrived and when.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { decodeHistogram, mergeHistograms, spectrum } from "../../src/histogram/hdr.ts";
import { LATENESS_TAG, parseHlog } from "../../src/histogram/hlog.ts";
import { loadgenResultSchema } from "../../src/results/loadgen-schema.ts";
import {
  load,
  loadRoot,
  measuredResponseBounds,
  slotsAccountedFor,
  watchLoopDelay,
} from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("constant rate", () => {
  for (const rate of [200, 1000, 4000]) {
    it(`records rate × measured time (±1 %) at ${rate} rps, evenly spaced`, async () => {
      server = await httpServer();
      const durationMs = 3000;
      const warmupMs = 500;
      const serverDelay = watchLoopDelay();
      const run = await loadRoot(server, { rate, durationMs, warmupMs, connections: 32 });
      const serverDelayMs = serverDelay.stop();
      const r = run.result;
      const a = r.achieved;
      // Every slot once, and every one sent reached the target (warm-up slots included:
      // sent, not recorded). These hold on any machine.
      expect(slotsAccountedFor(r)).toBe((rate * durationMs) / 1000);
      expect(server.arrivals).toHaveLength((rate * durationMs) / 1000 - a.unsent);
      expect(r.latencyUs.count).toBe(a.requests);
      expect(a.status["2xx"]).toBe(a.requests);
      expect(a.requests).toBe(a.sent);
      // rate × measured time, short only by what the run itself says it could not send
      // (a machine too busy to keep up): within 1 % when it kept up.
      const expected = (rate * (durationMs - warmupMs)) / 1000;
      const { min, max } = measuredResponseBounds(r, { rate, durationMs, warmupMs });
      expect(a.requests).toBeGreaterThanOrEqual(Math.min(min, expected * 0.99));
      expect(a.requests).toBeLessThanOrEqual(Math.max(max, expected * 1.01));
      expect(a.rate).toBeCloseTo(a.requests / (a.measuredMs / 1000), 6);

      // Evenly spaced: arrivals per 100 ms bin of the measured period stay near rate/10 —
      // no bursts at interval edges, no gaps. A request reaches the target at most
      // `shiftMs` after its intended time (its measured send lateness, the sending
      // thread's and this thread's stalls), so a bin may gain or lose that many slots'
      // worth, and lose the unsent ones; a few ms on an idle machine. Bins that straddle
      // the start/end are left out.
      const shiftMs =
        r.latenessUs!.p100 / 1000 + r.instrument!.loopDelayMaxUs / 1000 + serverDelayMs;
      const t0 = r.measuredFromMs - performance.timeOrigin;
      const binMs = 100;
      const bins = new Array((durationMs - warmupMs) / binMs).fill(0);
      for (const t of server.arrivals) {
        const b = Math.floor((t - t0) / binMs);
        if (b >= 0 && b < bins.length) bins[b]++;
      }
      const perBin = (rate * binMs) / 1000;
      const slack = Math.max(3, perBin * 0.15) + Math.ceil((rate * shiftMs) / 1000);
      for (const n of bins.slice(1, -1)) {
        expect(n).toBeLessThanOrEqual(perBin + slack);
        expect(n).toBeGreaterThanOrEqual(perBin - slack - a.unsent);
      }
    });
  }

  for (const [rate, connections, durationMs] of [
    [110, 9, 2000],
    [700, 3, 1000],
  ] as const) {
    it(`sends exactly D·R/1000 requests at ${rate} rps over ${connections} connections, no phantom slot`, async () => {
      server = await httpServer();
      let startPerf = 0;
      const run = await loadRoot(
        server,
        { rate, durationMs, connections },
        { onStart: (startMs) => (startPerf = startMs - performance.timeOrigin) },
      );
      const a = run.result.achieved;
      const slots = (rate * durationMs) / 1000; // an integer here: ticks m < D·R/1000
      expect(a.sent + a.unsent).toBe(slots);
      // Before the start, one warming request per connection (no warm-up); then the slots.
      expect(server.arrivals.filter((t) => t < startPerf)).toHaveLength(connections);
      expect(server.arrivals.filter((t) => t >= startPerf)).toHaveLength(a.sent);
    });
  }

  it("writes an .hlog of the measured period that adds up to loadgen.json's histogram", async () => {
    server = await httpServer();
    const run = await loadRoot(server, {
      rate: 500,
      durationMs: 3500,
      warmupMs: 1000,
      intervalMs: 500,
    });
    const result = loadgenResultSchema.parse(JSON.parse(await readFile(run.resultPath, "utf8")));
    const logged = parseHlog(await readFile(run.hlogPath, "utf8"));
    const intervals = logged.filter((iv) => iv.tag === undefined);
    // Every response completes within the slowest measured latency of its slot.
    const slowestMs = result.latencyUs.p100 / 1000;
    // 2.5 s measured in 500 ms intervals, plus the tail after the last send (one interval
    // when answers take a few ms; more if the machine held them longer).
    expect(intervals.length).toBeGreaterThanOrEqual(5);
    expect(intervals.length).toBeLessThanOrEqual(5 + Math.ceil(slowestMs / 500) + 1);
    // (the log keeps times to the millisecond)
    for (const [i, iv] of intervals.slice(0, 5).entries()) {
      expect(Math.abs(iv.startMs - (result.measuredFromMs + i * 500))).toBeLessThanOrEqual(1);
      expect(Math.abs(iv.endMs - iv.startMs - 500)).toBeLessThanOrEqual(1);
      // 250 slots are due in each full interval; their responses complete within
      // `slowestMs`, so an interval gains or loses at most that many slots' worth (and the
      // unsent ones): ±5 on an idle machine.
      const slack = Math.max(5, Math.ceil((500 * slowestMs) / 1000) + 1);
      expect(iv.histogram.totalCount).toBeLessThanOrEqual(250 + slack);
      expect(iv.histogram.totalCount).toBeGreaterThanOrEqual(250 - slack - result.achieved.unsent);
    }
    const added = mergeHistograms(intervals.map((iv) => iv.histogram));
    expect(spectrum(added)).toEqual(spectrum(decodeHistogram(result.histogram)));
    expect(added.totalCount).toBe(result.achieved.requests);
    // The load generator's own lateness, per interval under Tag=lateness, one interval for
    // each latency interval, adds up to loadgen.json's lateness histogram (kept apart).
    const lateness = logged.filter((iv) => iv.tag === LATENESS_TAG);
    expect(lateness.map((iv) => iv.startMs)).toEqual(intervals.map((iv) => iv.startMs));
    const late = mergeHistograms(lateness.map((iv) => iv.histogram));
    expect(spectrum(late)).toEqual(spectrum(decodeHistogram(result.latenessHistogram!)));
    expect(late.totalCount).toBe(result.achieved.requests);
    expect(logged).toHaveLength(intervals.length + lateness.length);
  });

  it("keeps the URL mix exact over hosts and paths", async () => {
    server = await httpServer();
    const other = await httpServer();
    try {
      const urls = [`${server.url}/a`, `${server.url}/b`, `${other.url}/c`];
      const run = await load({ urls, rate: 600, durationMs: 2000, warmupMs: 0, connections: 8 });
      const seen = [...server.paths, ...other.paths];
      const count = (p: string) => seen.filter((x) => x === p).length;
      // 1200 slots, a third each: the mix has no random drift. A slot left unsent (a
      // machine too busy to keep up, as the run reports) can only lower its URL's count.
      const { unsent } = run.result.achieved;
      const third = (n: number) => {
        expect(n).toBeLessThanOrEqual(400 + 4);
        expect(n).toBeGreaterThanOrEqual(400 - 4 - unsent);
      };
      for (const p of ["/a", "/b", "/c"]) third(count(p));
      expect(other.paths.every((p) => p === "/c")).toBe(true);
      for (const url of urls) third(run.result.paths[url]!.requests);
    } finally {
      await other.close();
    }
  });
});
