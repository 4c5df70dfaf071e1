import { describe, expect, it } from "vitest";
import { buildResources } from "../../src/results/resources.ts";
import { parseRun, serializeRun } from "../../src/results/run-file.ts";
import type { Container } from "../../src/results/run-schema.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { expectFigures } from "../helpers/resources.ts";
import { loadResult, runResult, T0, uniformHistogram } from "../helpers/runs.ts";

const containers: Container[] = [
  { id: "cp", class: "controlPlane" },
  { id: "p1", class: "dataPlane" },
  { id: "p2", class: "dataPlane" },
  { id: "app", class: "application" },
];

// Each CPU reading covers the second before its sample.
const resources = buildResources(1000, containers, [
  {
    atMs: 0,
    usage: {
      cp: { cpuCores: 0.1, memoryBytes: 100, cpuFromMs: -1000 },
      p1: { cpuCores: 0.5, memoryBytes: 10, cpuFromMs: -1000 },
      p2: { cpuCores: 0.1, memoryBytes: 10, cpuFromMs: -1000 },
      app: { cpuCores: 1, memoryBytes: 5, cpuFromMs: -1000 },
    },
  },
  {
    atMs: 1000,
    usage: {
      cp: { cpuCores: 0.3, memoryBytes: 50 },
      p1: { cpuCores: 0.2, memoryBytes: 30 },
      p2: { cpuCores: 0.2, memoryBytes: 25 },
    },
  },
]);

describe("per-run resource figures", () => {
  it("means CPU over time per container, summed per class; peaks sum per sample, then max", () => {
    const figures = resources.perRun;
    // Data plane: means 0.35 (p1) + 0.15 (p2); sample 1 sums to 0.6 cores / 20 B, sample 2
    // to 0.4 cores / 55 B.
    expect(figures.dataPlane.cpuCores).toBeCloseTo(0.5, 12);
    expect(figures.dataPlane.cpuPeakCores).toBeCloseTo(0.6, 12);
    expect(figures.dataPlane.memoryBytes).toBe(55);
    expect(figures.dataPlane.containers).toBe(2);
    expectFigures(figures.controlPlane, {
      cpuCores: 0.2,
      cpuPeakCores: 0.3,
      memoryBytes: 100,
      containers: 1,
    });
    // The largest single proxy: mean 0.35 (p1), reading 0.5 (p1, sample 1), 30 B (p1, sample 2).
    expectFigures(figures.maxProxy, { cpuCores: 0.35, cpuPeakCores: 0.5, memoryBytes: 30 });
    // The app vanished in sample 2: its figures are sample 1's.
    expect(figures.application).toEqual({
      cpuCores: 1,
      cpuPeakCores: 1,
      memoryBytes: 5,
      containers: 1,
    });
    // No load generator was sampled: its figures are absent, not 0.
    expect(figures.loadGenerator).toEqual({ containers: 0 });
  });

  it("keeps the samples as columns per container, null where a container was absent", () => {
    expect(resources.sampledAtMs).toEqual([0, 1000]);
    expect(resources.usage.app).toEqual({
      cpuCores: [1, null],
      memoryBytes: [5, null],
      cpuFromMs: [-1000, null],
      readAtMs: [0, null],
    });
    // A reading without its own interval covers the time since the previous sample.
    expect(resources.usage.p1!.cpuFromMs).toEqual([-1000, 0]);
  });

  /** A run.json holding these resources. */
  const run = runResult({
    mesh: { name: "m" },
    repetition: 1,
    load: loadResult({ histogram: uniformHistogram(1, 9) }),
    resources,
  });

  it("writes the columns one line each in run.json and reads them back", () => {
    const text = serializeRun(run);
    expect(text).toContain('"cpuCores": [0.5, 0.2]');
    expect(text).toContain('"memoryBytes": [5, null]');
    expect(parseRun(text, "r/run.json")).toEqual({ ok: true, run });
  });

  it("refuses samples that do not line up, or of containers without a class", () => {
    const short = JSON.parse(serializeRun(run));
    short.resources.usage.p1.cpuCores.pop();
    short.resources.usage.ghost = {
      cpuCores: [1, 1],
      memoryBytes: [1, 1],
      cpuFromMs: [0, 0],
      readAtMs: [0, 0],
    };
    const parsed = parseRun(JSON.stringify(short), "r/run.json");
    expect(!parsed.ok && parsed.problem).toBe(
      'r/run.json: damaged run file: resources.usage.p1.cpuCores: has 1 samples, sampledAtMs has 2; resources.usage.ghost: "ghost" is not in resources.containers',
    );
    expect(() =>
      buildResources(1000, containers, [
        { atMs: 0, usage: { ghost: { cpuCores: 1, memoryBytes: 1 } } },
      ]),
    ).toThrow(
      'resource sample 0: "ghost" is not among the containers; every sampled container must be listed with its class',
    );
  });
});

describe("a CPU figure that could not be measured", () => {
  const app: Container[] = [{ id: "app", class: "application" }];
  // The case: 5 s samples, 8 s of load with 2 s of warm-up (measured 2–8 s).
  const measured = { fromMs: 2000, toMs: 8000 };

  it("is the counter's mean over the period even when no reading lies wholly inside it", () => {
    // Readings over 0–5 s (0.2 cores) and 5–10 s (0.6 cores, taken at stop): 3 s of each
    // lie in the period, so 0.2·3 + 0.6·3 CPU seconds over 6 s.
    const r = buildResources(
      5000,
      app,
      [
        { atMs: 0, usage: { app: { cpuCores: null, memoryBytes: 400 } } },
        { atMs: 5000, usage: { app: { cpuCores: 0.2, memoryBytes: 409, cpuFromMs: 0 } } },
        { atMs: 10_000, usage: { app: { cpuCores: 0.6, memoryBytes: 420, cpuFromMs: 5000 } } },
      ],
      measured,
    );
    expect(r.perRun.application.cpuCores).toBeCloseTo(0.4, 12);
    // No reading lies wholly inside: there is no peak, and it is absent rather than 0.
    expect(r.perRun.application).not.toHaveProperty("cpuPeakCores");
    expect(r.perRun.application.memoryBytes).toBe(409);
  });

  it("is absent, not 0, when no reading covers the period; memory still counts", () => {
    const r = buildResources(
      30_000,
      app,
      [
        { atMs: 1000, usage: { app: { cpuCores: 0.5, memoryBytes: 7, cpuFromMs: -9000 } } },
        // metrics-server had not refreshed: the reading still covers 1–11 s before the load.
        {
          atMs: 5000,
          usage: { app: { cpuCores: 0.5, memoryBytes: 9, cpuFromMs: -9000, readAtMs: 1000 } },
        },
        { atMs: 6000, usage: { app: { cpuCores: null, memoryBytes: 11 } } },
      ],
      measured,
    );
    expect(r.perRun.application).toEqual({ memoryBytes: 11, containers: 1 });
  });

  it("is compared as measured on one side only, never as a change to or from 0", () => {
    const withCpu = buildResources(1000, app, [
      {
        atMs: T0 + 3000,
        usage: { app: { cpuCores: 0.44, memoryBytes: 409, cpuFromMs: T0 + 2000 } },
      },
    ]);
    const without = buildResources(5000, app, [
      { atMs: T0 + 3000, usage: { app: { cpuCores: null, memoryBytes: 409 } } },
    ]);
    const runs = (resources: typeof withCpu) =>
      summarize(
        [1, 2, 3].map((repetition) => ({
          path: `r${repetition}/run.json`,
          run: runResult({
            mesh: { name: "bare" },
            repetition,
            load: loadResult({ histogram: uniformHistogram(1, 9) }),
            resources,
          }),
        })),
      );
    for (const [base, cand, side] of [
      [withCpu, without, "baseline"],
      [without, withCpu, "candidate"],
    ] as const) {
      const comparison = compareResults(runs(base), runs(cand), {
        gate: DEFAULT_GATE,
        force: true,
      });
      const mesh = comparison.meshes[0]!;
      expect(mesh.oneSided).toEqual([{ metric: "cpu.application", side }]);
      expect(mesh.metrics.map((m) => m.metric)).not.toContain("cpu.application");
      expect(regressions(comparison)).toEqual([]);
    }
  });
});
