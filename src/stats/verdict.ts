// The verdict on one metric, baseline against candidate: a change counts
// only when it exceeds its threshold (or the calibrated noise floor, if larger) AND the
// noise. The noise test is Student's t on the per-run values (difference of the means,
// pooled variance over both sides, never below the sampling variance each run's own
// requests imply), corrected by Holm across every metric of every mesh the comparison
// gates (compare.ts), so that one comparison of unchanged setups calls anything a change
// at most `alpha` of the time. Beyond the threshold but not beyond the noise: inconclusive.
// Pure.
import { median } from "./describe.ts";
import type { MetricDef, Threshold } from "./metrics.ts";
import { tCritical, tTwoSidedP } from "./student-t.ts";

export type Verdict = "regressed" | "improved" | "unchanged" | "inconclusive" | "not gated";

export const DEFAULT_ALPHA = 0.05;
/** The power at which the minimal detectable change is stated. */
export const POWER = 0.8;

/** One side's per-run values, and the sampling variance its runs' requests imply. */
export interface Sample {
  values: readonly number[];
  /** Mean over runs of the per-run value's sampling variance (summarize.ts). */
  withinVariance?: number;
}

export interface TTest {
  /** Difference of the means, candidate − baseline. */
  difference: number;
  /** Standard error of that difference. */
  se: number;
  df: number;
  /** Two-sided p. */
  p: number;
}

/** The noise test of one gated metric, after Holm across the comparison's family. */
export interface NoiseTest extends TTest {
  test: "t";
  /** The level Holm held this p against, and how many metrics the family had. */
  level: number;
  family: number;
  beyondNoise: boolean;
  /**
   * The smallest change this gate catches with 80 % power at these run counts (at the
   * strictest Holm level, alpha ÷ family), never below the floor, in the metric's unit and
   * in % of the baseline.
   */
  mdc: number;
  mdcPct: number | null;
}

/** The floor a change must exceed: the threshold, or the calibrated noise where larger. */
export interface Floor {
  threshold: Threshold;
  /** Set when calibration raised the floor above the threshold. */
  calibrated?: { percent: number; measuredAt: string };
}

export interface Judgement {
  verdict: Verdict;
  baseline: number;
  candidate: number;
  /** candidate − baseline (medians), in the metric's unit. */
  change: number;
  /** The change in % of the baseline median; null when the baseline is 0. */
  changePct: number | null;
  exceedsThreshold: boolean;
  /**
   * `none`: a run check (failed runs, restarts), where any increase counts. `not gated`:
   * shown, never judged (the instrument's own figures, the maximum, a percentile with too
   * few requests beyond it).
   */
  noise: NoiseTest | { test: "none" } | { test: "not gated"; why: string };
  /** Why, in words: the threshold, the test and its outcome. */
  reason: string;
}

/**
 * Student's t on per-run values with the variance pooled over both sides; null when there
 * are not enough runs to estimate it (1 against 1).
 */
export function tTest(base: Sample, cand: Sample): TTest | null {
  const nb = base.values.length;
  const nc = cand.values.length;
  const df = nb + nc - 2;
  if (nb === 0 || nc === 0 || df < 1) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mb = mean(base.values);
  const mc = mean(cand.values);
  const ss = (xs: readonly number[], m: number) => xs.reduce((a, x) => a + (x - m) ** 2, 0);
  const pooled = (ss(base.values, mb) + ss(cand.values, mc)) / df;
  const within = Math.max(base.withinVariance ?? 0, cand.withinVariance ?? 0);
  // A metric whose runs carry their own sampling variance (percentiles, error rates) has
  // its precision from that; the grid stands in only where nothing else says it. Across
  // two sides of identical runs the grid's "step" is the change itself, which would hide
  // any change (41 ms against ≥ 5 s) as noise.
  const measured = base.withinVariance !== undefined || cand.withinVariance !== undefined;
  const grid = measured ? 0 : gridVariance([...base.values, ...cand.values]);
  const se = Math.sqrt(Math.max(pooled, within, grid) * (1 / nb + 1 / nc));
  const difference = mc - mb;
  if (se === 0) return { difference, se, df, p: difference === 0 ? 1 : 0 };
  return { difference, se, df, p: tTwoSidedP(difference / se, df) };
}

/**
 * Values on a grid (CPU from clock ticks, identical runs) can be no more precise than the
 * grid: the rounding variance of its step, the smallest gap between distinct values
 * (step² ÷ 12). Without it two pairs of equal values would differ "with certainty".
 */
function gridVariance(values: readonly number[]): number {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return Number.isFinite(step) ? step ** 2 / 12 : 0;
}

/**
 * Holm's step-down: the i-th smallest of m p-values is held against alpha ÷ (m − i), and
 * the first that fails stops it. Controls the family-wise error rate at alpha whatever
 * the dependence between the tests. Returns each p's level and whether it was rejected.
 */
export function holm(ps: readonly number[], alpha: number): { level: number; reject: boolean }[] {
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<{ level: number; reject: boolean }>(ps.length);
  let stopped = false;
  order.forEach(({ p, i }, rank) => {
    const level = alpha / (ps.length - rank);
    stopped ||= p >= level;
    out[i] = { level, reject: !stopped };
  });
  return out;
}

/** The smallest difference caught with 80 % power at level `level`, given its SE and df. */
export function minimalDetectable(se: number, df: number, level: number): number {
  return (tCritical(level, df) + tCritical(2 * (1 - POWER), df)) * se;
}

export function exceeds(threshold: Threshold, baseline: number, change: number): boolean {
  if (threshold.kind === "absolute") return Math.abs(change) > threshold.value;
  if (baseline === 0) return change !== 0;
  return (Math.abs(change) / Math.abs(baseline)) * 100 > threshold.percent;
}

export function describeThreshold(threshold: Threshold, metric: Pick<MetricDef, "unit">): string {
  if (threshold.kind === "relative") return `${threshold.percent} %`;
  return metric.unit === "fraction"
    ? `${Number((threshold.value * 100).toPrecision(6))} pp`
    : `${threshold.value}`;
}

const pct = (x: number): string => `${Number(x.toPrecision(2))} %`;

function describeFloor(floor: Floor, metric: Pick<MetricDef, "unit">): string {
  const c = floor.calibrated;
  return c
    ? `${pct(c.percent)} noise floor (calibrated ${c.measuredAt}; threshold ${describeThreshold(floor.threshold, metric)})`
    : `${describeThreshold(floor.threshold, metric)} threshold`;
}

/** The floor in the metric's unit, at this baseline. */
function floorIn(floor: Floor, baseline: number): number {
  const percent =
    floor.calibrated?.percent ??
    (floor.threshold.kind === "relative" ? floor.threshold.percent : null);
  return percent === null
    ? (floor.threshold as { value: number }).value
    : (percent / 100) * Math.abs(baseline);
}

/** The change as the floor sees it: a calibrated floor is relative, like most thresholds. */
function beyondFloor(floor: Floor, baseline: number, change: number): boolean {
  const c = floor.calibrated;
  if (c) return exceeds({ kind: "relative", percent: c.percent }, baseline, change);
  return exceeds(floor.threshold, baseline, change);
}

/** The verdict of a metric the gate does not judge: its change is shown, nothing more. */
export function notGated(base: Sample, cand: Sample, why: string): Judgement {
  const { baseline, candidate, change, changePct } = changeOf(base, cand);
  return {
    verdict: "not gated",
    baseline,
    candidate,
    change,
    changePct,
    exceedsThreshold: false,
    noise: { test: "not gated", why },
    reason: why,
  };
}

function changeOf(base: Sample, cand: Sample) {
  const baseline = median(base.values);
  const candidate = median(cand.values);
  const change = candidate - baseline;
  const changePct = baseline === 0 ? null : (change / Math.abs(baseline)) * 100;
  return { baseline, candidate, change, changePct };
}

/**
 * The verdict of a gated metric whose t-test (`test`) has been through Holm (`holm`
 * entry, and the family's size).
 */
export function judge(
  base: Sample,
  cand: Sample,
  metric: Pick<MetricDef, "better" | "unit">,
  floor: Floor,
  test: TTest,
  holmed: { level: number; reject: boolean },
  family: number,
  alpha: number,
): Judgement {
  const { baseline, candidate, change, changePct } = changeOf(base, cand);
  const over = beyondFloor(floor, baseline, change);
  // Nothing within the floor is ever called a change, so the gate sees no less than it.
  const mdc = Math.max(
    minimalDetectable(test.se, test.df, alpha / family),
    floorIn(floor, baseline),
  );
  const noise: NoiseTest = {
    test: "t",
    ...test,
    level: holmed.level,
    family,
    beyondNoise: holmed.reject,
    mdc,
    mdcPct: baseline === 0 ? null : (mdc / Math.abs(baseline)) * 100,
  };
  const limit = describeFloor(floor, metric);
  const sees =
    noise.mdcPct === null
      ? ""
      : `; at ${base.values.length} vs ${cand.values.length} runs this gate sees changes of ${pct(noise.mdcPct)} or more`;
  const pText = `t-test p = ${test.p.toPrecision(2)} ${holmed.reject ? "<" : "≥"} ${Number(holmed.level.toPrecision(2))} (Holm, ${family} metric${family === 1 ? "" : "s"})`;
  let verdict: Verdict;
  let reason: string;
  if (!over) {
    verdict = "unchanged";
    reason = `within the ${limit}${sees}`;
  } else if (!holmed.reject) {
    verdict = "inconclusive";
    reason = `beyond the ${limit}, but within noise: ${pText}${sees}`;
  } else {
    const worse = metric.better === "lower" ? change > 0 : change < 0;
    verdict = worse ? "regressed" : "improved";
    reason = `beyond the ${limit} and the noise: ${pText}${sees}`;
  }
  return { verdict, baseline, candidate, change, changePct, exceedsThreshold: over, noise, reason };
}
