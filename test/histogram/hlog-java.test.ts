// The .hlog is read by the reference implementation: HdrHistogram's own Java
// HistogramLogProcessor (Debian's libhdrhistogram-java; .ci/run installs it). What it
// reads from our log must be what loadgen.json says: counts, percentiles, mean and max.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { histogramLogProcessor } from "../helpers/hdr-java.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

/** `#[Max = 13.575, Total count = 1000]` → { Max: 13.575, "Total count": 1000 } */
function footer(hgrm: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of hgrm.matchAll(/([A-Za-z ]+?)\s*=\s*([\d.]+)/g)) out[m[1]!.trim()] = Number(m[2]);
  return out;
}

describe(".hlog read by HdrHistogram's Java HistogramLogProcessor", () => {
  it("gives the counts and percentiles of loadgen.json, interval by interval and in total", async () => {
    // Service times spread over 0–4 ms so the percentiles differ from one another.
    let n = 0;
    server = await httpServer((_req, res) => setTimeout(() => res.end("ok"), n++ % 5));
    const { result, hlogPath, outDir } = await load({
      urls: [`${server.url}/`],
      rate: 400,
      durationMs: 2600,
      warmupMs: 600,
      intervalMs: 500,
      connections: 8,
      workers: 2,
    });
    const out = join(outDir, "java");
    await histogramLogProcessor(hlogPath, out);
    const intervals = (await readFile(out, "utf8"))
      .split("\n")
      .filter((line) => /^\d+\.\d+: I:/.test(line));
    // 2 s measured in 500 ms intervals (+ possibly a short tail after the last send).
    expect(intervals.length).toBeGreaterThanOrEqual(4);
    const counts = intervals.map((line) => Number(/ I:(\d+) /.exec(line)![1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(result.achieved.requests);

    // The last line's running total: 50% 90% 99% 99.9% 99.99% Max, in ms to 3 decimals.
    const total = / T:(\d+) \(([^)]*)\)/.exec(intervals.at(-1)!)!;
    expect(Number(total[1])).toBe(result.latencyUs.count);
    const [p50, p90, p99, p999, p9999, max] = total[2]!.trim().split(/\s+/).map(Number);
    const ms = (us: number) => Number((us / 1000).toFixed(3));
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
  });
});
