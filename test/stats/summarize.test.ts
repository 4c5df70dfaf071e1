import { describe, expect, it } from "vitest";
import { createHistogram, encodeHistogram, spectrum } from "../../src/histogram/hdr.ts";
import { buildResources } from "../../src/results/resources.ts";
import { overheadVsBare } from "../../src/stats/overhead.ts";
import { summarize } from "../../src/stats/summarize.ts";
import {
  constantResources,
  loadResult,
  MIB,
  runResult,
  T0,
  uniformHistogram,
} from "../helpers/runs.ts";

/** HDR with 3 significant digits: within 0.1 % (and 1 µs), in ms. */
const near = (actual: number | undefined, expectedMs: number) => {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expectedMs)).toBeLessThanOrEqual(expectedMs * 0.001 + 0.001);
};

// Run k of istio records every µs from 1000k to 1000k + 2000 once: its median is 1000k + 1000 µs.
const istioRuns = [1, 2, 3].map((k) =>
  runResult({
    mesh: { name: "istio", version: "1.24.0" },
    repetition: k,
    load: loadResult({
      histogram: uniformHistogram(1000 * k, 1000 * k + 2000),
      errors: { timeout: k },
      status: { "5xx": 1 },
    }),
    resources: constantResources([
      { id: "cp", class: "controlPlane", cpuCores: 0.1 * k, memoryBytes: 100 * MIB },
      { id: "p1", class: "dataPlane", cpuCores: 0.2, memoryBytes: 40 * MIB },
      { id: "p2", class: "dataPlane", cpuCores: 0.3, memoryBytes: 50 * MIB },
    ]),
  }),
);
const bareRuns = [1, 2].map((k) =>
  runResult({
    mesh: { name: "bare" },
    repetition: k,
    load: loadResult({ histogram: uniformHistogram(500, 1500) }),
    resources: constantResources([
      { id: "app", class: "application", cpuCores: 0.5, memoryBytes: 10 * MIB },
    ]),
  }),
);
const failed = runResult({
  mesh: { name: "istio", version: "1.24.0" },
  repetition: 4,
  load: null,
  status: { state: "failed", reason: "sidecar injection timed out", phase: "deploy" },
});
const inputs = [...istioRuns, failed, ...bareRuns].map((run, i) => ({
  path: `p${i}/run.json`,
  run,
}));
const [scenario] = summarize(inputs);
const istio = scenario!.meshes.find((m) => m.mesh.name === "istio")!;
const bare = scenario!.meshes.find((m) => m.mesh.name === "bare")!;

describe("summaries over repetitions", () => {
  it("groups by scenario and mesh, bare first", () => {
    expect(scenario!.meshes.map((m) => m.label)).toEqual(["bare", "istio 1.24.0"]);
    expect(istio.runs.map((r) => r.repetition)).toEqual([1, 2, 3]);
  });

  it("takes median, min and max of the per-run percentiles", () => {
    const p50 = istio.metrics["latency.p50"]!;
    near(p50.min, 2.0);
    near(p50.median, 3.0);
    near(p50.max, 4.0);
    expect(p50.n).toBe(3);
  });

  it("reads the pooled percentile off the merged histogram, not from the per-run values", () => {
    // All runs together: 6003 values; 5003 of them are ≤ 4000 µs and 4001 … 5000 µs hold
    // one each (run 3 only). p90 is the 0.9 · 6003 = 5402.7th value: 4000 + 400 = 4400 µs.
    near(istio.metrics["latency.p90"]!.pooled, 4.4);
    // The median of the per-run p90s is run 2's: 2000 + 0.9·2000 = 3800 µs.
    near(istio.metrics["latency.p90"]!.median, 3.8);
  });

  it("pools the achieved rate and the error rate over all runs", () => {
    // Each run: 2001 responses in 54 s; timeouts 1, 2, 3 and one 5xx each.
    expect(istio.metrics["rate.achieved"]!.pooled).toBeCloseTo((3 * 2001) / (3 * 54), 9);
    expect(istio.metrics["errors.rate"]!.pooled).toBeCloseTo((6 + 3) / (3 * 2001 + 6), 12);
    expect(istio.metrics["errors.rate"]!.median).toBeCloseTo(3 / 2003, 12);
    expect(istio.outcomes.errors.timeout).toBe(6);
    expect(istio.outcomes.status["5xx"]).toBe(3);
  });

  it("summarizes resources per class; classes a mesh lacks have no figure", () => {
    const cp = istio.metrics["cpu.controlPlane"]!;
    expect([cp.min, cp.median, cp.max].map((v) => Number(v.toFixed(9)))).toEqual([0.1, 0.2, 0.3]);
    expect(istio.metrics["cpu.dataPlane"]!.median).toBeCloseTo(0.5, 12);
    expect(istio.metrics["memory.maxProxy"]!.median).toBe(50 * MIB);
    expect(bare.metrics["cpu.controlPlane"]).toBeUndefined();
    expect(bare.metrics["cpu.maxProxy"]).toBeUndefined();
  });

  it("keeps failed runs aside with their reasons", () => {
    expect(istio.failed).toEqual([
      {
        repetition: 4,
        path: "p3/run.json",
        reason: "sidecar injection timed out",
        phase: "deploy",
      },
    ]);
  });

  it("gives no latency for a run that recorded no response", () => {
    const empty = runResult({
      mesh: { name: "x" },
      repetition: 1,
      load: loadResult({ histogram: uniformHistogram(1, 0) }),
    });
    const [s] = summarize([{ path: "e/run.json", run: empty }]);
    expect(s!.meshes[0]!.metrics["latency.p50"]).toBeUndefined();
  });
});

describe("overhead against bare", () => {
  it("subtracts and divides the medians; resources at the rate measured, never per rate", () => {
    const overhead = overheadVsBare(scenario!)!;
    expect(overhead.notComparable).toEqual([]);
    const [o] = overhead.meshes;
    // Medians: istio p50 3000 µs, bare p50 1000 µs.
    expect(o!.label).toBe("istio 1.24.0");
    expect(o!.latency.p50!.addedMs).toBeCloseTo(2.0, 2);
    expect(o!.latency.p50!.ratio).toBeCloseTo(3.0, 2);
    // Data plane: 0.5 cores against bare's none; the rate is 2001 / 54 rps.
    const rate = 2001 / 54;
    expect(o!.resources["cpu.dataPlane"]!.added).toBeCloseTo(0.5, 12);
    expect(o!.atRps).toBeCloseTo(rate, 9);
    // Issue 21.5: nothing divided by the rate.
    expect(Object.keys(o!.resources["memory.dataPlane"]!)).toEqual(["added", "withinNoise"]);
  });

  it("leaves out a resource figure bare could not measure, rather than take it for 0", () => {
    const app = (cpuCores: number | null) =>
      buildResources(
        1000,
        [{ id: "app", class: "application" }],
        [{ atMs: T0, usage: { app: { cpuCores, memoryBytes: 100, cpuFromMs: T0 - 1000 } } }],
      );
    const run = (name: string, cpu: number | null) => ({
      path: `${name}/r1/run.json`,
      run: runResult({
        mesh: { name },
        repetition: 1,
        load: loadResult({ histogram: uniformHistogram(1000, 2000) }),
        resources: app(cpu),
      }),
    });
    const [s] = summarize([run("bare", null), run("istio", 0.4)]);
    const [o] = overheadVsBare(s!)!.meshes;
    expect(o!.resources["memory.application"]).toEqual({ added: 0, withinNoise: true });
    expect(o!.resources["cpu.application"]).toBeUndefined();
  });

  it("is not computed without a bare run", () => {
    const [s] = summarize(inputs.filter((i) => i.run.mesh.name !== "bare"));
    expect(overheadVsBare(s!)).toBeNull();
  });

  it("leaves out a mesh whose runs are not alike bare's, naming the differences", () => {
    const at2000 = istioRuns.map((run) => ({ ...run, spec: { ...run.spec, rate: 2000 } }));
    const mixed = istioRuns.map((run) =>
      run.repetition === 3 ? { ...run, spec: { ...run.spec, connections: 32 } } : run,
    );
    const bareInputs = bareRuns.map((run, i) => ({ path: `b${i}/run.json`, run }));
    for (const [runs, differences] of [
      [at2000, ["rate (rps): 1000 ≠ 2000"]],
      [mixed, ["runs of istio 1.24.0 differ, repetition 3: connections: 64 ≠ 32"]],
    ] as const) {
      const [s] = summarize([
        ...bareInputs,
        ...runs.map((run, i) => ({ path: `i${i}/run.json`, run })),
      ]);
      expect(overheadVsBare(s!)).toEqual({
        meshes: [],
        notComparable: [{ label: "istio 1.24.0", differences }],
      });
    }
  });
});

describe("the load generator's own error", () => {
  // Latency 40–41 ms in every run. The load generator's lateness: 1,000 sends, 500 at
  // 1 ms and 500 at `lateUs`: its pooled p99 is `lateUs`, compared with 10 % of 41 ms.
  const withLateness = (lateUs: number, utilization: number) => {
    const l = loadResult({ histogram: uniformHistogram(40_000, 40_999) });
    const late = createHistogram();
    late.recordValueWithCount(1000, 500);
    late.recordValueWithCount(lateUs, 500);
    return {
      ...l,
      latenessUs: spectrum(late),
      latenessHistogram: encodeHistogram(late),
      instrument: { utilization, loopDelayP99Us: 0, loopDelayMaxUs: 0 },
    };
  };
  const meshOf = (lateUs: number, utilization: number) =>
    summarize(
      [1, 2].map((repetition) => ({
        path: `bare/r${repetition}/run.json`,
        run: runResult({
          mesh: { name: "bare" },
          repetition,
          rate: 1000,
          load: withLateness(lateUs, repetition === 2 ? utilization : 0.1),
        }),
      })),
    )[0]!.meshes[0]!;

  it("pools the lateness over runs and warns when its p99 exceeds 10 % of the p99", () => {
    const quiet = meshOf(3000, 0.1).instrument!;
    expect(quiet.latenessP50Ms).toBeCloseTo(1, 2);
    expect(quiet.latenessP99Ms).toBeCloseTo(3, 2);
    expect(quiet.dominates).toBe(false); // 3 ms < 4.1 ms
    expect(quiet.saturated).toBe(false);
    expect(meshOf(5000, 0.1).instrument!.dominates).toBe(true); // 5 ms > 4.1 ms
    expect(meshOf(3000, 0.95).instrument!.saturated).toBe(true); // one run saturated
  });

  it("is absent for results written before it was measured", () => {
    const old = summarize([
      {
        path: "bare/r1/run.json",
        run: runResult({
          mesh: { name: "bare" },
          repetition: 1,
          rate: 1000,
          load: loadResult({ histogram: uniformHistogram(1, 100) }),
        }),
      },
    ]);
    expect(old[0]!.meshes[0]!.instrument).toBeUndefined();
  });
});
