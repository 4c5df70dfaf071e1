// The figures the trend formats (Bencher, github-action-benchmark) carry per scenario and
// mesh, with their slugs and units: the median over the repetitions, with the lowest and
// highest run as its range. A figure the runs did not measure is left out, never 0. Pure.
import type { MetricId } from "../stats/metrics.ts";
import type { ExportMesh } from "./input.ts";

export interface Measure {
  /** Bencher's measure slug (kebab case, at most 64 characters). */
  slug: string;
  /** For github-action-benchmark's entry names. */
  label: string;
  metric: MetricId;
  /** The unit exported, and the factor from the summary's unit (ms, rps, cores, bytes, USD). */
  unit: string;
  scale: number;
  better: "lower" | "higher";
}

const NS_PER_MS = 1e6;

export const MEASURES: readonly Measure[] = [
  latency("p50", "latency.p50"),
  latency("p99", "latency.p99"),
  latency("p999", "latency.p99.9"),
  {
    slug: "throughput",
    label: "throughput",
    metric: "rate.achieved",
    unit: "rps",
    scale: 1,
    better: "higher",
  } satisfies Measure,
  resource("data-plane", "data plane (all proxies)", "dataPlane"),
  resource("control-plane", "control plane", "controlPlane"),
  {
    slug: "usd-per-million-requests",
    label: "cost over bare",
    metric: "cost.usdPerMillion",
    unit: "USD per million requests",
    scale: 1,
    better: "lower",
  } satisfies Measure,
].flat();

function latency(slug: string, metric: MetricId): Measure {
  return {
    slug: `${slug}-latency`,
    label: `${slug} latency`,
    metric,
    unit: "ns",
    scale: NS_PER_MS,
    better: "lower",
  };
}

function resource(slug: string, label: string, kind: "dataPlane" | "controlPlane"): Measure[] {
  const kinds = [
    ["cpu", "CPU", "cores"],
    ["memory", "memory", "bytes"],
  ] as const;
  return kinds.map(
    ([what, name, unit]): Measure => ({
      slug: `${slug}-${what}`,
      label: `${label} ${name}`,
      metric: `${what}.${kind}`,
      unit,
      scale: 1,
      better: "lower",
    }),
  );
}

export interface MeasuredValue {
  measure: Measure;
  value: number;
  lower: number;
  upper: number;
  /** Repetitions the figure is the median of. */
  runs: number;
  /** Some run's value is a lower bound (a percentile that reaches timed-out requests). */
  lowerBound: boolean;
}

/** The measures this mesh has figures for, in MEASURES order. */
export function measuredValues(mesh: ExportMesh): MeasuredValue[] {
  const out: MeasuredValue[] = [];
  for (const measure of MEASURES) {
    const d = mesh.summary.metrics[measure.metric];
    if (!d) continue;
    out.push({
      measure,
      value: d.median * measure.scale,
      lower: d.min * measure.scale,
      upper: d.max * measure.scale,
      runs: d.n,
      lowerBound: d.lowerBound === true,
    });
  }
  return out;
}
