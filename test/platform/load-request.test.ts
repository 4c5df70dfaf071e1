// Pure glue the orchestrator uses: a planned run → the load request; progress lines back.
import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/loadgen/summary.ts";
import { loadRequestFor } from "../../src/platform/load-request.ts";
import { combineProgress, parseProgressLine } from "../../src/platform/loadgen-progress.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";

describe("loadRequestFor", () => {
  it("takes the scenario's load at the run's rate", () => {
    const { scenario } = parseScenario(
      "r.yaml",
      "meshes: [bare]\nload: { rate: [500, 600], duration: 30s, warmup: 5s, connections: 8 }\n",
    );
    const run = planRuns(scenario).runs[1]!;
    expect(loadRequestFor(scenario, run, "results/r/bare-600rps/r1")).toEqual({
      rate: 600,
      durationMs: 30_000,
      warmupMs: 5000,
      connections: 8,
      workers: 1,
      timeoutMs: 30_000, // the 60 s default, capped by the 30 s run
      intervalMs: 1000,
      pacing: "efficient",
      paths: scenario.load.paths,
      resourceIntervalMs: 1000,
      outDir: "results/r/bare-600rps/r1",
    });
  });
});

describe("parseProgressLine", () => {
  it("reads back what the load generator prints, in every phase", () => {
    const progress = {
      phase: "measure" as const,
      elapsedMs: 3000,
      durationMs: 15_000,
      rate: 199.5,
      failures: 2,
      requests: 400,
      p50Us: 3431,
      p99Us: 12_823,
      p50LowerBound: false,
      p99LowerBound: false,
    };
    expect(parseProgressLine(formatProgress(progress))).toEqual(progress);
    const warmup = { ...progress, phase: "warmup" as const, requests: 0, p50Us: 0, p99Us: 0 };
    expect(parseProgressLine(formatProgress(warmup))).toEqual(warmup);
    // Timed-out requests in the tail: the p99 printed as a lower bound is read back as one.
    const censored = { ...progress, p99Us: 300_000, p99LowerBound: true };
    expect(formatProgress(censored)).toContain("p99 ≥300.000 ms");
    expect(parseProgressLine(formatProgress(censored))).toEqual(censored);
  });

  it("ignores every other line", () => {
    expect(parseProgressLine("  Achieved 200.0 rps of 200 target (100.0 %)")).toBeNull();
    expect(parseProgressLine("")).toBeNull();
  });
});

describe("combineProgress", () => {
  it("adds the pods' rates and counts, shows the worst pod's percentiles and the slowest clock", () => {
    const pod = (elapsedMs: number, rate: number, p99Us: number) => ({
      phase: "measure" as const,
      elapsedMs,
      durationMs: 60_000,
      rate,
      failures: 1,
      requests: 100,
      p50Us: p99Us / 4,
      p99Us,
      p50LowerBound: false,
      p99LowerBound: false,
    });
    expect(combineProgress([pod(5000, 99.5, 8000), pod(4000, 100.5, 12_000)])).toEqual({
      phase: "measure",
      elapsedMs: 4000,
      durationMs: 60_000,
      rate: 200,
      failures: 2,
      requests: 200,
      p50Us: 3000,
      p99Us: 12_000,
      p50LowerBound: false,
      p99LowerBound: false,
    });
    // A pod whose p99 is a lower bound may be above the worst shown: the line says ≥.
    const bounded = { ...pod(5000, 99.5, 8000), p99LowerBound: true };
    expect(combineProgress([bounded, pod(4000, 100.5, 12_000)])!.p99LowerBound).toBe(true);
    expect(combineProgress([])).toBeNull();
  });
});
