import { describe, expect, it } from "vitest";
import type { ResourceSample } from "../../src/platform/types.ts";
import { buildResources, perRunResources } from "../../src/results/resources.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import { runRecord, scenarioLabel, snapshotsOf } from "../../src/run/run-record.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { loadResult, uniformHistogram } from "../helpers/runs.ts";

const { scenario } = parseScenario(
  "t.yaml",
  "name: t\nplatform: local\nmeshes: [bare, haproxy-sidecar]\nworkload: { app: emojivoto, instances: 2 }\nload: { rate: [100, 200], duration: 10s }\n",
);
const run = planRuns(scenario).runs[1]!;

describe("runRecord", () => {
  it("keeps per class the maximum over samples of the sum over the class, and the largest proxy", () => {
    const s = (
      t: number,
      name: string,
      cls: ResourceSample["class"],
      cpu: number,
      mem: number,
    ): ResourceSample => ({
      t,
      name,
      class: cls,
      cpuCores: cpu,
      memoryBytes: mem,
    });
    const samples = [
      s(1000, "web-1-sidecar", "data-plane", 0.1, 10),
      s(1000, "emoji-1-sidecar", "data-plane", 0.3, 30),
      s(1000, "web-1", "application", 0.5, 100),
      s(2000, "web-1-sidecar", "data-plane", 0.25, 12),
      s(2000, "emoji-1-sidecar", "data-plane", 0.05, 8),
      s(2000, "web-1", "application", 0.2, 150),
      s(2000, "loadgen", "load-generator", 0.4, 90),
    ];
    const r = runRecord({
      scenario,
      run,
      scenarioLabel: "t",
      platform: { kind: "local", nodes: { count: 1, types: ["x"] } },
      startedAtMs: 0,
      endedAtMs: 3000,
      load: null,
      samples,
      events: [],
      failure: { phase: "load", reason: "boom" },
    });
    expect(runSchema.parse(r)).toBeTruthy();
    const perRun = r.resources!.perRun;
    // Data plane sums: 0.4 cores / 40 B at t=1000, 0.3 / 20 at t=2000 → max 0.4 and 40.
    expect(perRun.dataPlane.cpuCores).toBeCloseTo(0.4, 12);
    expect(perRun.dataPlane.memoryBytes).toBe(40);
    expect(perRun.dataPlane.containers).toBe(2);
    // The largest single proxy: 0.3 cores (emoji, t=1000), 30 B.
    expect(perRun.maxProxy).toEqual({ cpuCores: 0.3, memoryBytes: 30 });
    expect(perRun.application).toMatchObject({ cpuCores: 0.5, memoryBytes: 150 });
    expect(perRun.loadGenerator).toMatchObject({ cpuCores: 0.4, memoryBytes: 90 });
    expect(r.resources!.sampledAtMs).toEqual([1000, 2000]);
    // loadgen was not sampled at t=1000: a gap, not a zero
    expect(r.resources!.usage.loadgen!.cpuCores).toEqual([null, 0.4]);
    expect(r.status).toEqual({ state: "failed", phase: "load", reason: "boom" });
  });

  it("takes the per-run figures from the measured period only, and keeps every sample", () => {
    const s = (
      t: number,
      name: string,
      cls: ResourceSample["class"],
      cpu: number,
      mem: number,
    ): ResourceSample => ({ t, name, class: cls, cpuCores: cpu, memoryBytes: mem });
    // Measured from 10 000 to 14 000 (5 s with 1 s of warm-up).
    const load = loadResult({
      histogram: uniformHistogram(1000, 2000),
      durationMs: 5000,
      warmupMs: 1000,
      measuredFromMs: 10_000,
    });
    const samples = [
      s(9000, "web-1", "application", 2.0, 500), // start-up and warm-up: not counted
      s(10_000, "web-1", "application", 1.5, 200), // memory counts; CPU averages 9–10 s: not
      s(11_000, "web-1", "application", 0.4, 150),
      s(11_000, "web-1-sidecar", "data-plane", 0.2, 50),
      s(12_000, "web-1", "application", 0.5, 160),
      s(12_000, "web-1-sidecar", "data-plane", 0.1, 60),
      s(13_000, "web-1", "application", 0.3, 170),
      s(13_000, "web-1-sidecar", "data-plane", 0.25, 40),
      s(15_000, "web-1", "application", 0.1, 900), // after the load: not counted
    ];
    const r = runRecord({
      scenario,
      run,
      scenarioLabel: "t",
      platform: { kind: "local", nodes: { count: 1, types: ["x"] } },
      startedAtMs: 0,
      endedAtMs: 16_000,
      load,
      samples,
      events: [],
      failure: null,
    });
    expect(runSchema.parse(r)).toBeTruthy();
    expect(r.resources!.sampledAtMs).toEqual([9000, 10_000, 11_000, 12_000, 13_000, 15_000]);
    expect(r.resources!.usage["web-1"]!.cpuCores).toEqual([2, 1.5, 0.4, 0.5, 0.3, 0.1]);
    const perRun = r.resources!.perRun;
    // CPU: max of 0.4, 0.5, 0.3; memory: max of 200, 150, 160, 170.
    expect(perRun.application).toEqual({ cpuCores: 0.5, memoryBytes: 200, containers: 1 });
    // The sidecar: CPU max of 0.2, 0.1, 0.25; memory max of 50, 60, 40.
    expect(perRun.dataPlane).toEqual({ cpuCores: 0.25, memoryBytes: 60, containers: 1 });
    expect(perRun.maxProxy).toEqual({ cpuCores: 0.25, memoryBytes: 60 });
    expect(perRun.loadGenerator).toEqual({ cpuCores: 0, memoryBytes: 0, containers: 0 });
  });

  it("counts the memory of a sample that has no CPU figure", () => {
    const resources = buildResources(
      1000,
      [{ id: "p", class: "dataPlane" }],
      [
        { atMs: 1000, usage: { p: { cpuCores: 0.2, memoryBytes: 50 } } },
        { atMs: 2000, usage: { p: { cpuCores: 0.1, memoryBytes: 70 } } },
      ],
    );
    // As read back from a run.json whose CPU column has a gap where memory has none.
    resources.usage.p!.cpuCores[1] = null;
    const perRun = perRunResources(resources.containers, resources.sampledAtMs, resources.usage);
    expect(perRun.dataPlane).toEqual({ cpuCores: 0.2, memoryBytes: 70, containers: 1 });
    expect(perRun.maxProxy).toEqual({ cpuCores: 0.2, memoryBytes: 70 });
  });

  it("maps platform events onto run.json events", () => {
    const r = runRecord({
      scenario,
      run,
      scenarioLabel: "t",
      platform: { kind: "local", nodes: { count: 1, types: ["x"] } },
      startedAtMs: 0,
      endedAtMs: 1,
      load: null,
      samples: [],
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
