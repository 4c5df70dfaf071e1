import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { countAtOrAbove, createHistogram } from "../../src/histogram/hdr.ts";
import { Engine } from "../../src/loadgen/engine.ts";
import { planConnections } from "../../src/loadgen/plan.ts";
import { buildLoadgenResult } from "../../src/loadgen/result.ts";
import { formatSummary, latenessDominates, saturated } from "../../src/loadgen/summary.ts";
import { loadRoot } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

/** One worker's engine against `url`, with the measured period's latencies added up. */
function measuredEngine(
  url: string,
  rate: number,
  connections: number,
  warmupMs: number,
  durationMs: number,
) {
  const urls = [url];
  const config = {
    urls,
    connections: planConnections({ urls, rate, connections, workers: 1 }),
    warmupMs,
    durationMs,
    timeoutMs: 5000,
    intervalMs: 1000,
    pacing: "efficient" as const,
  };
  const latency = createHistogram();
  const engine = new Engine(config, (interval) => {
    if (interval.index >= 0) latency.add(interval.histogram);
  });
  return { engine, latency, config };
}

describe("send lateness", () => {
  it("a blocked event loop of B ms makes the sends due meanwhile late by up to B", async () => {
    // The engine runs in this thread (no worker), so blocking this thread blocks its pacer.
    // At R rps, the slots intended during a block of B ms all leave when it ends: their
    // lateness spreads uniformly over (0, B], so R·B/2 of them are ≥ B/2 and the max ≈ B.
    // The server answers at once, in this thread too: its latency is the same wait.
    server = await httpServer();
    const R = 200;
    const { engine, latency, config } = measuredEngine(`${server.url}/`, R, 8, 200, 2200);
    await engine.open();
    const startMs = Date.now() + 50;
    const done = engine.run(startMs);
    // Block from ≈ 1 s after the start, for ≈ 400 ms, timed by the test itself.
    await sleep(startMs + 1000 - Date.now());
    const from = performance.now();
    while (performance.now() - from < 400) {} // busy: nothing else runs
    const B = performance.now() - from;
    const totals = await done;
    const h = totals.latenessHistogram;
    const expected = (R * B) / 1000 / 2;
    // A busy machine only adds lateness: the lower bounds are the analytic ones (less one
    // period per connection at the edges), the upper one allows other stalls of 100 ms.
    expect(countAtOrAbove(h, (B / 2) * 1000)).toBeGreaterThanOrEqual(0.8 * expected);
    expect(h.maxValue).toBeGreaterThanOrEqual(0.9 * B * 1000);
    expect(h.maxValue).toBeLessThan((B + 100) * 1000 * 1.01);
    // Every send of the measured period is in it, once.
    expect(h.totalCount).toBe(totals.sent);

    // The same run, as loadgen.json and its summary: lateness is a result, and since it is
    // here the whole of the tail, the summary warns.
    const result = buildLoadgenResult(
      { ...config, rate: R, connections: 8, workers: 1, startAtMs: null, outDir: "", quiet: true },
      {
        startedAtMs: startMs,
        endedAtMs: Date.now(),
        measuredFromMs: startMs + 200,
        measuredMs: 2000,
      },
      { ...totals, histogram: latency },
    );
    expect(result.latenessUs!.count).toBe(h.totalCount);
    expect(result.latenessUs!.p100).toBeGreaterThanOrEqual(0.9 * B * 1000);
    expect(latenessDominates(result)).toBe(true);
    expect(formatSummary(result)).toContain("the load generator, not the system, dominates");
  });

  it("says when the load generator itself is saturated (its event loop busy ≥ 90 %)", async () => {
    // The engine in this thread, whose event loop the test keeps busy 47 of every 50 ms
    // (94 %, plus the engine's own work; a busy machine only adds to it).
    server = await httpServer();
    const { engine, latency, config } = measuredEngine(`${server.url}/`, 100, 4, 100, 1500);
    await engine.open();
    const startMs = Date.now();
    const hog = setInterval(() => {
      const from = performance.now();
      while (performance.now() - from < 47) {}
    }, 50);
    const totals = await engine.run(startMs).finally(() => clearInterval(hog));
    expect(totals.instrument.utilization).toBeGreaterThanOrEqual(0.9);
    // Each 47 ms block delays the loop by up to 47 ms.
    expect(totals.instrument.loopDelayMaxUs).toBeGreaterThanOrEqual(30_000);
    const result = buildLoadgenResult(
      {
        ...config,
        rate: 100,
        connections: 4,
        workers: 1,
        startAtMs: null,
        outDir: "",
        quiet: true,
      },
      {
        startedAtMs: startMs,
        endedAtMs: Date.now(),
        measuredFromMs: startMs + 100,
        measuredMs: 1400,
      },
      { ...totals, histogram: latency },
    );
    expect(saturated(result)).toBe(true);
    expect(formatSummary(result)).toContain("the load generator was saturated");
  });

  it("is kept in loadgen.json, merged over workers, and small when nothing blocks", async () => {
    server = await httpServer();
    const run = await loadRoot(server, {
      rate: 200,
      durationMs: 1500,
      warmupMs: 500,
      connections: 8,
      workers: 2,
    });
    const r = run.result;
    // One value per send of the measured period, from both workers.
    expect(r.latenessUs!.count).toBe(r.achieved.sent);
    // Lateness is part of latency (measured from the intended time): never larger.
    expect(r.latenessUs!.p50).toBeLessThanOrEqual(r.latencyUs.p50);
    // 200 rps barely occupies a worker: not saturated.
    expect(r.instrument!.utilization).toBeGreaterThan(0);
    expect(saturated(r)).toBe(false);
  });
});
