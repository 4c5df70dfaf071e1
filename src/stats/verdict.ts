// The verdict on one metric, baseline against candidate (issue #3): a change counts only
// when it exceeds its threshold AND the noise. With fewer than 3 runs on either side the
// [min, max] ranges must not overlap; with 3 or more a side, a two-sided Mann–Whitney U
// test at level alpha. Beyond the threshold but not beyond the noise: inconclusive.
import { median } from "./describe.ts";
import { mannWhitney, smallestP } from "./mann-whitney.ts";
import type { MetricDef, Threshold } from "./metrics.ts";

export type Verdict = "regressed" | "improved" | "unchanged" | "inconclusive";

/** Below this many runs on either side, noise is judged by the ranges. */
export const MIN_RUNS_FOR_TEST = 3;
export const DEFAULT_ALPHA = 0.05;

export interface Judgement {
  verdict: Verdict;
  baseline: number;
  candidate: number;
  /** candidate − baseline (medians), in the metric's unit. */
  change: number;
  /** The change in % of the baseline median; null when the baseline is 0. */
  changePct: number | null;
  exceedsThreshold: boolean;
  /** `none`: a run check (failed runs, restarts), where any increase counts. */
  noise:
    | { test: "ranges"; overlap: boolean }
    | { test: "mann-whitney"; p: number }
    | { test: "none" };
  /** Why, in words: the threshold, the test and its outcome. */
  reason: string;
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

export function judge(
  base: readonly number[],
  cand: readonly number[],
  metric: Pick<MetricDef, "better" | "unit">,
  threshold: Threshold,
  alpha = DEFAULT_ALPHA,
): Judgement {
  const baseline = median(base);
  const candidate = median(cand);
  const change = candidate - baseline;
  const changePct = baseline === 0 ? null : (change / Math.abs(baseline)) * 100;
  const over = exceeds(threshold, baseline, change);
  const limit = describeThreshold(threshold, metric);

  let noise: Judgement["noise"];
  let beyondNoise: boolean;
  let noiseText: string;
  if (base.length < MIN_RUNS_FOR_TEST || cand.length < MIN_RUNS_FOR_TEST) {
    const overlap =
      Math.max(...base) >= Math.min(...cand) && Math.max(...cand) >= Math.min(...base);
    noise = { test: "ranges", overlap };
    beyondNoise = !overlap;
    noiseText = overlap
      ? `ranges overlap (fewer than ${MIN_RUNS_FOR_TEST} runs a side)`
      : "ranges do not overlap";
  } else {
    const { p } = mannWhitney(base, cand);
    noise = { test: "mann-whitney", p };
    beyondNoise = p < alpha;
    const floor = smallestP(base.length, cand.length);
    noiseText = beyondNoise
      ? `Mann–Whitney p = ${p.toPrecision(2)} < ${alpha}`
      : `Mann–Whitney p = ${p.toPrecision(2)} ≥ ${alpha}` +
        (floor >= alpha
          ? ` (with ${base.length} and ${cand.length} runs p cannot be below ${floor.toPrecision(2)}; add runs or raise alpha)`
          : "");
  }

  let verdict: Verdict;
  let reason: string;
  if (!over) {
    verdict = "unchanged";
    reason = `within the ${limit} threshold`;
  } else if (!beyondNoise) {
    verdict = "inconclusive";
    reason = `beyond the ${limit} threshold, but ${noiseText}`;
  } else {
    const worse = metric.better === "lower" ? change > 0 : change < 0;
    verdict = worse ? "regressed" : "improved";
    reason = `beyond the ${limit} threshold and ${noiseText}`;
  }
  return { verdict, baseline, candidate, change, changePct, exceedsThreshold: over, noise, reason };
}
