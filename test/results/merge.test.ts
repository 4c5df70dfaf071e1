// Merging pods' results adds histograms (never averages), sums counts, and recomputes
// percentiles and rates; checked against values computed by hand and against a real
// two-pod run on loopback whose requests the server counted.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createHistogram, decodeHistogram, type Histogram } from "../../src/histogram/hdr.ts";
import { LATENESS_TAG, parseHlog } from "../../src/histogram/hlog.ts";
import { mergeHlogs } from "../../src/histogram/hlog-merge.ts";
import type { LoadgenOptions } from "../../src/loadgen/options.ts";
import { buildLoadgenResult } from "../../src/loadgen/result.ts";
import { newTally } from "../../src/loadgen/tally.ts";
import { loadgenResultSchema } from "../../src/results/loadgen-schema.ts";
import { mergeLoadgenResults } from "../../src/results/merge.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

const URL_A = "http://web-svc.emojivoto-1/api/list";
const URL_B = "http://web-svc.emojivoto-2/api/list";

/** A pod's result in which every request took `us` µs, `n` of them, some failures. */
function podResult(
  n: number,
  us: number,
  opts: { fivexx?: number; timeouts?: number; start?: number; lateUs?: number } = {},
) {
  const h = createHistogram();
  h.recordValueWithCount(us, n);
  // Timed-out requests stay in the latencies at their elapsed time (here the 5 s timeout).
  if (opts.timeouts) h.recordValueWithCount(5_000_000, opts.timeouts);
  const tally = newTally();
  tally.status["2xx"] = n - (opts.fivexx ?? 0);
  tally.status["5xx"] = opts.fivexx ?? 0;
  tally.errors.timeout = opts.timeouts ?? 0;
  const errorHistogram = createHistogram();
  if (opts.timeouts) errorHistogram.recordValueWithCount(5_000_000, opts.timeouts);
  const start = opts.start ?? 1_800_000_000_000;
  const options: LoadgenOptions = {
    urls: [URL_A, URL_B],
    rate: 100,
    durationMs: 11_000,
    warmupMs: 1000,
    connections: 4,
    workers: 1,
    timeoutMs: 5000,
    intervalMs: 1000,
    startAtMs: start,
    pacing: "efficient",
    outDir: "",
    quiet: true,
  };
  const half = (k: number, value = us) => {
    const p = createHistogram();
    p.recordValueWithCount(value, k);
    return p;
  };
  const pathTally = (k: number) => ({ ...newTally(), status: { ...newTally().status, "2xx": k } });
  return buildLoadgenResult(
    options,
    {
      startedAtMs: start,
      endedAtMs: start + 11_100,
      measuredFromMs: start + 1000,
      measuredMs: 10_000,
    },
    {
      histogram: h,
      tally,
      sent: n + (opts.timeouts ?? 0),
      unsent: 0,
      warmup: { requests: 90, failures: 1 },
      errorHistogram,
      latenessHistogram: half(n + (opts.timeouts ?? 0), opts.lateUs ?? 20),
      instrument: {
        utilization: opts.lateUs ? 0.9 : 0.2,
        loopDelayP99Us: 100,
        loopDelayMaxUs: 2000,
      },
      paths: [
        { histogram: half(n / 2), tally: pathTally(n / 2) },
        { histogram: half(n / 2), tally: pathTally(n / 2) },
      ],
    },
  );
}

describe("mergeLoadgenResults", () => {
  it("adds histograms: percentiles come from the sum, not from averaging pods", () => {
    const fast = podResult(1000, 100, { fivexx: 10 });
    const slow = podResult(1000, 300_000, { timeouts: 3, lateUs: 9000 });
    const m = mergeLoadgenResults([fast, slow]);
    expect(loadgenResultSchema.parse(m)).toBeTruthy();
    // Half the responses at 100 µs, half at 300 ms, and the slow pod's 3 timeouts at 5 s:
    // rank 1,000 of 2,003 (p49.9) is 100 µs and p75 is 300 ms (to HDR precision, 3 digits).
    // Averaging the pods' p50s would have said 150 ms.
    expect(decodeHistogram(m.histogram).getValueAtPercentile(49.9)).toBe(100);
    expect(m.latencyUs.p75).toBeGreaterThanOrEqual(299_900);
    expect(m.latencyUs.p75).toBeLessThanOrEqual(300_300);
    // 2,000 responses and the slow pod's 3 timeouts, recorded at 5 s (lower bounds).
    expect(m.latencyUs.count).toBe(2003);
    expect(m.latencyUs.censored).toBe(3);
    expect(m.latencyUs.mean).toBeCloseTo((1000 * 100 + 1000 * 300_000 + 3 * 5_000_000) / 2003, -3);
    expect(m.achieved.requests).toBe(2000);
    expect(m.achieved.rate).toBe(200); // 2000 responses in the 10 s both measured
    expect(m.achieved.status).toEqual({ "2xx": 1990, "3xx": 0, "4xx": 0, "5xx": 10 });
    expect(m.achieved.errors.timeout).toBe(3);
    expect(m.errorLatencyUs.count).toBe(3);
    // Send lateness is added like latency: 1,000 sends 20 µs late, 1,003 sends 9 ms late.
    expect(m.latenessUs!.count).toBe(2003);
    expect(m.latenessUs!.p50).toBeGreaterThanOrEqual(8990);
    expect(m.latenessUs!.p50).toBeLessThanOrEqual(9010);
    expect(decodeHistogram(m.latenessHistogram!).getValueAtPercentile(49.9)).toBe(20);
    // Saturation is the busiest pod's.
    expect(m.instrument).toEqual({ utilization: 0.9, loopDelayP99Us: 100, loopDelayMaxUs: 2000 });
    expect(m.achieved.sent).toBe(2003);
    expect(m.warmup).toEqual({ requests: 180, failures: 2 });
    expect(m.target).toMatchObject({
      rate: 200,
      connections: 8,
      workers: 2,
      pods: 2,
      urls: [URL_A, URL_B],
    });
    for (const url of [URL_A, URL_B]) {
      expect(m.paths[url]!.requests).toBe(1000);
      expect(m.paths[url]!.latencyUs.p50).toBe(100);
      expect(m.paths[url]!.latencyUs.count).toBe(1000);
    }
  });

  it("takes the union of the measured windows when pods did not start together", () => {
    const m = mergeLoadgenResults([
      podResult(1000, 100),
      podResult(1000, 100, { start: 1_800_000_002_000 }),
    ]);
    expect(m.achieved.measuredMs).toBe(12_000);
    expect(m.achieved.rate).toBeCloseTo(2000 / 12, 6);
  });

  it("refuses to merge different experiments, naming the field", () => {
    const a = podResult(10, 100);
    const b = { ...podResult(10, 100), target: { ...a.target, intervalMs: 500 } };
    expect(() => mergeLoadgenResults([a, b])).toThrow(
      "target.intervalMs differs between pods (1000, 500)",
    );
    expect(() => mergeLoadgenResults([])).toThrow("no load-generator results to merge");
  });
});

describe("two real load-generator pods on loopback, merged", () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it("merges to what the server counted, and interval logs add up to the total", async () => {
    server = await httpServer();
    const startAtMs = Date.now() + 1000;
    const common = { rate: 100, durationMs: 2000, warmupMs: 500, connections: 2, startAtMs };
    const pods = await Promise.all([
      load({ ...common, urls: [`${server.url}/a`, `${server.url}/b`] }),
      load({ ...common, urls: [`${server.url}/a`, `${server.url}/b`] }),
    ]);
    const merged = mergeLoadgenResults(pods.map((p) => p.result));
    const measured = server.arrivals.length - merged.warmup.requests - merged.warmup.failures;
    expect(merged.achieved.requests).toBe(measured);
    expect(Math.abs(merged.achieved.requests - 300)).toBeLessThanOrEqual(4); // 2 × 100 rps × 1.5 s
    expect(merged.achieved.rate).toBeGreaterThan(195);
    expect(merged.achieved.rate).toBeLessThan(205);
    expect(merged.latencyUs.p100).toBe(Math.max(...pods.map((p) => p.result.latencyUs.p100)));
    expect(
      merged.paths[`${server.url}/a`]!.requests + merged.paths[`${server.url}/b`]!.requests,
    ).toBe(merged.achieved.requests);

    const hlogs = await Promise.all(pods.map((p) => readFile(p.hlogPath, "utf8")));
    const text = mergeHlogs(hlogs, merged.target.intervalMs);
    const untagged = (t: string) => parseHlog(t).filter((iv) => iv.tag === undefined);
    const intervals = untagged(text);
    const perPod = hlogs.map((h) => untagged(h).length);
    expect(intervals.length).toBe(Math.max(...perPod));
    // The pods' lateness intervals merge apart from the latencies, into what the pods sent.
    const lateness = parseHlog(text).filter((iv) => iv.tag === LATENESS_TAG);
    expect(lateness).toHaveLength(intervals.length);
    expect(lateness.reduce((n, i) => n + i.histogram.totalCount, 0)).toBe(merged.achieved.requests);
    const total = intervals.reduce((n, i) => n + i.histogram.totalCount, 0);
    expect(total).toBe(merged.achieved.requests);
    const whole: Histogram = decodeHistogram(merged.histogram);
    expect(intervals.reduce((max, i) => Math.max(max, i.histogram.maxValue), 0)).toBe(
      whole.maxValue,
    );
  });
});
