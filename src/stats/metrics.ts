// The metrics a report shows and a comparison judges, with their units, which direction
// is better, and default thresholds. Metric ids are what users write in thresholds
// (`latency.p99: 10%`, `memory.dataPlane: 15%`, `cost.usdPerMillion: 10%`).
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import { RESOURCE_CLASSES, type ResourceClass } from "../results/run-schema.ts";

export type LatencyMetric = `latency.${PercentileKey}`;
export type ResourceKind = ResourceClass | "maxProxy";
export type ResourceMetric = `cpu.${ResourceKind}` | `memory.${ResourceKind}`;
/**
 * Checks on the runs themselves rather than on their measurements: the share of runs that
 * failed and the restarts per completed run. Judged beside the metrics (compare.ts).
 */
export type RunCheckId = "runs.failed" | "events.restarts";
export type MetricId =
  | LatencyMetric
  | "rate.achieved"
  | "errors.rate"
  | ResourceMetric
  | CostMetric
  | RunCheckId;
/** A mesh's cost over bare in dollars per million requests (cost.ts), per run. */
export type CostMetric = "cost.usdPerMillion";

/** `count`: events per completed run; `usd`: US dollars. */
export type Unit = "ms" | "rps" | "fraction" | "cores" | "bytes" | "count" | "usd";

/** A change counts only beyond its threshold: relative (% of the baseline) or absolute. */
export type Threshold =
  | { kind: "relative"; percent: number }
  /** In the metric's unit; for `errors.rate` a fraction (0.001 = 0.1 percentage points). */
  | { kind: "absolute"; value: number };

export interface MetricDef {
  id: MetricId;
  /** Short column label. */
  label: string;
  unit: Unit;
  better: "lower" | "higher";
  threshold: Threshold;
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [...RESOURCE_CLASSES, "maxProxy"];

export const RESOURCE_LABELS: Record<ResourceKind, string> = {
  controlPlane: "control plane",
  dataPlane: "data plane",
  maxProxy: "max proxy",
  application: "application",
  loadGenerator: "load generator",
};

/** Tails are noisier than the body, so their default thresholds are wider. */
const LATENCY_THRESHOLD: Record<PercentileKey, number> = {
  p50: 10,
  p75: 10,
  p90: 10,
  p99: 10,
  "p99.9": 15,
  "p99.99": 25,
  "p99.999": 25,
  p100: 25,
};

export const percentileLabel = (k: PercentileKey): string => (k === "p100" ? "max" : k);

/**
 * Whether percentile `percent` of `count` values is the maximum: fewer than one value lies
 * beyond it (count · (1 − q) < 1), so it says nothing the max does not. With
 * 600 values p99.9, p99.99 and p99.999 are all the max.
 */
export const isMaxAt = (percent: number, count: number): boolean => count * (1 - percent / 100) < 1;

/** The percentile of a key: `p99.9` → 99.9. */
export const percentOf = (k: PercentileKey): number => Number(k.slice(1));

export const METRICS: readonly MetricDef[] = [
  ...PERCENTILE_KEYS.map(
    (k): MetricDef => ({
      id: `latency.${k}`,
      label: percentileLabel(k),
      unit: "ms",
      better: "lower",
      threshold: { kind: "relative", percent: LATENCY_THRESHOLD[k] },
    }),
  ),
  {
    id: "rate.achieved",
    label: "achieved rate",
    unit: "rps",
    better: "higher",
    threshold: { kind: "relative", percent: 2 },
  },
  {
    id: "errors.rate",
    label: "error rate",
    unit: "fraction",
    better: "lower",
    threshold: { kind: "absolute", value: 0.001 },
  },
  ...RESOURCE_KINDS.flatMap((k): MetricDef[] => [
    {
      id: `cpu.${k}`,
      label: `${RESOURCE_LABELS[k]} CPU`,
      unit: "cores",
      better: "lower",
      threshold: { kind: "relative", percent: 15 },
    },
    {
      id: `memory.${k}`,
      label: `${RESOURCE_LABELS[k]} memory`,
      unit: "bytes",
      better: "lower",
      threshold: { kind: "relative", percent: 10 },
    },
  ]),
  {
    id: "cost.usdPerMillion",
    label: "$ per million requests",
    unit: "usd",
    better: "lower",
    threshold: { kind: "relative", percent: 10 },
  },
];

/**
 * A failed run or a restart is never noise: any increase counts, so their threshold is an
 * absolute 0 and users can only turn them off (`runs.failed: off`), not widen them.
 */
export const RUN_CHECKS: readonly MetricDef[] = [
  {
    id: "runs.failed",
    label: "failed runs",
    unit: "fraction",
    better: "lower",
    threshold: { kind: "absolute", value: 0 },
  },
  {
    id: "events.restarts",
    label: "restarts",
    unit: "count",
    better: "lower",
    threshold: { kind: "absolute", value: 0 },
  },
];

/** The measured metrics (not the run checks): what summaries carry per mesh. */
export const METRIC_IDS: readonly MetricId[] = METRICS.map((m) => m.id);
export const RUN_CHECK_IDS: readonly RunCheckId[] = RUN_CHECKS.map((m) => m.id as RunCheckId);
const BY_ID = new Map([...METRICS, ...RUN_CHECKS].map((m) => [m.id, m]));

export function metricDef(id: MetricId): MetricDef {
  return BY_ID.get(id)!;
}

/** A measured metric's id (run checks are not: they take no threshold). */
export function isMetricId(id: string): id is MetricId {
  return (METRIC_IDS as readonly string[]).includes(id);
}

export function isRunCheck(id: string): id is RunCheckId {
  return (RUN_CHECK_IDS as readonly string[]).includes(id);
}

/** The groups a threshold can name with a wildcard, e.g. `latency.*`. */
export const METRIC_GROUPS = ["latency", "rate", "errors", "cpu", "memory", "cost"] as const;
export const metricGroup = (id: MetricId): string => id.slice(0, id.indexOf("."));
