import { describe, expect, it } from "vitest";
import { perRunResources } from "../../src/results/resources.ts";
import type { Container } from "../../src/results/run-schema.ts";

const containers: Container[] = [
  { id: "cp", class: "controlPlane" },
  { id: "p1", class: "dataPlane" },
  { id: "p2", class: "dataPlane" },
  { id: "app", class: "application" },
];

describe("per-run resource figures", () => {
  it("sums each class per sample, then takes the maximum over samples, CPU and memory apart", () => {
    const figures = perRunResources(containers, [
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

  it("refuses a sample of a container it was not told the class of", () => {
    expect(() =>
      perRunResources(containers, [{ atMs: 0, usage: { ghost: { cpuCores: 1, memoryBytes: 1 } } }]),
    ).toThrow(/resources\.samples\[0\]\.usage: "ghost" is not in resources\.containers/);
  });
});
