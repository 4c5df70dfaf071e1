import { describe, expect, it } from "vitest";
import type { ResourceSample } from "../../src/platform/types.ts";
import { buildResources, perRunResources } from "../../src/results/resources.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import {
  type RunRecordInput,
  runRecord,
  scenarioLabel,
  snapshotsOf,
} from "../../src/run/run-record.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { expectFigures, sample } from "../helpers/resources.ts";
import { loadResult, uniformHistogram } from "../helpers/runs.ts";

const { scenario } = parseScenario(
  "t.yaml",
  "name: t\nplatform: local\nmeshes: [bare, haproxy-sidecar]\nworkload: { app: emojivoto, instances: 2 }\nload: { rate: [100, 200], duration: 10s }\n",
);
const run = planRuns(scenario).runs[1]!;

/** The record of `run` on the local platform, started at 0: what each case varies given. */
function record(input: Partial<RunRecordInput> & { endedAtMs: number }) {
  return runRecord({
    scenario,
    run,
    scenarioLabel: "t",
    platform: { kind: "local", nodes: { count: 1, types: ["x"] } },
    startedAtMs: 0,
    load: null,
    samples: [],
    events: [],
    failure: null,
    ...input,
  });
}

describe("runRecord", () => {
  it("keeps per class the mean CPU and, beside it, the peak of the sum over the class", () => {
    // CPU readings over the second before each sample.
    const s = (t: number, name: string, cls: ResourceSample["class"], cpu: number, mem: number) =>
      sample(t, t - 1000, name, cls, cpu, mem);
    const samples = [
      s(1000, "web-1-sidecar", "data-plane", 0.1, 10),
      s(1000, "emoji-1-sidecar", "data-plane", 0.3, 30),
      s(1000, "web-1", "application", 0.5, 100),
      s(2000, "web-1-sidecar", "data-plane", 0.25, 12),
      s(2000, "emoji-1-sidecar", "data-plane", 0.05, 8),
      s(2000, "web-1", "application", 0.2, 150),
      s(2000, "loadgen", "load-generator", 0.4, 90),
    ];
    const r = record({
      endedAtMs: 3000,
      samples,
      failure: { phase: "load", reason: "boom" },
    });
    expect(runSchema.parse(r)).toBeTruthy();
    const perRun = r.resources!.perRun;
    // Means: each sidecar (0.1 + 0.25) / 2 and (0.3 + 0.05) / 2 = 0.175, summed 0.35. Peak:
    // the sums 0.4 cores / 40 B at t=1000 and 0.3 / 20 at t=2000 → 0.4 and 40.
    expect(perRun.dataPlane.cpuCores).toBeCloseTo(0.35, 12);
    expect(perRun.dataPlane.cpuPeakCores).toBeCloseTo(0.4, 12);
    expect(perRun.dataPlane.memoryBytes).toBe(40);
    expect(perRun.dataPlane.containers).toBe(2);
    // The largest single proxy: mean 0.175, reading 0.3 cores (emoji, t=1000), 30 B.
    expectFigures(perRun.maxProxy, { cpuCores: 0.175, cpuPeakCores: 0.3, memoryBytes: 30 });
    expectFigures(perRun.application, { cpuCores: 0.35, cpuPeakCores: 0.5, memoryBytes: 150 });
    expect(perRun.loadGenerator).toMatchObject({
      cpuCores: 0.4,
      cpuPeakCores: 0.4,
      memoryBytes: 90,
    });
    expect(r.resources!.sampledAtMs).toEqual([1000, 2000]);
    // loadgen was not sampled at t=1000: a gap, not a zero
    expect(r.resources!.usage.loadgen!.cpuCores).toEqual([null, 0.4]);
    expect(r.resources!.usage.loadgen!.cpuFromMs).toEqual([null, 1000]);
    expect(r.status).toEqual({ state: "failed", phase: "load", reason: "boom" });
  });

  it("takes the per-run figures from the measured period only, and keeps every sample", () => {
    // Each CPU reading covers the time since the previous sample (`from`).
    // Measured from 10 000 to 14 000 (5 s with 1 s of warm-up).
    const load = loadResult({
      histogram: uniformHistogram(1000, 2000),
      durationMs: 5000,
      warmupMs: 1000,
      measuredFromMs: 10_000,
    });
    const samples = [
      sample(9000, 8000, "web-1", "application", 2.0, 500), // start-up and warm-up: not counted
      sample(10_000, 9000, "web-1", "application", 1.5, 200), // memory counts; CPU is 9–10 s: not
      sample(11_000, 10_000, "web-1", "application", 0.4, 150),
      sample(11_000, 10_000, "web-1-sidecar", "data-plane", 0.2, 50),
      sample(12_000, 11_000, "web-1", "application", 0.5, 160),
      sample(12_000, 11_000, "web-1-sidecar", "data-plane", 0.1, 60),
      sample(13_000, 12_000, "web-1", "application", 0.3, 170),
      sample(13_000, 12_000, "web-1-sidecar", "data-plane", 0.25, 40),
      // After the load: memory not counted; CPU over 13–15 s, half of it inside the period.
      sample(15_000, 13_000, "web-1", "application", 0.1, 900),
    ];
    const r = record({
      endedAtMs: 16_000,
      load,
      samples,
    });
    expect(runSchema.parse(r)).toBeTruthy();
    expect(r.resources!.sampledAtMs).toEqual([9000, 10_000, 11_000, 12_000, 13_000, 15_000]);
    expect(r.resources!.usage["web-1"]!.cpuCores).toEqual([2, 1.5, 0.4, 0.5, 0.3, 0.1]);
    const perRun = r.resources!.perRun;
    // CPU mean: CPU seconds 0.4 + 0.5 + 0.3 + 0.1 (13–14 s of the last reading) over 4 s;
    // peak: the readings wholly inside, max of 0.4, 0.5, 0.3; memory: max of 200 … 170.
    expectFigures(perRun.application, { cpuCores: 1.3 / 4, cpuPeakCores: 0.5, memoryBytes: 200 });
    // The sidecar: its readings cover 10–13 s: 0.55 CPU seconds over 3 s.
    expectFigures(perRun.dataPlane, {
      cpuCores: 0.55 / 3,
      cpuPeakCores: 0.25,
      memoryBytes: 60,
      containers: 1,
    });
    expect(perRun.maxProxy).toMatchObject({ cpuPeakCores: 0.25, memoryBytes: 60 });
    // Nothing measured is absent, never 0.
    expect(perRun.loadGenerator).toEqual({ containers: 0 });
  });

  it("counts the memory of a sample that has no CPU figure", () => {
    const resources = buildResources(
      1000,
      [{ id: "p", class: "dataPlane" }],
      [
        { atMs: 1000, usage: { p: { cpuCores: 0.2, memoryBytes: 50, cpuFromMs: 0 } } },
        { atMs: 2000, usage: { p: { cpuCores: 0.1, memoryBytes: 70 } } },
      ],
    );
    // As read back from a run.json whose CPU column has a gap where memory has none.
    resources.usage.p!.cpuCores[1] = null;
    const perRun = perRunResources(resources.containers, resources.sampledAtMs, resources.usage);
    expect(perRun.dataPlane).toEqual({
      cpuCores: 0.2,
      cpuPeakCores: 0.2,
      memoryBytes: 70,
      containers: 1,
    });
    expect(perRun.maxProxy).toEqual({ cpuCores: 0.2, cpuPeakCores: 0.2, memoryBytes: 70 });
  });

  it("maps platform events onto run.json events", () => {
    const r = record({
      endedAtMs: 1,
      events: [
        { t: 5, name: "web-1", class: "application", kind: "restarted", message: "new pid" },
        { t: 6, name: "web-2-sidecar", class: "data-plane", kind: "exited", message: "code 1" },
      ],
      failure: { phase: "deploy", reason: "x" },
    });
    expect(r.events).toEqual([
      { atMs: 5, kind: "restart", container: "web-1", detail: "new pid" },
      { atMs: 6, kind: "other", container: "web-2-sidecar", detail: "exited: code 1" },
    ]);
    expect(r.resources).toBeNull();
  });

  it("names one report section per rate when the scenario has several", () => {
    expect(scenarioLabel(scenario, 200)).toBe("t-200rps");
    expect(snapshotsOf([]).snapshots).toEqual([]);
  });
});
