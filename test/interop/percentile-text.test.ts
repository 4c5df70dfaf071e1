// `meshbench export --format hdr` against the reference: HdrHistogram's Java
// HistogramLogProcessor (Debian's libhdrhistogram-java) reads each run's own histogram
// from a log, adds them itself and writes the percentile distribution of the sum (its
// .hgrm file, Java's outputPercentileDistribution). The two texts must be the same,
// value for value.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHistogram, type Histogram, recordUs } from "../../src/histogram/hdr.ts";
import { hlogHeader, hlogLine } from "../../src/histogram/hlog.ts";
import { writeRun } from "../../src/results/run-file.ts";
import { histogramLogProcessor } from "../helpers/hdr-java.ts";
import { runMeshbench as meshbench } from "../helpers/process.ts";
import { loadResult, runResult, T0 } from "../helpers/runs.ts";

/** A long-tailed latency sample (µs) from a fixed seed: body near `lo`, tail to seconds. */
function tailedHistogram(seed: number, lo: number, count: number): Histogram {
  const h = createHistogram();
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 48271) % 2147483647;
    const u = s / 2147483647;
    recordUs(h, lo / (1 - u) ** 0.7);
  }
  return h;
}

describe("export --format hdr", () => {
  it("writes what Java HdrHistogram's outputPercentileDistribution writes for the runs' sum", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-hgrm-"));
    const histograms = [tailedHistogram(7, 800, 30_000), tailedHistogram(11, 900, 20_000)];
    const hlogLines = [hlogHeader(T0)];
    for (const [i, histogram] of histograms.entries()) {
      const load = loadResult({ histogram });
      await writeRun(
        join(dir, "results", `r${i + 1}`),
        runResult({ mesh: { name: "linkerd", version: "2.16.0" }, repetition: i + 1, load }),
      );
      hlogLines.push(
        hlogLine({ startMs: T0 + i * 1000, endMs: T0 + (i + 1) * 1000, histogram }, T0),
      );
    }
    const hlog = join(dir, "runs.hlog");
    await writeFile(hlog, hlogLines.join(""));
    const javaOut = join(dir, "java");
    await histogramLogProcessor(hlog, javaOut);
    // The processor heads its file with the log's time range; the distribution follows.
    const java = (await readFile(`${javaOut}.hgrm`, "utf8")).replace(
      /^#\[Overall percentile distribution .*\n#\[StartTime: .*\n/,
      "",
    );

    const out = join(dir, "linkerd.hgrm");
    const outcome = await meshbench([
      "export",
      join(dir, "results"),
      "--format",
      "hdr",
      "--out",
      out,
    ]);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    const ours = await readFile(out, "utf8");
    // Sanity: the texts compared hold the whole spectrum, not two empty headers.
    expect(java).toMatch(/Total count\s+=\s+50000\]/);
    expect(ours.split("\n").length).toBeGreaterThan(50);
    expect(ours).toBe(java);
  });

  it("asks for a directory or a choice when several meshes make several files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-hgrm-"));
    for (const name of ["bare", "istio"]) {
      const histogram = tailedHistogram(3, 500, 1000);
      await writeRun(
        join(dir, name),
        runResult({ mesh: { name }, repetition: 1, load: loadResult({ histogram }) }),
      );
    }
    const refused = await meshbench(["export", dir, "--format", "hdr"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("give --out DIR, or pick one with --scenario and --mesh");

    const one = await meshbench(["export", dir, "--format", "hdr", "--mesh", "istio"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/Total count\s+=\s+1000\]/);

    const all = await meshbench(["export", dir, "--format", "hdr", "--out", join(dir, "out")]);
    expect(all.code).toBe(0);
    expect(
      all.stdout
        .trim()
        .split("\n")
        .map((p) => p.slice(dir.length + 5)),
    ).toEqual(["smoke.bare.hgrm", "smoke.istio.hgrm"]);
  });
});
