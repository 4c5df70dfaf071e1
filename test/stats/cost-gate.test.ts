// The gate on the cost in money (cost.usdPerMillion): per-run values worked by hand, and its
// error rates on simulated runs: unchanged setups are not flagged more often than alpha,
// a sidecar that costs 30 % more is.
import { describe, expect, it } from "vitest";
import type { Mesh } from "../../src/results/run-schema.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { DEFAULT_PRICES, withCostMetric } from "../../src/stats/cost.ts";
import { seededRandom } from "../../src/stats/seeded-random.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE, parseInlineGate } from "../../src/stats/thresholds.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  uniformHistogram,
} from "../helpers/runs.ts";

// 1,000 requests over the 54 s measured: 66,666.7 requests an hour, 1/15 of a million.
const load = loadResult({ histogram: uniformHistogram(40_000, 40_999) });
const ISTIO: Mesh = { name: "istio", version: "1.25.0" };

/** Runs of bare and of istio; `proxyCpu(i)` scales istio's data-plane CPU in run i. */
function runs(count: number, proxyCpu: (i: number) => number, mesh = ISTIO) {
  return Array.from({ length: count }, (_, i) => [
    { mesh: { name: "bare" }, containers: meshContainers(1, false) },
    {
      mesh,
      containers: meshContainers(1).map((c) =>
        c.class === "dataPlane" ? { ...c, cpuCores: c.cpuCores * proxyCpu(i) } : c,
      ),
    },
  ]).flatMap((pair, i) =>
    pair.map(({ mesh, containers }) => ({
      path: `${mesh.name}/r${i + 1}/run.json`,
      run: runResult({
        mesh,
        repetition: i + 1,
        load,
        resources: constantResources(containers),
      }),
    })),
  );
}

const costOf = (inputs: ReturnType<typeof runs>) => {
  const [scenario] = withCostMetric(summarize(inputs), DEFAULT_PRICES);
  return scenario!.meshes.find((m) => m.mesh.name === "istio")!.metrics["cost.usdPerMillion"];
};

describe("cost.usdPerMillion per run", () => {
  it("prices what each run adds over bare's median, over the requests it served", () => {
    // istio adds 0.05 + 0.3 + 0.1 = 0.45 cores and 80 + 50 + 40 = 170 MiB over bare, which
    // has no proxy nor control plane: 0.45 × 0.031611 + 170/1024 × 0.004237 = $0.0149284
    // an hour, × 15 per million requests = $0.223925.
    const cost = costOf(runs(2, () => 1))!;
    expect(cost.values).toHaveLength(2);
    for (const v of cost.values) expect(v).toBeCloseTo(0.223925, 5);
    // A run whose proxies burn twice the CPU: +0.4 cores, +$0.0126444 an hour, +$0.189666.
    const doubled = costOf(runs(2, (i) => (i === 1 ? 2 : 1)))!;
    expect(doubled.values[1]! - doubled.values[0]!).toBeCloseTo(0.189666, 5);
  });

  it("is absent for bare, and where bare did not complete", () => {
    const [scenario] = withCostMetric(summarize(runs(2, () => 1)), DEFAULT_PRICES);
    const bare = scenario!.meshes.find((m) => m.mesh.name === "bare")!;
    expect(bare.metrics["cost.usdPerMillion"]).toBeUndefined();
    const noBare = runs(2, () => 1).filter((r) => r.run.mesh.name !== "bare");
    expect(costOf(noBare)).toBeUndefined();
  });

  it("takes a threshold like any metric, alone or as cost.*", () => {
    expect(parseInlineGate("cost.usdPerMillion=5%").overrides["cost.usdPerMillion"]).toEqual({
      kind: "relative",
      percent: 5,
    });
    expect(parseInlineGate("cost.*=20%").overrides["cost.*"]).toBeDefined();
  });
});

describe("the gate on cost (simulated runs: proxies' CPU varies 5 % run to run)", () => {
  // Each trial: 3 runs a side of bare and istio, baseline against candidate, judged by the
  // whole gate (every metric, Holm across them). The cost verdict is what is counted.
  const trial = (random: () => number, candidateScale: number, count = 3) => {
    const noise = () => {
      // Normal via Box–Muller, 5 % standard deviation.
      const z = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
      return 1 + 0.05 * z;
    };
    const base = withCostMetric(summarize(runs(count, noise)), DEFAULT_PRICES);
    const cand = withCostMetric(
      summarize(runs(count, () => candidateScale * noise(), { ...ISTIO, version: "1.26.0" })),
      DEFAULT_PRICES,
    );
    const comparison = compareResults(base, cand, { gate: DEFAULT_GATE });
    const istio = comparison.meshes.find((m) => m.label.startsWith("istio"))!;
    return istio.metrics.find((m) => m.metric === "cost.usdPerMillion")!.verdict;
  };

  it("flags unchanged setups at most alpha (5 %) of the time", () => {
    // 200 trials: a true 5 % exceeds 10 % with probability < 0.2 %.
    const random = seededRandom(19);
    const verdicts = Array.from({ length: 200 }, () => trial(random, 1));
    const flagged = verdicts.filter((v) => v === "regressed" || v === "improved").length;
    expect(flagged / 200).toBeLessThanOrEqual(0.1);
  });

  it("flags proxies costing 30 % more CPU (+25 % in dollars) as regressed, at 5 runs a side", () => {
    // +0.12 cores × 0.031611 × 15 = +$0.0569 per million on $0.2239: +25 %, beyond the
    // 10 % threshold by far more than the noise (5 % of 0.4 cores ≈ 2 % of the cost). At
    // 3 runs a side, Holm's strictest level over every gated metric leaves about 2 in 3.
    const random = seededRandom(20);
    const verdicts = Array.from({ length: 50 }, () => trial(random, 1.3, 5));
    const caught = verdicts.filter((v) => v === "regressed").length;
    expect(caught / 50).toBeGreaterThanOrEqual(0.9);
  });
});
