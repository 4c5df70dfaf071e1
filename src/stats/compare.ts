// A candidate result set against a baseline set: meshes are paired by scenario,
// name and variant (so a version bump is what gets compared), each pair must have the same
// fingerprint, and each side's runs one fingerprint (or be forced), and every metric both
// sides have gets a verdict, as do the run checks (failed runs, restarts: run-checks.ts).
// Pure.
import { fingerprintDifferences } from "../results/fingerprint.ts";
import { meshLineage } from "../results/mesh.ts";
import type { MetricComparison } from "./metric-comparison.ts";
import { METRIC_IDS, type MetricId, metricDef, type Threshold } from "./metrics.ts";
import { floorFor } from "./noise-floor.ts";
import { countedFailures, runChecks } from "./run-checks.ts";
import type { MeshSummary, MetricSummary, ScenarioSummary } from "./summarize.ts";
import { type GateConfig, thresholdFor } from "./thresholds.ts";
import {
  type Floor,
  holm,
  type Judgement,
  judge,
  notGated,
  type Sample,
  type TTest,
  tTest,
  type Verdict,
} from "./verdict.ts";

export interface MeshComparison {
  scenario: string;
  /** The candidate's label (`istio 1.25.0`) and the baseline's it is compared with. */
  label: string;
  baselineLabel: string;
  /** Non-empty when the fingerprints differ and the comparison was forced. */
  forcedDifferences: string[];
  metrics: MetricComparison[];
  /**
   * Metrics measured on one side only (e.g. a control plane the baseline's mesh did not
   * have): no verdict is possible, and a reader must not take them for unchanged.
   */
  oneSided: OneSided[];
}

export interface OneSided {
  metric: MetricId;
  side: "baseline" | "candidate";
}

export interface RefusedPair {
  scenario: string;
  label: string;
  baselineLabel: string;
  differences: string[];
}

export interface Comparison {
  alpha: number;
  /** The calibration whose noise floor the gate used: when measured, from how many runs. */
  calibration: { measuredAt: string; runs: number; file?: string } | null;
  meshes: MeshComparison[];
  /** Pairs whose fingerprints differ (not compared unless forced). */
  refused: RefusedPair[];
  /** `scenario: mesh` present on one side only, or not pairable. */
  unmatched: string[];
}

export interface CompareOptions {
  gate: GateConfig;
  /** Compare even when fingerprints differ (the differences are still reported). */
  force?: boolean;
}

const VERDICT_ORDER: Record<Verdict, number> = {
  regressed: 0,
  inconclusive: 1,
  improved: 2,
  unchanged: 3,
  "not gated": 4,
};

/** A metric of a pair, before Holm: its samples, floor and t-test, or why it is not gated. */
interface Pending {
  metric: MetricId;
  threshold: Threshold;
  base: MetricSummary;
  cand: MetricSummary;
  floor: Floor;
  test: TTest | { notGated: string };
}

/** Requests a percentile needs beyond it in every run of both sides to be judged. */
export const MIN_BEYOND = 10;

/**
 * Why a metric is shown but not judged, or null when it is gated: the load generator's own
 * CPU and memory describe the instrument, not the system; the maximum is one request (it
 * is gated only when the thresholds name `latency.p100`); a percentile needs MIN_BEYOND
 * requests beyond it in every run on each side.
 */
export function whyNotGated(
  metric: MetricId,
  b: MetricSummary,
  c: MetricSummary,
  gate: GateConfig,
): string | null {
  if (metric.endsWith(".loadGenerator")) return "the load generator's own: shown, never gated";
  if (metric === "latency.p100" && gate.overrides["latency.p100"] === undefined) {
    return "the maximum is one request: not gated unless the thresholds name latency.p100";
  }
  if (metric === "latency.p100") return null;
  const beyond = Math.min(b.within?.beyond ?? Infinity, c.within?.beyond ?? Infinity);
  if (beyond < MIN_BEYOND) {
    return `too few requests to judge: ${Math.floor(beyond)} beyond it in a run, ${MIN_BEYOND} needed`;
  }
  return null;
}

function pendingMesh(base: MeshSummary, cand: MeshSummary, gate: GateConfig): Pending[] {
  const out: Pending[] = [];
  for (const metric of METRIC_IDS) {
    const b = base.metrics[metric];
    const c = cand.metrics[metric];
    if (!b || !c) continue;
    const threshold = thresholdFor(metric, gate);
    const floor = floorFor(metric, threshold, gate.calibration);
    const why = whyNotGated(metric, b, c, gate);
    const test = why === null ? tTest(sample(b), sample(c)) : null;
    out.push({
      metric,
      threshold,
      base: b,
      cand: c,
      floor,
      test: test ?? { notGated: why ?? "1 run against 1: the noise cannot be measured" }, // Only 1 run against 1: compareResults refuses such a pair before it gets here.
    });
  }
  return out;
}

const sample = (m: MetricSummary): Sample => ({
  values: m.values,
  ...(m.within ? { withinVariance: m.within.variance } : {}),
});

/**
 * Verdicts for every metric of every pair, with Holm across all gated metrics of all
 * pairs: one family, so that the comparison as a whole keeps its false-alarm rate.
 */
function judgeAll(pairs: readonly Pending[][], alpha: number): MetricComparison[][] {
  const gated = pairs.flat().filter((x): x is Pending & { test: TTest } => "p" in x.test);
  const levels = holm(
    gated.map((x) => x.test.p),
    alpha,
  );
  const holmed = new Map<Pending, { level: number; reject: boolean }>(
    gated.map((x, i) => [x, levels[i]!]),
  );
  return pairs.map((pair) =>
    pair.map((x) => {
      const judgement =
        "p" in x.test
          ? judge(
              sample(x.base),
              sample(x.cand),
              metricDef(x.metric),
              x.floor,
              x.test,
              holmed.get(x)!,
              gated.length,
              alpha,
            )
          : notGated(sample(x.base), sample(x.cand), x.test.notGated);
      return {
        metric: x.metric,
        threshold: x.threshold,
        base: x.base,
        cand: x.cand,
        ...withLowerBounds(judgement, x.base, x.cand),
      };
    }),
  );
}

/** One pair alone (its own Holm family): what the overhead table and calibration use. */
export function compareMesh(
  base: MeshSummary,
  cand: MeshSummary,
  gate: GateConfig,
): MetricComparison[] {
  return judgeAll([pendingMesh(base, cand, gate)], gate.alpha)[0]!;
}

/**
 * Lower bounds (latency percentiles reaching timed-out requests) only understate a side,
 * and higher latency is worse: a candidate whose lower bound is already worse is regressed
 * (≥ 5 s against 40 ms), but cannot be called improved or unchanged; a baseline's lower
 * bound leaves a candidate's improvement standing and nothing else.
 */
export function withLowerBounds(j: Judgement, base: MetricSummary, cand: MetricSummary): Judgement {
  const candDoubt = cand.lowerBound && (j.verdict === "improved" || j.verdict === "unchanged");
  const baseDoubt = base.lowerBound && (j.verdict === "regressed" || j.verdict === "unchanged");
  if (!candDoubt && !baseDoubt) return j;
  const side = candDoubt ? "the candidate's" : "the baseline's";
  return {
    ...j,
    verdict: "inconclusive",
    reason: `${j.reason}; ${side} values are lower bounds (requests timed out), so it cannot be called ${j.verdict}`,
  };
}

export function oneSidedMetrics(base: MeshSummary, cand: MeshSummary): OneSided[] {
  const out: OneSided[] = [];
  for (const metric of METRIC_IDS) {
    const b = base.metrics[metric] !== undefined;
    const c = cand.metrics[metric] !== undefined;
    if (b !== c) out.push({ metric, side: b ? "baseline" : "candidate" });
  }
  return out;
}

function pairFor(cand: MeshSummary, baseline: MeshSummary[]): MeshSummary | string {
  const same = baseline.filter((b) => meshLineage(b.mesh) === meshLineage(cand.mesh));
  if (same.length === 1) return same[0]!;
  if (same.length === 0) return `${cand.scenario}: ${cand.label}: not in the baseline`;
  const exact = same.filter((b) => b.label === cand.label);
  if (exact.length === 1) return exact[0]!;
  return `${cand.scenario}: ${cand.label}: the baseline has several versions of ${meshLineage(cand.mesh)} (${same.map((b) => b.label).join(", ")}); compare them one at a time`;
}

export function compareResults(
  baseline: readonly ScenarioSummary[],
  candidate: readonly ScenarioSummary[],
  options: CompareOptions,
): Comparison {
  const cal = options.gate.calibration;
  const result: Comparison = {
    alpha: options.gate.alpha,
    calibration: cal
      ? {
          measuredAt: cal.measuredAt,
          runs: cal.runs,
          ...(options.gate.calibrationFile ? { file: options.gate.calibrationFile } : {}),
        }
      : null,
    meshes: [],
    refused: [],
    unmatched: [],
  };
  const paired = new Set<MeshSummary>();
  const pending: {
    base: MeshSummary;
    cand: MeshSummary;
    differences: string[];
    metrics: Pending[];
  }[] = [];
  for (const scenario of candidate) {
    const baseMeshes =
      baseline
        .find((s) => s.scenario === scenario.scenario)
        ?.meshes.filter((m) => m.runs.length > 0) ?? [];
    for (const cand of scenario.meshes) {
      const base = pairFor(cand, baseMeshes);
      // A candidate whose runs all failed is compared (on runs.failed) when its baseline
      // completed; one only skipped, or absent from the baseline, has nothing to compare.
      const judged = !options.gate.off?.includes("runs.failed") && countedFailures(cand).length > 0;
      if (cand.runs.length === 0 && (typeof base === "string" || !judged)) {
        result.unmatched.push(`${cand.scenario}: ${cand.label}: no completed run in the candidate`);
        continue;
      }
      if (typeof base === "string") {
        result.unmatched.push(base);
        continue;
      }
      paired.add(base);
      // A side whose runs differ among themselves has no one fingerprint: its medians mix
      // settings, so it is refused like a pair that differs.
      const differences = [
        ...fingerprintDifferences(base.fingerprint, cand.fingerprint),
        ...base.fingerprintConflicts.map((c) => `baseline runs differ, ${c}`),
        ...cand.fingerprintConflicts.map((c) => `candidate runs differ, ${c}`),
      ];
      if (differences.length > 0 && !options.force) {
        result.refused.push({
          scenario: cand.scenario,
          label: cand.label,
          baselineLabel: base.label,
          differences,
        });
        continue;
      }
      if (base.runs.length === 1 && cand.runs.length === 1) {
        result.refused.push({
          scenario: cand.scenario,
          label: cand.label,
          baselineLabel: base.label,
          differences: [
            "1 completed run against 1: the gate cannot measure the noise and so cannot hold its false-alarm rate; use 2 or more runs a side (repetitions), better the count calibration recommends",
          ],
        });
        continue;
      }
      pending.push({ base, cand, differences, metrics: pendingMesh(base, cand, options.gate) });
    }
  }
  const verdicts = judgeAll(
    pending.map((p) => p.metrics),
    options.gate.alpha,
  );
  pending.forEach(({ base, cand, differences }, i) => {
    // Run checks first, so that among equal verdicts a failed run leads (the sort is stable).
    const metrics = [...runChecks(base, cand, options.gate), ...verdicts[i]!].sort(
      (x, y) => VERDICT_ORDER[x.verdict] - VERDICT_ORDER[y.verdict],
    );
    result.meshes.push({
      scenario: cand.scenario,
      label: cand.label,
      baselineLabel: base.label,
      forcedDifferences: differences,
      metrics,
      // With no completed run every metric would be "baseline only": runs.failed says why.
      oneSided: cand.runs.length > 0 ? oneSidedMetrics(base, cand) : [],
    });
  });
  for (const scenario of baseline) {
    for (const base of scenario.meshes) {
      if (!paired.has(base) && base.runs.length > 0) {
        result.unmatched.push(`${base.scenario}: ${base.label}: in the baseline only`);
      }
    }
  }
  // Meshes with regressions first, then inconclusive ones, as a reader wants them.
  const worst = (m: MeshComparison) =>
    Math.min(...m.metrics.map((x) => VERDICT_ORDER[x.verdict]), VERDICT_ORDER.unchanged);
  result.meshes.sort((a, b) => worst(a) - worst(b));
  return result;
}

export function regressions(
  comparison: Comparison,
): { mesh: MeshComparison; metric: MetricComparison }[] {
  return comparison.meshes.flatMap((mesh) =>
    mesh.metrics.filter((m) => m.verdict === "regressed").map((metric) => ({ mesh, metric })),
  );
}
