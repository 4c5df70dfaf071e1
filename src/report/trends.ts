// Trends across reports (scheduled runs): one line per mesh over the dates of the history
// branch, for p99 latency and data-plane memory. Plain series in, a report section out;
// where the series come from (the history branch) is the caller's business. Pure.

import type { Section } from "./blocks.ts";
import { BARE_COLOR, baseOptions, type ChartSpec, PALETTE, round } from "./charts.ts";

export interface TrendInput {
  scenario: string;
  /** Per mesh label, oldest first. */
  p99Ms: Map<string, { at: string; value: number }[]>;
  dataPlaneMiB: Map<string, { at: string; value: number }[]>;
}

function trendChart(
  id: string,
  title: string,
  yTitle: string,
  series: TrendInput["p99Ms"],
  logarithmic: boolean,
): ChartSpec | null {
  const dates = [
    ...new Set([...series.values()].flatMap((points) => points.map((p) => p.at))),
  ].sort();
  if (dates.length < 2) return null;
  let next = 0;
  const datasets = [...series].map(([mesh, points]) => {
    const byDate = new Map(points.map((p) => [p.at, p.value]));
    const color = mesh === "bare" ? BARE_COLOR : PALETTE[next++ % PALETTE.length]!;
    return {
      label: mesh,
      data: dates.map((d) => (byDate.has(d) ? round(byDate.get(d)!) : null)),
      borderColor: color,
      backgroundColor: color,
      spanGaps: true,
      fill: false,
    };
  });
  const options = baseOptions(title, yTitle, logarithmic);
  (options.scales as Record<string, unknown>).x = {
    title: { display: true, text: "report date (UTC)" },
  };
  return {
    id,
    title,
    width: 800,
    height: 350,
    config: { type: "line", data: { labels: dates.map((d) => d.slice(0, 10)), datasets }, options },
  };
}

/** The trend section, or null with fewer than two dates to draw. */
export function trendSection(input: TrendInput): Section | null {
  const charts = [
    trendChart(
      `${input.scenario}-trend-p99`,
      `${input.scenario}: p99 latency per report (ms, log scale)`,
      "p99 latency (ms)",
      input.p99Ms,
      true,
    ),
    trendChart(
      `${input.scenario}-trend-memory`,
      `${input.scenario}: data-plane memory per report (MiB)`,
      "data plane memory (MiB)",
      input.dataPlaneMiB,
      false,
    ),
  ].filter((c): c is ChartSpec => c !== null);
  if (charts.length === 0) return null;
  return {
    heading: { level: 2, text: `Trends: ${input.scenario}` },
    blocks: [
      {
        kind: "paragraph",
        text: "From the history of scheduled reports: the merged p99 of each report's runs, and the median over its runs of the data plane's peak memory.",
      },
      ...charts.map((chart) => ({ kind: "chart" as const, chart })),
    ],
    essential: false,
    priority: 50,
    name: "trend charts",
  };
}
