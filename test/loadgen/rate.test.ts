// The schedule, checked from the target's side: how many requests arrived and when.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { decodeHistogram, mergeHistograms, spectrum } from "../../src/histogram/hdr.ts";
import { LATENESS_TAG, parseHlog } from "../../src/histogram/hlog.ts";
import { loadgenResultSchema } from "../../src/results/loadgen-schema.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("constant rate", () => {
  for (const rate of [200, 1000, 4000]) {
    it(`records rate × measured time (±1 %) at ${rate} rps, evenly spaced`, async () => {
      server = await httpServer();
      let startMs = 0;
      const durationMs = 3000;
      const warmupMs = 500;
      const run = await load(
        { urls: [`${server.url}/`], rate, durationMs, warmupMs, connections: 32 },
        { onStart: (t) => (startMs = t) },
      );
      const r = run.result;
      const expected = (rate * (durationMs - warmupMs)) / 1000;
      expect(Math.abs(r.achieved.requests - expected) / expected).toBeLessThan(0.01);
      expect(r.latencyUs.count).toBe(r.achieved.requests);
      expect(r.achieved.status["2xx"]).toBe(r.achieved.requests);
      expect(Math.abs(r.achieved.rate - rate) / rate).toBeLessThan(0.01);
      // Warm-up requests are sent (the target saw them) but not recorded.
      expect(Math.abs(server.arrivals.length - (rate * durationMs) / 1000)).toBeLessThanOrEqual(
        rate * 0.01 + 1,
      );

      // Evenly spaced: arrivals per 100 ms bin of the whole run stay near rate/10 — no
      // bursts at interval edges, no gaps. Bins that straddle the start/end are left out.
      const t0 = startMs - performance.timeOrigin;
      const binMs = 100;
      const bins = new Array(durationMs / binMs).fill(0);
      for (const t of server.arrivals) {
        const b = Math.floor((t - t0) / binMs);
        if (b >= 0 && b < bins.length) bins[b]++;
      }
      const perBin = (rate * binMs) / 1000;
      for (const n of bins.slice(1, -1))
        expect(Math.abs(n - perBin)).toBeLessThanOrEqual(Math.max(3, perBin * 0.15));
    });
  }

  for (const [rate, connections, durationMs] of [
    [110, 9, 2000],
    [700, 3, 1000],
  ] as const) {
    it(`sends exactly D·R/1000 requests at ${rate} rps over ${connections} connections, no phantom slot`, async () => {
      server = await httpServer();
      let startPerf = 0;
      const run = await load(
        { urls: [`${server.url}/`], rate, durationMs, connections },
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
    const run = await load({
      urls: [`${server.url}/`],
      rate: 500,
      durationMs: 3500,
      warmupMs: 1000,
      intervalMs: 500,
    });
    const result = loadgenResultSchema.parse(JSON.parse(await readFile(run.resultPath, "utf8")));
    const logged = parseHlog(await readFile(run.hlogPath, "utf8"));
    const intervals = logged.filter((iv) => iv.tag === undefined);
    // 2.5 s measured in 500 ms intervals, plus the short tail after the last send.
    expect(intervals.length).toBeGreaterThanOrEqual(5);
    expect(intervals.length).toBeLessThanOrEqual(6);
    // (the log keeps times to the millisecond)
    for (const [i, iv] of intervals.slice(0, 5).entries()) {
      expect(Math.abs(iv.startMs - (result.measuredFromMs + i * 500))).toBeLessThanOrEqual(1);
      expect(Math.abs(iv.endMs - iv.startMs - 500)).toBeLessThanOrEqual(1);
      // ~250 responses complete in each full interval
      expect(Math.abs(iv.histogram.totalCount - 250)).toBeLessThanOrEqual(5);
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
      // 1200 requests, a third each: the mix has no random drift.
      for (const p of ["/a", "/b", "/c"]) expect(Math.abs(count(p) - 400)).toBeLessThanOrEqual(4);
      expect(other.paths.every((p) => p === "/c")).toBe(true);
      for (const url of urls)
        expect(Math.abs(run.result.paths[url]!.requests - 400)).toBeLessThanOrEqual(4);
    } finally {
      await other.close();
    }
  });
});
