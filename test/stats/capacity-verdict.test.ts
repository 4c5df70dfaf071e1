// The capacity gate: regressed only when the candidate's bracket lies wholly below the
// baseline's by at least the precision; its error rates measured on simulated systems.
import { describe, expect, it } from "vitest";
import type { CapacityFile, MeshCapacity } from "../../src/results/capacity-file.ts";
import type { CapacityAnswer } from "../../src/stats/capacity-search.ts";
import { capacityPerCore, compareCapacity } from "../../src/stats/capacity-verdict.ts";
import { noisySystems } from "../helpers/capacity-sim.ts";

function file(
  answer: Partial<MeshCapacity> & Pick<MeshCapacity, "kind">,
  overrides: Partial<CapacityFile> = {},
): CapacityFile {
  return {
    schema: "meshbench/capacity/v1",
    scenario: "s",
    slo: ["p99 <= 100ms"],
    minRate: 100,
    maxRate: 5000,
    precision: "5%",
    probeMs: 10_000,
    confirmMs: 30_000,
    meshes: [
      {
        mesh: { name: "linkerd" },
        rate: null,
        bracket: { held: null, failed: null },
        probes: [],
        ...answer,
      },
    ],
    ...overrides,
  };
}

const fromAnswer = (a: CapacityAnswer): CapacityFile =>
  file({ kind: a.kind, rate: a.rate, bracket: a.bracket, ...(a.limit ? { limit: a.limit } : {}) });

describe("capacity verdicts", () => {
  it("regressed when the candidate failed below what the baseline held, by at least the precision", () => {
    const base = file({ kind: "capacity", rate: 1000, bracket: { held: 1000, failed: 1050 } });
    const near = file({ kind: "capacity", rate: 920, bracket: { held: 920, failed: 960 } });
    const far = file({ kind: "capacity", rate: 850, bracket: { held: 850, failed: 890 } });
    expect(compareCapacity([base], [near])[0]).toMatchObject({ verdict: "unchanged" });
    expect(compareCapacity([base], [far])[0]).toEqual({
      scenario: "s",
      mesh: "linkerd",
      baselineMesh: "linkerd",
      verdict: "regressed",
      reason: "held 1000, failed 1050 rps → held 850, failed 890 rps",
      baseline: { kind: "capacity", rate: 1000, bracket: { held: 1000, failed: 1050 } },
      candidate: { kind: "capacity", rate: 850, bracket: { held: 850, failed: 890 } },
    });
    expect(compareCapacity([far], [base])[0]).toMatchObject({ verdict: "improved" });
  });

  it("an instrument limit is no failure of the mesh, and different SLOs are not compared", () => {
    const base = file({ kind: "capacity", rate: 1000, bracket: { held: 1000, failed: 1050 } });
    const limited = file({
      kind: "at-least",
      rate: 600,
      limit: "instrument",
      bracket: { held: 600, failed: 650 },
    });
    expect(compareCapacity([base], [limited])[0]).toMatchObject({ verdict: "unchanged" });
    const other = file(
      { kind: "capacity", rate: 500, bracket: { held: 500, failed: 520 } },
      { slo: ["p99 <= 50ms"] },
    );
    expect(compareCapacity([base], [other])[0]).toMatchObject({
      verdict: "not comparable",
      reason: "SLO p99 <= 100ms vs p99 <= 50ms",
    });
    const none = file({ kind: "none", bracket: { held: null, failed: 100 } });
    expect(compareCapacity([base], [none])[0]).toMatchObject({ verdict: "regressed" });
  });

  it("capacity per core: the answer over the data plane's CPU in its confirmation run", () => {
    const m = file({
      kind: "capacity",
      rate: 800,
      bracket: { held: 800, failed: 840 },
      probes: [
        {
          rate: 800,
          confirm: false,
          passed: true,
          instrumentLimited: false,
          broken: [],
          dir: "a",
          dataPlaneCores: 0.3,
        },
        {
          rate: 800,
          confirm: true,
          passed: true,
          instrumentLimited: false,
          broken: [],
          dir: "b",
          dataPlaneCores: 0.4,
        },
      ],
    }).meshes[0]!;
    expect(capacityPerCore(m)).toBe(2000);
    expect(capacityPerCore({ ...m, probes: [] })).toBeNull();
  });
});

// Two searches of the same simulated system (a probe passes when rate <= C·(1 + σz), the
// confirmation with σ/√3), 2000 pairs over capacities of 200..3200 rps; the candidate's
// capacity lowered by `drop`. Measured with this seed and stated in the README.
describe("capacity verdict error rates on simulated systems", () => {
  function regressedShare(sigma: number, drop: number): number {
    const systems = noisySystems(11);
    let regressed = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const capacity = 200 + systems.random() * 3000;
      const base = fromAnswer(systems.search(capacity, sigma));
      const candidate = fromAnswer(systems.search(capacity * (1 - drop), sigma));
      if (compareCapacity([base], [candidate])[0]!.verdict === "regressed") regressed++;
    }
    return regressed / n;
  }

  it("no false alarm on unchanged systems at noise up to 2 %, a few at 5 %", () => {
    expect(regressedShare(0.01, 0)).toBe(0);
    expect(regressedShare(0.02, 0)).toBe(0);
    expect(regressedShare(0.05, 0)).toBeLessThanOrEqual(0.05);
  });

  it("catches a 10 % drop in at least 90 % of pairs at 2 % noise, and every 20 % drop", () => {
    expect(regressedShare(0.02, 0.1)).toBeGreaterThanOrEqual(0.9);
    expect(regressedShare(0.02, 0.2)).toBe(1);
    expect(regressedShare(0.05, 0.2)).toBe(1);
  });
});
