// The report's charts as Chart.js 4 configurations, built once and drawn two ways: as
// QuickChart image URLs (PR comments, job summaries) and by Chart.js itself in
// report.html. Only Chart.js core features are used (log scales, fill between datasets,
// floating bars): QuickChart renders Chart.js 4 without third-party plugins, so spreads are
// drawn with the Filler plugin and floating bars instead of an error-bar plugin. Configs
// are plain data (no functions) so that they serialize to a URL and to JSON alike. Pure.
import { PERCENTILE_KEYS } from "../histogram/hdr.ts";
import { percentileLabel, RESOURCE_LABELS, type ResourceKind } from "../stats/metrics.ts";
import type { OverTimeSeries } from "../stats/over-time.ts";
import type { MeshSummary } from "../stats/summarize.ts";
import { clock } from "./format.ts";

export interface ChartConfig {
  type: "line" | "bar";
  data: { labels: string[]; datasets: Record<string, unknown>[] };
  options: Record<string, unknown>;
}

export interface ChartSpec {
  /** Unique within a report; also the canvas id in report.html. */
  id: string;
  title: string;
  width: number;
  height: number;
  config: ChartConfig;
}

export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
];
export const BARE_COLOR = "#7f7f7f";

/** A stable colour per mesh across every chart of a report. */
export function meshColors(meshes: readonly MeshSummary[]): Map<string, string> {
  const colors = new Map<string, string>();
  let next = 0;
  for (const m of meshes) {
    colors.set(m.label, m.mesh.name === "bare" ? BARE_COLOR : PALETTE[next++ % PALETTE.length]!);
  }
  return colors;
}

/** Four significant digits: plenty for a picture, and it keeps chart URLs short. */
export const round = (v: number): number => Number(v.toPrecision(4));
const translucent = (hex: string): string => `${hex}33`;

export function baseOptions(
  title: string,
  yTitle: string,
  logarithmic: boolean,
): Record<string, unknown> {
  return {
    // Drawn at once (no animation) and sized by its container in report.html.
    animation: false,
    maintainAspectRatio: false,
    plugins: { title: { display: true, text: title }, legend: { labels: { boxWidth: 12 } } },
    scales: {
      y: { type: logarithmic ? "logarithmic" : "linear", title: { display: true, text: yTitle } },
    },
  };
}

/**
 * A dataset's own field (Chart.js keeps unknown ones): per point, whether the value is a
 * lower bound. report.html's tooltip label reads it (html.ts).
 */
export const LOWER_BOUND_KEY = "meshbenchLowerBound";

/** Latency by percentile per mesh, log scale: the median of the runs, a band from min to max. */
export function spectrumChart(
  scenarioId: string,
  meshes: readonly MeshSummary[],
): ChartSpec | null {
  const withLatency = meshes.filter((m) => m.metrics["latency.p50"]);
  if (withLatency.length === 0) return null;
  const colors = meshColors(meshes);
  const datasets: Record<string, unknown>[] = [];
  for (const m of withLatency) {
    const color = colors.get(m.label)!;
    const pick = (f: "median" | "min" | "max") =>
      PERCENTILE_KEYS.map((k) => {
        const s = m.metrics[`latency.${k}`];
        return s ? round(s[f]) : null;
      });
    // Percentiles among timed-out requests are lower bounds: report.html's tooltips say `≥`.
    const bounds = PERCENTILE_KEYS.map((k) => m.metrics[`latency.${k}`]?.lowerBound === true);
    const lowerBound = bounds.includes(true) ? { [LOWER_BOUND_KEY]: bounds } : {};
    if (m.runs.length > 1) {
      const band = { borderWidth: 0, pointRadius: 0, backgroundColor: translucent(color) };
      const min = pick("min");
      datasets.push({ label: `${m.label} min`, data: min, fill: false, ...band, ...lowerBound });
      const max = pick("max");
      datasets.push({ label: `${m.label} max`, data: max, fill: "-1", ...band, ...lowerBound });
    }
    datasets.push({
      label: m.label,
      data: pick("median"),
      borderColor: color,
      backgroundColor: color,
      fill: false,
      ...lowerBound,
    });
  }
  const runs = [...new Set(withLatency.map((m) => m.runs.length))].join("/");
  const title = `Latency by percentile (ms, log scale): median of ${runs} run(s), band from min to max`;
  const options = baseOptions(title, "latency (ms)", true);
  (options.scales as Record<string, unknown>).x = { title: { display: true, text: "percentile" } };
  return {
    id: `${scenarioId}-spectrum`,
    title,
    width: 800,
    height: 450,
    config: {
      type: "line",
      data: { labels: PERCENTILE_KEYS.map(percentileLabel), datasets },
      options,
    },
  };
}

const RESOURCE_CHART_KINDS: readonly ResourceKind[] = [
  "controlPlane",
  "dataPlane",
  "maxProxy",
  "application",
];

/**
 * CPU or memory per component and mesh: a bar at the median and a thin floating bar from
 * min to max over it (same `stack`, so they share a slot; y not stacked, so not summed).
 */
export function resourceChart(
  scenarioId: string,
  meshes: readonly MeshSummary[],
  resource: "cpu" | "memory",
): ChartSpec | null {
  const kinds = RESOURCE_CHART_KINDS.filter((k) =>
    meshes.some((m) => m.metrics[`${resource}.${k}`]),
  );
  if (kinds.length === 0) return null;
  const colors = meshColors(meshes);
  const scale = resource === "memory" ? 1 / (1024 * 1024) : 1;
  const datasets: Record<string, unknown>[] = [];
  for (const m of meshes) {
    if (!kinds.some((k) => m.metrics[`${resource}.${k}`])) continue;
    const color = colors.get(m.label)!;
    const values = kinds.map((k) => m.metrics[`${resource}.${k}`]);
    datasets.push({
      label: m.label,
      data: values.map((s) => (s ? round(s.median * scale) : null)),
      backgroundColor: translucent(color),
      borderColor: color,
      borderWidth: 1,
      stack: m.label,
    });
    if (m.runs.length > 1) {
      datasets.push({
        label: `${m.label} min–max`,
        data: values.map((s) => (s ? [round(s.min * scale), round(s.max * scale)] : null)),
        backgroundColor: color,
        barPercentage: 0.25,
        stack: m.label,
      });
    }
  }
  const unit = resource === "memory" ? "MiB" : "cores";
  const title = `${resource === "memory" ? "Memory" : "CPU"} per component (${unit}): median, thin bar from min to max`;
  const options = baseOptions(title, unit, false);
  const scales = options.scales as Record<string, Record<string, unknown>>;
  scales.y!.stacked = false;
  scales.y!.beginAtZero = true;
  return {
    id: `${scenarioId}-${resource}`,
    title,
    width: 800,
    height: 400,
    config: {
      type: "bar",
      data: { labels: kinds.map((k) => RESOURCE_LABELS[k]), datasets },
      options,
    },
  };
}

/** p50, p99 and max per time bucket for one mesh, log scale. */
export function overTimeChart(
  scenarioId: string,
  index: number,
  mesh: MeshSummary,
  series: OverTimeSeries,
  color: string,
): ChartSpec | null {
  if (series.points.length === 0) return null;
  const every = series.bucketMs >= 1000 ? `${series.bucketMs / 1000} s` : `${series.bucketMs} ms`;
  const title = `${mesh.label}: latency over time (ms, log scale), per ${every}, ${series.runs} run(s) merged`;
  // A null (a bucket too small for that percentile) is a gap in the line.
  const line = (label: string, data: (number | null)[], dash: number[], width: number) => ({
    label,
    data: data.map((v) => (v === null ? null : round(v))),
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    borderWidth: width,
    pointRadius: 0,
    fill: false,
  });
  const options = baseOptions(title, "latency (ms)", true);
  (options.scales as Record<string, unknown>).x = {
    title: { display: true, text: "time since the measured period began (m:ss)" },
    ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 13 },
  };
  return {
    id: `${scenarioId}-over-time-${index}`,
    title,
    width: 800,
    height: 350,
    config: {
      type: "line",
      data: {
        labels: series.points.map((p) => clock(p.atS * 1000)),
        datasets: [
          line(
            "p50",
            series.points.map((p) => p.p50Ms),
            [],
            2,
          ),
          line(
            "p99",
            series.points.map((p) => p.p99Ms),
            [6, 3],
            2,
          ),
          line(
            "max",
            series.points.map((p) => p.maxMs),
            [2, 2],
            1,
          ),
        ],
      },
      options,
    },
  };
}
