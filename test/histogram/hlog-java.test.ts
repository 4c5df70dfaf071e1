// The .hlog is read by the reference implementation: HdrHistogram's own Java
// HistogramLogProcessor (Debian's libhdrhistogram-java; .ci/run installs it). What it
// reads from our log must be what loadgen.json says: counts, percentiles, mean and max.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LATENESS_TAG } from "../../src/histogram/hlog.ts";
import { histogramLogProcessor } from "../helpers/hdr-java.ts";
import { loadRoot } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

/** `#[Max = 13.575, Total count = 1000]` → { Max: 13.575, "Total count": 1000 } */
function footer(hgrm: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of hgrm.matchAll(/([A-Za-z ]+?)\s*=\s*([\d.]+)/g)) out[m[1]!.trim()] = Number(m[2]);
  return out;
}

const ms = (us: number) => Number((us / 1000).toFixed(3));

/**
 * The interval lines HistogramLogProcessor prints for the log's intervals of `tag`
 * (without one: the untagged intervals only, as the tool does by default).
 */
async function javaIntervals(hlogPath: string, out: string, tag?: string): Promise<string[]> {
  await histogramLogProcessor(hlogPath, out, tag);
  return (await readFile(out, "utf8")).split("\n").filter((line) => /^\d+\.\d+: I:/.test(line));
}

describe(".hlog read by HdrHistogram's Java HistogramLogProcessor", () => {
  it("gives the counts and percentiles of loadgen.json, interval by interval and in total, lateness under its tag", async () => {
    // Service times spread over 0–4 ms so the percentiles differ from one another.
    let n = 0;
    server = await httpServer((_req, res) => setTimeout(() => res.end("ok"), n++ % 5));
    const { result, hlogPath, outDir } = await loadRoot(server, {
      rate: 400,
      durationMs: 2600,
      warmupMs: 600,
      intervalMs: 500,
      connections: 8,
      workers: 2,
    });
    const out = join(outDir, "java");
    const intervals = await javaIntervals(hlogPath, out);
    // 2 s measured in 500 ms intervals (+ possibly a short tail after the last send).
    expect(intervals.length).toBeGreaterThanOrEqual(4);
    const counts = intervals.map((line) => Number(/ I:(\d+) /.exec(line)![1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(result.achieved.requests);

    // The last line's running total: 50% 90% 99% 99.9% 99.99% Max, in ms to 3 decimals.
    const total = / T:(\d+) \(([^)]*)\)/.exec(intervals.at(-1)!)!;
    expect(Number(total[1])).toBe(result.latencyUs.count);
    const [p50, p90, p99, p999, p9999, max] = total[2]!.trim().split(/\s+/).map(Number);
    expect(p50).toBe(ms(result.latencyUs.p50));
    expect(p90).toBe(ms(result.latencyUs.p90));
    expect(p99).toBe(ms(result.latencyUs.p99));
    expect(p999).toBe(ms(result.latencyUs["p99.9"]));
    expect(p9999).toBe(ms(result.latencyUs["p99.99"]));
    expect(max).toBe(ms(result.latencyUs.p100));

    const summary = footer(await readFile(`${out}.hgrm`, "utf8"));
    expect(summary["Total count"]).toBe(result.achieved.requests);
    expect(summary.Mean).toBeCloseTo(result.latencyUs.mean / 1000, 2);
    expect(summary.Max).toBe(ms(result.latencyUs.p100));

    // The load generator's own lateness, in the same log under Tag=lateness: the intervals
    // of that tag add up to loadgen.json's lateness histogram (kept apart by the engine).
    const lateness = await javaIntervals(hlogPath, join(outDir, "java-lateness"), LATENESS_TAG);
    expect(lateness).toHaveLength(intervals.length);
    const late = / T:(\d+) \(([^)]*)\)/.exec(lateness.at(-1)!)!;
    const l = result.latenessUs!;
    expect(Number(late[1])).toBe(l.count);
    expect(late[2]!.trim().split(/\s+/).map(Number)).toEqual(
      [l.p50, l.p90, l.p99, l["p99.9"], l["p99.99"], l.p100].map(ms),
    );
  });
});
