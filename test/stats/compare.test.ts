import { describe, expect, it } from "vitest";
import { formatDescribed } from "../../src/report/format.ts";
import { compareResults, regressions, whyNotGated } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE, parseInlineGate } from "../../src/stats/thresholds.ts";
import {
  censoredLoad,
  loadResult,
  plainLoad,
  runResult,
  twoRunsOf,
  uniformHistogram,
} from "../helpers/runs.ts";

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
    // The max is one request: shown, never gated by default (issue #20).
    const max = c.meshes[0]!.metrics.find((m) => m.metric === "latency.p100")!;
    expect(max.verdict).toBe("not gated");
    expect(max.reason).toMatch(/^the maximum is one request/);
    expect(
      c.meshes[1]!.metrics.every((m) => m.verdict === "unchanged" || m.verdict === "not gated"),
    ).toBe(true);
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

describe("what the gate judges (issue #20)", () => {
  const summary = (beyond?: number) => ({
    n: 2,
    median: 1,
    min: 1,
    max: 1,
    values: [1, 1],
    ...(beyond !== undefined ? { within: { variance: 0, beyond } } : {}),
  });

  it("shows but never gates the instrument's own figures, nor by default the maximum", () => {
    expect(whyNotGated("cpu.loadGenerator", summary(), summary(), DEFAULT_GATE)).toMatch(
      /load generator's own/,
    );
    expect(whyNotGated("memory.loadGenerator", summary(), summary(), DEFAULT_GATE)).toMatch(
      /load generator's own/,
    );
    expect(whyNotGated("latency.p100", summary(0), summary(0), DEFAULT_GATE)).toMatch(
      /maximum is one request/,
    );
    const named = parseInlineGate("latency.p100=25%");
    expect(whyNotGated("latency.p100", summary(0), summary(0), named)).toBeNull();
  });

  it("judges a percentile only with 10 requests beyond it in every run on both sides", () => {
    expect(whyNotGated("latency.p99.9", summary(9.6), summary(40), DEFAULT_GATE)).toBe(
      "too few requests to judge: 9 beyond it in a run, 10 needed",
    );
    expect(whyNotGated("latency.p99", summary(10), summary(40), DEFAULT_GATE)).toBeNull();
  });

  it("marks p99.9 of 1,001 requests a run not gated, and p99 gated", () => {
    const base = summarize(runs({ name: "istio" }, [1000, 1010]));
    const cand = summarize(runs({ name: "istio" }, [1000, 1010]));
    const c = compareResults(base, cand, { gate: DEFAULT_GATE });
    const by = (id: string) => c.meshes[0]!.metrics.find((m) => m.metric === id)!;
    expect(by("latency.p99.9").verdict).toBe("not gated");
    expect(by("latency.p99.9").reason).toMatch(/^too few requests to judge: 1 beyond it/);
    expect(by("latency.p99").noise.test).toBe("t");
  });

  it("corrects across every gated metric of every mesh: one family", () => {
    const base = summarize([
      ...runs({ name: "istio" }, [1000, 1010]),
      ...runs({ name: "linkerd" }, [800, 805]),
    ]);
    const cand = summarize([
      ...runs({ name: "istio" }, [1005, 1008]),
      ...runs({ name: "linkerd" }, [801, 806]),
    ]);
    const c = compareResults(base, cand, { gate: DEFAULT_GATE });
    const gated = c.meshes.flatMap((m) => m.metrics).filter((m) => m.noise.test === "t");
    // p50 … p99 (4) + achieved rate + error rate per mesh.
    expect(gated).toHaveLength(12);
    for (const m of gated) expect(m.noise.test === "t" && m.noise.family).toBe(12);
  });

  it("refuses 1 run against 1, saying how to fix it", () => {
    const c = compareResults(
      summarize(runs({ name: "istio" }, [1000])),
      summarize(runs({ name: "istio" }, [1500])),
      { gate: DEFAULT_GATE },
    );
    expect(c.meshes).toEqual([]);
    expect(c.refused[0]!.differences[0]).toMatch(
      /^1 completed run against 1: the gate cannot measure the noise.*use 2 or more runs a side/,
    );
  });
});

describe("lower bounds: timed-out requests in the tail", () => {
  // Baseline: all 1,000 requests a run answered in 40–41 ms. Candidate: 30 of them timed
  // out at 5 s, recorded at 5 s: its p99 is ≥ 5 s (censoredLoad).
  const metric = (c: ReturnType<typeof compareResults>, id: string) =>
    c.meshes[0]!.metrics.find((m) => m.metric === id)!;

  it("marks p99 and above as lower bounds, p90 not; shows them as ≥", () => {
    const s = twoRunsOf("istio", censoredLoad)[0]!.meshes[0]!.metrics;
    expect(s["latency.p99"]!.lowerBound).toBe(true);
    expect(s["latency.p100"]!.lowerBound).toBe(true);
    expect(s["latency.p90"]!.lowerBound).toBeUndefined();
    expect(formatDescribed(s["latency.p99"]!, "ms")).toMatch(/^≥ 5,00\d$/); // HDR: 3 digits
    expect(formatDescribed(s["latency.p90"]!, "ms")).toBe("40.9");
  });

  it("a candidate whose p99 is ≥ 5 s against a baseline of 41 ms is regressed", () => {
    const c = compareResults(twoRunsOf("istio", plainLoad), twoRunsOf("istio", censoredLoad), {
      gate: DEFAULT_GATE,
    });
    expect(metric(c, "latency.p99").verdict).toBe("regressed");
    expect(metric(c, "latency.p50").verdict).toBe("unchanged");
  });

  it("a lower bound is never called improved or unchanged; below the baseline's bound is improved", () => {
    const reversed = compareResults(
      twoRunsOf("istio", censoredLoad),
      twoRunsOf("istio", plainLoad),
      {
        gate: DEFAULT_GATE,
      },
    );
    expect(metric(reversed, "latency.p99").verdict).toBe("improved");
    const same = compareResults(
      twoRunsOf("istio", censoredLoad),
      twoRunsOf("istio", censoredLoad),
      {
        gate: DEFAULT_GATE,
      },
    );
    const p99 = metric(same, "latency.p99");
    expect(p99.verdict).toBe("inconclusive");
    expect(p99.reason).toContain("lower bounds");
  });
});
