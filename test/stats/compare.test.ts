import { describe, expect, it } from "vitest";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE, parseInlineGate } from "../../src/stats/thresholds.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

type Mesh = { name: string; version?: string };
const runs = (mesh: Mesh, lows: number[], rate = 1000) =>
  lows.map((lo, i) => ({
    path: `${mesh.name}/${mesh.version}/r${i + 1}/run.json`,
    run: runResult({
      mesh,
      repetition: i + 1,
      rate,
      load: loadResult({ histogram: uniformHistogram(lo, lo + 1000) }),
    }),
  }));

describe("comparing a candidate with a baseline", () => {
  const baseline = summarize([
    ...runs({ name: "istio", version: "1.24.0" }, [1000, 1010]),
    ...runs({ name: "linkerd", version: "2.16" }, [800, 810]),
    ...runs({ name: "cilium" }, [700, 700]),
  ]);
  const candidate = summarize([
    // Every latency 500 µs later, ranges apart: p50 1500 → 2000 µs (+33 %), max
    // 2005 → 2505 µs (+24.9 %).
    ...runs({ name: "istio", version: "1.25.0" }, [1500, 1510]),
    ...runs({ name: "linkerd", version: "2.16" }, [800, 810]),
    ...runs({ name: "kuma" }, [900, 900]),
  ]);
  const c = compareResults(baseline, candidate, { gate: DEFAULT_GATE });

  it("pairs the same mesh across versions and lists regressions first", () => {
    expect(c.meshes.map((m) => `${m.label} vs ${m.baselineLabel}`)).toEqual([
      "istio 1.25.0 vs istio 1.24.0",
      "linkerd 2.16 vs linkerd 2.16",
    ]);
    const regressed = regressions(c).map((r) => r.metric.metric);
    expect(regressed).toContain("latency.p50");
    expect(regressed).toContain("latency.p99");
    // The max has a wider default threshold (25 %) than the body of the distribution.
    const max = c.meshes[0]!.metrics.find((m) => m.metric === "latency.p100")!;
    expect(max.verdict).toBe("unchanged");
    expect(max.reason).toBe("within the 25 % threshold");
    expect(c.meshes[1]!.metrics.every((m) => m.verdict === "unchanged")).toBe(true);
  });

  it("names what is on one side only", () => {
    expect(c.unmatched).toEqual([
      "smoke: kuma: not in the baseline",
      "smoke: cilium: in the baseline only",
    ]);
  });

  it("applies per-metric thresholds", () => {
    const lax = compareResults(baseline, candidate, { gate: parseInlineGate("latency.*=80%") });
    expect(regressions(lax)).toEqual([]);
  });

  it("refuses results that are not comparable unless forced, listing the differences", () => {
    const other = summarize(runs({ name: "istio", version: "1.25.0" }, [1500, 1510], 2000));
    const refused = compareResults(baseline, other, { gate: DEFAULT_GATE });
    expect(refused.meshes).toEqual([]);
    expect(refused.refused).toEqual([
      {
        scenario: "smoke",
        label: "istio 1.25.0",
        baselineLabel: "istio 1.24.0",
        differences: ["rate (rps): 1000 ≠ 2000"],
      },
    ]);
    const forced = compareResults(baseline, other, { gate: DEFAULT_GATE, force: true });
    expect(forced.meshes[0]!.forcedDifferences).toEqual(["rate (rps): 1000 ≠ 2000"]);
  });

  it("refuses a mesh whose runs differ among themselves, on either side, unless forced", () => {
    // Run 2 of the candidate's istio ran at 2000 rps, run 1 at 1000 like the baseline.
    const mixed = summarize([
      ...runs({ name: "istio", version: "1.25.0" }, [1500]),
      ...runs({ name: "istio", version: "1.25.0" }, [1500, 1510], 2000).slice(1),
    ]);
    expect(mixed[0]!.meshes[0]!.fingerprintConflicts).toEqual([
      "repetition 2: rate (rps): 1000 ≠ 2000",
    ]);
    const refused = compareResults(baseline, mixed, { gate: DEFAULT_GATE });
    expect(refused.meshes).toEqual([]);
    expect(refused.refused[0]!.differences).toEqual([
      "candidate runs differ, repetition 2: rate (rps): 1000 ≠ 2000",
    ]);
    const asBaseline = compareResults(mixed, summarize(runs({ name: "istio" }, [1500, 1500])), {
      gate: DEFAULT_GATE,
    });
    expect(asBaseline.refused[0]!.differences).toEqual([
      "baseline runs differ, repetition 2: rate (rps): 1000 ≠ 2000",
    ]);
    const forced = compareResults(baseline, mixed, { gate: DEFAULT_GATE, force: true });
    expect(forced.meshes[0]!.forcedDifferences).toEqual([
      "candidate runs differ, repetition 2: rate (rps): 1000 ≠ 2000",
    ]);
  });
});
