// A timed-out request stays in the tail: recorded at its elapsed time (a lower bound) as
// well as counted, and percentiles that reach such values are shown as lower bounds.
import { afterEach, describe, expect, it } from "vitest";
import { formatOutcomes } from "../../src/cli/run.ts";
import { isLowerBound, lowerBoundKeys } from "../../src/histogram/censored.ts";
import { decodeHistogram } from "../../src/histogram/hdr.ts";
import type { Progress } from "../../src/loadgen/run.ts";
import { formatProgress, formatSummary } from "../../src/loadgen/summary.ts";
import { loadProgressLine } from "../../src/run/execute.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("lower bounds", () => {
  it("marks the percentiles whose rank falls among the censored values", () => {
    // 1,000 values, 30 censored: ranks 971 … 1000 may be censored. p97 is rank 970.
    expect(isLowerBound(95, 1000, 30)).toBe(false);
    expect(isLowerBound(97, 1000, 30)).toBe(false);
    expect(isLowerBound(97.1, 1000, 30)).toBe(true);
    expect(isLowerBound(50, 1000, 0)).toBe(false);
    expect(lowerBoundKeys(1000, 30)).toEqual(["p99", "p99.9", "p99.99", "p99.999", "p100"]);
    // Everything timed out: everything is a lower bound.
    expect(lowerBoundKeys(10, 10)).toHaveLength(8);
  });
});

describe("timeouts in the tail", () => {
  it("a server that never answers 3 % of requests: p99 ≥ timeout, p95 exact, counts exact", async () => {
    // 100 URLs, 3 of them hang; 100 connections at 200 rps for 5 s (a slot every 500 ms
    // per connection, longer than the 300 ms timeout, so a hang delays no later slot).
    // Connection j sends URL (j + k) mod 100 at its slot k: over its 10 slots every URL is
    // sent exactly 10 times. So: 1,000 requests, 30 time out, 970 are answered.
    server = await httpServer((req, res) => {
      if (req.url !== "/hang") res.end("ok");
    });
    const urls = Array.from({ length: 100 }, (_, i) =>
      [10, 50, 90].includes(i) ? `${server.url}/hang` : `${server.url}/ok`,
    );
    const timeoutMs = 300;
    const progress: Progress[] = [];
    const run = await load(
      { urls, rate: 200, durationMs: 5000, connections: 100, timeoutMs },
      { onProgress: (p) => progress.push(p) },
    );
    const r = run.result;
    expect(r.achieved.unsent).toBe(0);
    expect(r.achieved.errors.timeout).toBe(30);
    expect(r.achieved.requests).toBe(970);
    expect(r.latencyUs.count).toBe(1000);
    expect(r.latencyUs.censored).toBe(30);
    // Each timed-out request is at least the timeout (HDR keeps 3 digits).
    expect(r.latencyUs.p99).toBeGreaterThanOrEqual(0.999 * timeoutMs * 1000);
    // p95 (not among the reported eight, read off the histogram) is exact and below it.
    const p95 = decodeHistogram(r.histogram).getValueAtPercentile(95);
    expect(p95).toBeLessThan(timeoutMs * 1000);
    expect(isLowerBound(95, r.latencyUs.count, r.latencyUs.censored)).toBe(false);
    expect(lowerBoundKeys(r.latencyUs.count, r.latencyUs.censored)).toEqual([
      "p99",
      "p99.9",
      "p99.99",
      "p99.999",
      "p100",
    ]);
    // The per-URL figures say the same: /hang is all lower bounds, /ok has none.
    const hang = r.paths[`${server.url}/hang`]!;
    expect(hang.latencyUs.censored).toBe(30);
    expect(hang.requests).toBe(0);
    expect(r.paths[`${server.url}/ok`]!.latencyUs.censored).toBe(0);
    const summary = formatSummary(r);
    expect(summary).toMatch(/ ≥\d+\.\d{3}/);
    expect(summary).toContain("Timed out  30 requests");
    // p50 … p90 are printed as plain numbers, p99 on as lower bounds.
    const cells = summary
      .split("\n")
      .find((l) => l.includes("≥"))!
      .trim()
      .split(/\s+/);
    expect(cells.slice(0, 3).join(" ")).not.toContain("≥");
    for (const cell of cells.slice(3)) expect(cell).toMatch(/^≥/);

    // The live progress: the last line has seen all 1,000 (30 censored), so its p99 is a
    // lower bound and its p50 is not, in the load generator's line and the orchestrator's.
    const last = progress.at(-1)!;
    expect(last.requests).toBe(1000);
    expect(last.p50LowerBound).toBe(false);
    expect(last.p99LowerBound).toBe(true);
    expect(formatProgress(last)).toMatch(/p50 \d+\.\d{3} ms {2}p99 ≥\d+\.\d{3} ms/);
    expect(loadProgressLine(last)).toMatch(/p99 ≥\d+\.\d{3} ms/);

    // meshbench run's final table: p50 plain, p99 marked.
    const table = formatOutcomes(
      [
        {
          run: {
            index: 1,
            mesh: "bare",
            version: null,
            rate: 200,
            repetition: 1,
            case: "bare",
            dir: "bare/r1",
          },
          dir: "results/s/bare/r1",
          state: "ok",
          load: r,
          wallMs: 5000,
        },
      ],
      [],
    );
    const row = table
      .split("\n")
      .find((l) => l.includes("bare r1"))!
      .trim()
      .split(/\s+/);
    // run, r1, rate, achieved, p50, p99, errors, result
    expect(row[4]).toMatch(/^\d+\.\d{3}$/);
    expect(row[5]).toMatch(/^≥\d+\.\d{3}$/);
    expect(Number(row[5]!.slice(1))).toBeGreaterThanOrEqual(0.999 * timeoutMs);
  });
});
