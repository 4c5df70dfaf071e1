// `meshbench import` on files the real tools wrote (test/fixtures/interop): the run.json it
// writes holds the distribution the file describes (wrk2: every listed percentile, to
// HDR's precision; Fortio: within its buckets), and report and compare read it.
import { copyFile, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeHistogram } from "../../src/histogram/hdr.ts";
import { parseRun } from "../../src/results/run-file.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { errorCount } from "../../src/stats/summarize.ts";
import { runMeshbench as meshbench } from "../helpers/process.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/interop");
const WRK2 = join(FIXTURES, "wrk2-latency.txt");

async function imported(args: string[]): Promise<{ run: RunResult; path: string }> {
  const outcome = await meshbench(["import", ...args]);
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  const path = outcome.stdout.trim();
  const parsed = parseRun(await readFile(path, "utf8"), path);
  if (!parsed.ok) throw new Error(parsed.problem);
  return { run: parsed.run, path };
}

/** The rows of wrk2's "Detailed Percentile spectrum": value (ms), percentile (0..1), count. */
function spectrumRows(text: string): { ms: number; q: number; total: number }[] {
  const from = text.indexOf("Detailed Percentile spectrum");
  return [...text.slice(from).matchAll(/^\s+([\d.]+)\s+([\d.]+)\s+(\d+)/gm)].map((m) => ({
    ms: Number(m[1]),
    q: Number(m[2]),
    total: Number(m[3]),
  }));
}

describe("import wrk2", () => {
  let dir: string;
  let run: RunResult;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshbench-import-"));
    ({ run } = await imported([
      "wrk2",
      WRK2,
      "--out",
      dir,
      "--mesh",
      "linkerd",
      "--mesh-version",
      "2.16.0",
      "--scenario",
      "smoke",
      "--rate",
      "300",
    ]));
  });

  it("rebuilds the distribution: every percentile wrk2 listed, the count, the rate", async () => {
    const text = await readFile(WRK2, "utf8");
    const rows = spectrumRows(text);
    expect(rows.length).toBeGreaterThan(50);
    const histogram = decodeHistogram(run.load!.histogram);
    expect(histogram.totalCount).toBe(2961);
    for (const row of rows) {
      // HDR's percentile walk: the value at a percentile is its bucket's highest
      // equivalent, which wrk2 printed to the µs.
      expect(histogram.getValueAtPercentile(row.q * 100)).toBe(Math.round(row.ms * 1000));
    }
    // Between two rows the rebuilt values sit at the upper row's: a percentile wrk2 did
    // not list (its short table above the spectrum, printed to 10 µs) is bounded by the
    // rows around it, never below the truth.
    const table = [...text.matchAll(/^\s*([\d.]+)%\s+([\d.]+)ms$/gm)].map((m) => ({
      percent: Number(m[1]),
      ms: Number(m[2]),
    }));
    expect(table.map((t) => t.percent)).toEqual([50, 75, 90, 99, 99.9, 99.99, 99.999, 100]);
    for (const { percent, ms } of table) {
      const ours = histogram.getValueAtPercentile(percent) / 1000;
      const below = rows.filter((r) => r.q * 100 < percent).at(-1)?.ms ?? 0;
      expect(ours + 0.005).toBeGreaterThanOrEqual(ms);
      expect(ms + 0.005).toBeGreaterThanOrEqual(below);
    }
    expect(run.load!.achieved.rate).toBe(299.87);
    expect(run.spec).toMatchObject({ rate: 300, connections: 4, durationMs: 20_000 });
    expect(run.events[0]!.detail).toMatch(/^Imported from wrk2 -L output/);
  });

  it("is read by report and, beside a second import, by compare", async () => {
    const second = await mkdtemp(join(tmpdir(), "meshbench-import-"));
    for (const [out, reps] of [
      [dir, ["2"]],
      [second, ["1", "2"]],
    ] as const) {
      for (const r of reps) {
        await imported([
          "wrk2",
          WRK2,
          "--out",
          out,
          "--mesh",
          "linkerd",
          "--scenario",
          "smoke",
          "--rate",
          "300",
          "--repetition",
          r,
        ]);
      }
    }
    const report = await meshbench(["report", dir, "--chart-host", "none"]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(0);
    const md = await readFile(join(dir, "report.md"), "utf8");
    expect(md).toContain("Imported from wrk2 -L output");
    const compare = await meshbench(["compare", dir, second]);
    expect(compare.stderr).toBe("");
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain("linkerd");
  }, 60_000);

  it("names what is missing in a file that is not wrk2's -L output", async () => {
    const dir2 = await mkdtemp(join(tmpdir(), "meshbench-import-"));
    const bad = join(dir2, "wrk.txt");
    await copyFile(join(FIXTURES, "fortio-result.json"), bad);
    const outcome = await meshbench([
      "import",
      "wrk2",
      bad,
      "--out",
      dir2,
      "--mesh",
      "bare",
      "--rate",
      "1",
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`${bad}: no "Running … test @ URL" line`);
    const noRate = await meshbench(["import", "wrk2", WRK2, "--out", dir2, "--mesh", "bare"]);
    expect(noRate.code).toBe(2);
    expect(noRate.stderr).toContain("--rate: missing; wrk2 does not print the -R it was given");
  });
});

/**
 * Result files Fortio wrote (test/fixtures/interop/README.md): an HTTP run of 4 calls, a
 * gRPC ping run of 40 calls in one bucket (Fortio 0.9.0, health status "1" = SERVING), and
 * an HTTP run of exactly 100 calls in 17 buckets (Fortio 1.57.3).
 */
const FORTIO_FILES = [
  "fortio-result.json",
  "fortio-grpc-ping.json",
  "fortio-http-100-calls.json",
].map((name, i) => ({
  name,
  file: join(FIXTURES, name),
  rate: [40, 8, 8][i],
  good: [4, 40, 100][i],
}));

describe("import fortio", () => {
  it.each(FORTIO_FILES)(
    "$name: each of Fortio's own percentiles lands in its bucket, and the run says it is approximate",
    async ({ file, rate, good }) => {
      const dir = await mkdtemp(join(tmpdir(), "meshbench-import-"));
      const { run } = await imported(["fortio", file, "--out", dir, "--mesh", "bare"]);
      const fortio = JSON.parse(await readFile(file, "utf8"));
      const h = fortio.DurationHistogram;
      const histogram = decodeHistogram(run.load!.histogram);
      expect(histogram.totalCount).toBe(h.Count);
      const bucketOf = (s: number) =>
        h.Data.find((b: { Start: number; End: number }) => s >= b.Start && s <= b.End);
      expect(h.Percentiles.length).toBeGreaterThanOrEqual(5);
      for (const { Percentile, Value } of h.Percentiles) {
        const ours = histogram.getValueAtPercentile(Percentile) / 1e6;
        const bucket = bucketOf(Value);
        // Both in the same bucket (the approximation the README states), to HDR's 0.1 %.
        expect(ours).toBeGreaterThanOrEqual(bucket.Start * 0.999);
        expect(ours).toBeLessThanOrEqual(bucket.End * 1.001);
      }
      expect(Math.abs(run.load!.latencyUs.p100 / 1e6 - h.Max)).toBeLessThanOrEqual(h.Max * 1e-3);
      expect(run.spec.rate).toBe(rate); // RequestedQPS
      expect(run.load!.achieved.rate).toBe(fortio.ActualQPS);
      expect(run.load!.achieved.status["2xx"]).toBe(good);
      expect(errorCount(run.load!)).toBe(0);
      expect(run.environment.startedAt).toBe(new Date(fortio.StartTime).toISOString());
      expect(run.events[0]!.detail).toMatch(
        /approximate: Fortio's histogram buckets are not HDR's/,
      );
    },
  );
});
