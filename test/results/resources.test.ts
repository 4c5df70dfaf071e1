import { describe, expect, it } from "vitest";
import { buildResources } from "../../src/results/resources.ts";
import { parseRun, serializeRun } from "../../src/results/run-file.ts";
import type { Container } from "../../src/results/run-schema.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

const containers: Container[] = [
  { id: "cp", class: "controlPlane" },
  { id: "p1", class: "dataPlane" },
  { id: "p2", class: "dataPlane" },
  { id: "app", class: "application" },
];

const resources = buildResources(1000, containers, [
  {
    atMs: 0,
    usage: {
      cp: { cpuCores: 0.1, memoryBytes: 100 },
      p1: { cpuCores: 0.5, memoryBytes: 10 },
      p2: { cpuCores: 0.1, memoryBytes: 10 },
      app: { cpuCores: 1, memoryBytes: 5 },
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
  it("sums each class per sample, then takes the maximum over samples, CPU and memory apart", () => {
    const figures = resources.perRun;
    // Data plane: sample 1 sums to 0.6 cores / 20 B, sample 2 to 0.4 cores / 55 B.
    expect(figures.dataPlane.cpuCores).toBeCloseTo(0.6, 12);
    expect(figures.dataPlane.memoryBytes).toBe(55);
    expect(figures.dataPlane.containers).toBe(2);
    expect(figures.controlPlane).toEqual({ cpuCores: 0.3, memoryBytes: 100, containers: 1 });
    // The largest single proxy: 0.5 cores (p1, sample 1), 30 B (p1, sample 2).
    expect(figures.maxProxy).toEqual({ cpuCores: 0.5, memoryBytes: 30 });
    // The app vanished in sample 2: its maximum is still sample 1's.
    expect(figures.application).toEqual({ cpuCores: 1, memoryBytes: 5, containers: 1 });
    expect(figures.loadGenerator).toEqual({ cpuCores: 0, memoryBytes: 0, containers: 0 });
  });

  it("keeps the samples as columns per container, null where a container was absent", () => {
    expect(resources.sampledAtMs).toEqual([0, 1000]);
    expect(resources.usage.app).toEqual({ cpuCores: [1, null], memoryBytes: [5, null] });
  });

  it("writes the columns one line each in run.json and reads them back", () => {
    const run = runResult({
      mesh: { name: "m" },
      repetition: 1,
      load: loadResult({ histogram: uniformHistogram(1, 9) }),
      resources,
    });
    const text = serializeRun(run);
    expect(text).toContain('"cpuCores": [0.5, 0.2]');
    expect(text).toContain('"memoryBytes": [5, null]');
    expect(parseRun(text, "r/run.json")).toEqual({ ok: true, run });
  });

  it("refuses samples that do not line up, or of containers without a class", () => {
    const run = runResult({
      mesh: { name: "m" },
      repetition: 1,
      load: loadResult({ histogram: uniformHistogram(1, 9) }),
      resources,
    });
    const short = JSON.parse(serializeRun(run));
    short.resources.usage.p1.cpuCores.pop();
    short.resources.usage.ghost = { cpuCores: [1, 1], memoryBytes: [1, 1] };
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
