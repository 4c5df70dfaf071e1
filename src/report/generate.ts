// The report pipeline with its I/O: read the results (and a baseline), summarize, compare,
// read the interval logs into latency-over-time series, render, write. Shared by
// `meshbench report` and `meshbench compare`; the GitHub side calls it too.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { forEachHlogInterval } from "../histogram/hlog-stream.ts";
import type { CapacityFile } from "../results/capacity-file.ts";
import { meshLabel } from "../results/mesh.ts";
import { type LoadedRun, readResults } from "../results/results-dir.ts";
import { type CapacityVerdict, compareCapacity } from "../stats/capacity-verdict.ts";
import { type Comparison, compareResults } from "../stats/compare.ts";
import { type CostConfig, DEFAULT_PRICES, type Prices, withCostMetric } from "../stats/cost.ts";
import { bucketSize, type OverTimeSeries, overTimeAccumulator } from "../stats/over-time.ts";
import { type ScenarioSummary, summarize } from "../stats/summarize.ts";
import type { GateConfig } from "../stats/thresholds.ts";
import { overTimeKey, type Section } from "./blocks.ts";
import { capacitySections } from "./capacity-sections.ts";
import { chartJsSource } from "./chartjs-source.ts";
import type { ChartSpec } from "./charts.ts";
import { buildReport } from "./document.ts";
import { renderHtml } from "./html.ts";
import { type Images, renderCompact, renderMarkdown } from "./markdown.ts";
import { type ChartImage, chartImages, shortenTooLong } from "./quickchart.ts";
import { buildSummaryJson, capacitySummary } from "./summary-json.ts";

export interface Analysis {
  scenarios: ScenarioSummary[];
  baseline: ScenarioSummary[] | null;
  comparison: Comparison | null;
  problems: string[];
  /** Capacity searches among the results (capacity.json), and against the baseline's. */
  capacity: CapacityFile[];
  capacityVerdicts: CapacityVerdict[] | null;
}

/**
 * Reads and compares; no interval logs, no rendering (what `compare` needs). Both sides'
 * cost is reckoned at the same `prices`, so the gate on it sees the meshes change, never
 * the prices.
 */
export async function analyze(
  resultsDirs: readonly string[],
  baselineDir: string | undefined,
  gate: GateConfig,
  force: boolean,
  prices: Prices = DEFAULT_PRICES,
): Promise<Analysis & { runs: LoadedRun[] }> {
  const set = await readResults(resultsDirs, { dropSamples: true });
  const problems = [...set.problems];
  const scenarios = withCostMetric(summarize(set.runs), prices);
  let baseline: ScenarioSummary[] | null = null;
  let comparison: Comparison | null = null;
  const capacity = set.capacity.map((c) => c.file);
  let capacityVerdicts: CapacityVerdict[] | null = null;
  if (baselineDir !== undefined) {
    const base = await readResults([baselineDir], { dropSamples: true });
    problems.push(...base.problems.map((p) => `baseline: ${p}`));
    baseline = withCostMetric(summarize(base.runs), prices);
    comparison = compareResults(baseline, scenarios, { gate, force });
    capacityVerdicts = compareCapacity(
      base.capacity.map((c) => c.file),
      capacity,
    );
  }
  return {
    scenarios,
    baseline,
    comparison,
    problems,
    capacity,
    capacityVerdicts,
    runs: set.runs,
  };
}

/**
 * Latency over time per scenario and mesh from each completed run's latency.hlog. Runs
 * are read one at a time into their own buckets and added to their mesh's only when the
 * whole log decoded, so a damaged log is reported and leaves no partial trace.
 */
export async function readOverTime(
  runs: readonly LoadedRun[],
  problems: string[],
): Promise<Map<string, OverTimeSeries>> {
  const groups = new Map<string, LoadedRun[]>();
  for (const r of runs) {
    if (r.run.status.state !== "ok" || r.hlogPath === null) continue;
    const key = overTimeKey(r.run.scenario, meshLabel(r.run.mesh));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const series = new Map<string, OverTimeSeries>();
  for (const [key, group] of groups) {
    const bucketMs = Math.max(
      ...group.map((r) =>
        bucketSize(r.run.load!.target.intervalMs, r.run.load!.achieved.measuredMs),
      ),
    );
    const mesh = overTimeAccumulator(bucketMs);
    for (const r of group) {
      const load = r.run.load!;
      const run = overTimeAccumulator(bucketMs);
      try {
        const content = await readFile(r.hlogPath!, "utf8");
        // Tagged intervals (the load generator's own lateness) are not latencies.
        forEachHlogInterval(content, (interval) =>
          interval.tag === undefined ? run.bucket(interval.startMs - load.measuredFromMs) : null,
        );
        run.endRun();
        mesh.addAll(run);
      } catch (error) {
        problems.push(
          `${r.hlogPath}: damaged interval log, left out of latency over time: ${(error as Error).message}`,
        );
      }
    }
    series.set(key, mesh.series());
    // `mesh` (up to MAX_POINTS full-range histograms) is released here, one mesh at a time.
  }
  return series;
}

export interface ReportOptions {
  resultsDirs: string[];
  baselineDir?: string;
  outDir: string;
  gate: GateConfig;
  /** A QuickChart host for image URLs in the Markdown, or `none`. */
  chartHost: string;
  /** Ask quickchart.io for short URLs for charts whose URL is too long. */
  shortUrls: boolean;
  force: boolean;
  /** Sections appended after the analysis (e.g. trends from the Action's history). */
  extraSections?: (analysis: Analysis) => Section[];
  /** How the baseline is named in the report (default: its directory). */
  baselineLabel?: string;
  /** Prices and traffic for the cost in money (default: OpenCost's prices, no traffic). */
  cost?: CostConfig;
}

export interface ReportFiles {
  markdown: string;
  compact: string;
  html: string;
  summary: string;
}

export interface ReportOutcome extends Analysis {
  files: ReportFiles;
  sections: Section[];
  /** The charts' image URLs, for a compact variant rendered again (the PR comment). */
  images: Images;
}

export async function generateReport(options: ReportOptions): Promise<ReportOutcome> {
  const analysis = await analyze(
    options.resultsDirs,
    options.baselineDir,
    options.gate,
    options.force,
    options.cost?.prices,
  );
  const { scenarios, comparison, problems } = analysis;
  const overTime = await readOverTime(analysis.runs, problems);
  const baselineSource = options.baselineLabel ?? options.baselineDir;
  const sections = [
    ...buildReport({
      scenarios,
      problems,
      overTime,
      comparison,
      capacityVerdicts: analysis.capacityVerdicts,
      ...(baselineSource !== undefined ? { baselineSource } : {}),
      ...(options.cost ? { cost: options.cost } : {}),
    }),
    ...capacitySections(analysis.capacity, analysis.capacityVerdicts),
    ...(options.extraSections?.(analysis) ?? []),
  ];
  const charts: ChartSpec[] = sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
  );
  let images: ChartImage[] | null = chartImages(charts, options.chartHost);
  if (images && options.shortUrls) {
    const shortened = await shortenTooLong(images, options.chartHost);
    images = shortened.images;
    problems.push(...shortened.failures);
  }
  const byId = images ? new Map(images.map((i) => [i.spec.id, i])) : null;

  await mkdir(options.outDir, { recursive: true });
  const files: ReportFiles = {
    markdown: join(options.outDir, "report.md"),
    compact: join(options.outDir, "report-compact.md"),
    html: join(options.outDir, "report.html"),
    summary: join(options.outDir, "summary.json"),
  };
  await writeFile(files.markdown, renderMarkdown(sections, byId));
  await writeFile(files.compact, renderCompact(sections, byId));
  await writeFile(files.html, renderHtml(sections, await chartJsSource()));
  const summary = {
    ...buildSummaryJson(scenarios, overTime, comparison, problems, options.cost),
    ...capacitySummary(analysis.capacity, analysis.capacityVerdicts),
  };
  await writeFile(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  return { ...analysis, files, sections, images: byId };
}
