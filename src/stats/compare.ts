// A candidate result set against a baseline set (issue #3): meshes are paired by scenario,
// name and variant (so a version bump is what gets compared), each pair must have the same
// fingerprint, and each side's runs one fingerprint (or be forced), and every metric both
// sides have gets a verdict, as do the run checks (failed runs, restarts: run-checks.ts).
// Pure.
import { fingerprintDifferences } from "../results/fingerprint.ts";
import { meshLineage } from "../results/mesh.ts";
import { METRIC_IDS, type MetricId, metricDef, type Threshold } from "./metrics.ts";
import { countedFailures, runChecks } from "./run-checks.ts";
import type { MeshSummary, MetricSummary, ScenarioSummary } from "./summarize.ts";
import { type GateConfig, thresholdFor } from "./thresholds.ts";
import { type Judgement, judge, type Verdict } from "./verdict.ts";

export interface MetricComparison extends Judgement {
  metric: MetricId;
  threshold: Threshold;
  base: MetricSummary;
  cand: MetricSummary;
}

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
};

export function compareMesh(
  base: MeshSummary,
  cand: MeshSummary,
  gate: GateConfig,
): MetricComparison[] {
  const out: MetricComparison[] = [];
  for (const metric of METRIC_IDS) {
    const b = base.metrics[metric];
    const c = cand.metrics[metric];
    if (!b || !c) continue;
    const threshold = thresholdFor(metric, gate);
    const judgement = judge(b.values, c.values, metricDef(metric), threshold, gate.alpha);
    out.push({ metric, threshold, base: b, cand: c, ...withLowerBounds(judgement, b, c) });
  }
  return out;
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
  const result: Comparison = { alpha: options.gate.alpha, meshes: [], refused: [], unmatched: [] };
  const paired = new Set<MeshSummary>();
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
      // Run checks first, so that among equal verdicts a failed run leads (the sort is stable).
      const metrics = [
        ...runChecks(base, cand, options.gate),
        ...compareMesh(base, cand, options.gate),
      ].sort((x, y) => VERDICT_ORDER[x.verdict] - VERDICT_ORDER[y.verdict]);
      result.meshes.push({
        scenario: cand.scenario,
        label: cand.label,
        baselineLabel: base.label,
        forcedDifferences: differences,
        metrics,
        // With no completed run every metric would be "baseline only": runs.failed says why.
        oneSided: cand.runs.length > 0 ? oneSidedMetrics(base, cand) : [],
      });
    }
  }
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
