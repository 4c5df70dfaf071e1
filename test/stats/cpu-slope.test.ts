// CPU "per 1,000 rps" only as a slope over several measured rates (issue 21.5): a sidecar
// set that costs 0.05 cores fixed plus 1 core per 1,000 rps, measured at 100 and 200 rps,
// has a slope of 1 core per 1,000 rps, not the 1.5 that 0.15 cores at 100 rps scaled up
// would say. Memory is never divided by the rate.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { cpuSlopes } from "../../src/stats/overhead.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { constantResources, loadResult, MIB, runResult, spreadHistogram } from "../helpers/runs.ts";

const MEASURED_S = 54; // loadResult: 60 s with 6 s of warm-up

const run = (mesh: string, rate: number, repetition: number) => ({
  path: `${rate}/${mesh}/r${repetition}/run.json`,
  run: runResult({
    scenario: `t-${rate}rps`,
    mesh: { name: mesh },
    repetition,
    rate,
    load: loadResult({ histogram: spreadHistogram(1000, 2000, rate * MEASURED_S), rate }),
    resources: constantResources([
      { id: "app", class: "application", cpuCores: 0.05, memoryBytes: 50 * MIB },
      ...(mesh === "bare"
        ? []
        : [
            {
              id: "proxy",
              class: "dataPlane" as const,
              cpuCores: 0.05 + rate / 1000,
              memoryBytes: 40 * MIB,
            },
          ]),
    ]),
  }),
});

const at = (...rates: number[]) =>
  summarize(
    rates.flatMap((r) => [
      run("bare", r, 1),
      run("bare", r, 2),
      run("istio", r, 1),
      run("istio", r, 2),
    ]),
  );

describe("CPU per 1,000 rps", () => {
  it("is the slope over the rates measured, for CPU only", () => {
    const scenarios = at(100, 200);
    const slopes = cpuSlopes(scenarios[0]!, scenarios);
    expect(slopes.map((s) => [s.label, s.kind])).toEqual([
      ["istio", "dataPlane"],
      ["istio", "application"],
      ["istio", "maxProxy"],
    ]);
    expect(slopes[0]!.coresPer1000Rps).toBeCloseTo(1, 9);
    expect(slopes[0]!.rates).toEqual([100, 200]);
    expect(slopes[1]!.coresPer1000Rps).toBeCloseTo(0, 9);
    const md = renderMarkdown(
      buildReport({ scenarios, problems: [], overTime: new Map(), comparison: null }),
      null,
    );
    expect(md).toContain("CPU added per 1,000 rps, the slope (least squares) over the rates");
    expect(md).toContain("- istio, data plane: +1.00 cores");
  });

  it("is not given from a single rate", () => {
    const scenarios = at(100);
    expect(cpuSlopes(scenarios[0]!, scenarios)).toEqual([]);
    const md = renderMarkdown(
      buildReport({ scenarios, problems: [], overTime: new Map(), comparison: null }),
      null,
    );
    expect(md).not.toContain("per 1,000 rps, the slope");
  });
});
