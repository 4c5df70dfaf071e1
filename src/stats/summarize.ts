// Per mesh, over its repetitions (DESIGN.md): each figure as the median with min and max
// of the per-run values; latency percentiles also read off the merged histogram of all
// runs, the achieved rate and error rate also pooled over all runs. Failed runs are kept
// aside with their reasons, never mixed into the numbers. Pure.

import { isLowerBound } from "../histogram/censored.ts";
import {
  decodeHistogram,
  type Histogram,
  mergeHistograms,
  PERCENTILE_KEYS,
  PERCENTILES,
  type PercentileKey,
  type Spectrum,
  spectrum,
} from "../histogram/hdr.ts";
import { type Fingerprint, fingerprint, fingerprintDifferences } from "../results/fingerprint.ts";
import { isSaturated, latenessDominates } from "../results/instrument.ts";
import type { ErrorCounts, LoadgenResult, StatusCounts } from "../results/loadgen-schema.ts";
import { compareMeshes, meshLabel } from "../results/mesh.ts";
import type { Mesh, ResourceClass, RunEvent, RunResult } from "../results/run-schema.ts";
import { type Described, describe } from "./describe.ts";
import { METRIC_IDS, type MetricId, RESOURCE_KINDS } from "./metrics.ts";

export interface MetricSummary extends Described {
  /**
   * The pooled value over all runs: the percentile of the merged histogram, all
   * responses over all measured time, all errors over all requests sent.
   */
  pooled?: number;
  /** What each run's own requests say of the figure's precision (latency, error rate). */
  within?: Within;
}

/**
 * Over the runs: the mean sampling variance of the per-run value (a floor under the
 * run-to-run variance the gate estimates), and for a percentile the fewest requests any
 * run has beyond it (on the nearer side): a percentile is judged only where enough are.
 */
export interface Within {
  variance: number;
  beyond?: number;
}

export interface RunRef {
  repetition: number;
  path: string;
}

export interface FailedRun extends RunRef {
  reason: string;
  phase?: string;
}

export interface EventRow extends RunRef {
  /** ms since the run started (environment.startedAt). */
  offsetMs: number;
  event: RunEvent;
  /** The class of the event's container, when the run sampled it (resources.containers). */
  class?: ResourceClass;
}

export interface Outcomes {
  targetRate: number;
  sent: number;
  requests: number;
  unsent: number;
  status: StatusCounts;
  errors: ErrorCounts;
}

export interface MeshSummary {
  scenario: string;
  mesh: Mesh;
  label: string;
  /** Runs that completed (status ok), in repetition order. */
  runs: RunRef[];
  failed: FailedRun[];
  fingerprint: Fingerprint;
  /** Differences between runs of this mesh that should have been alike. */
  fingerprintConflicts: string[];
  metrics: Partial<Record<MetricId, MetricSummary>>;
  outcomes: Outcomes;
  events: EventRow[];
  /** Completed runs that have no resource samples. */
  runsWithoutResources: number;
  /** The most responses one completed run recorded (which percentiles are its max). */
  maxRunRequests: number;
  /** The load generator's own error over the completed runs; absent when not measured. */
  instrument?: InstrumentSummary;
}

export interface InstrumentSummary {
  /** Send lateness (actual − intended send), pooled over runs (merged histograms), ms. */
  latenessP50Ms: number;
  latenessP99Ms: number;
  /** Its p99 is over 10 % of the pooled latency p99. */
  dominates: boolean;
  /** Some run's load generator was saturated (event loop ≥ 90 % busy). */
  saturated: boolean;
}

export interface ScenarioSummary {
  scenario: string;
  meshes: MeshSummary[];
}

export interface RunInput {
  path: string;
  run: RunResult;
}

const ERROR_KINDS = ["connect", "reset", "timeout", "other"] as const;

/** Requests that did not succeed: failures without a response, and 4xx/5xx responses. */
export function errorCount(load: LoadgenResult): number {
  const a = load.achieved;
  return ERROR_KINDS.reduce((s, k) => s + a.errors[k], 0) + a.status["4xx"] + a.status["5xx"];
}

/** The figures of one completed run, in report units (latency ms). */
export function runMetrics(run: RunResult, latency: Spectrum): Partial<Record<MetricId, number>> {
  const load = run.load!;
  const values: Partial<Record<MetricId, number>> = {};
  // A run that recorded no response has no latency, not a latency of zero.
  if (latency.count > 0) {
    for (const k of PERCENTILE_KEYS) values[`latency.${k}`] = latency[k] / 1000;
  }
  values["rate.achieved"] = load.achieved.rate;
  if (load.achieved.sent > 0) values["errors.rate"] = errorCount(load) / load.achieved.sent;
  const perRun = run.resources?.perRun;
  if (perRun) {
    for (const k of RESOURCE_KINDS) {
      // A class with no containers (bare has no control plane) has no figure to compare.
      if (k !== "maxProxy" && perRun[k].containers === 0) continue;
      if (k === "maxProxy" && perRun.dataPlane.containers === 0) continue;
      // A figure that could not be measured is absent, never 0 (a comparison then says so).
      const { cpuCores, memoryBytes } = perRun[k];
      if (cpuCores !== undefined) values[`cpu.${k}`] = cpuCores;
      if (memoryBytes !== undefined) values[`memory.${k}`] = memoryBytes;
    }
  }
  return values;
}

/**
 * The sampling error of one run's percentile, from its histogram: the values at ranks
 * ±1 standard deviation of the binomial order statistic (n·q ± √(n·q·(1−q))), half their
 * distance, squared; in ms². Requests within a run are correlated, so this is a floor,
 * not the run-to-run variance.
 */
export function percentileVariance(histogram: Histogram, q: number): number {
  const n = histogram.totalCount;
  if (n === 0) return 0;
  const d = Math.sqrt((q * (1 - q)) / n);
  const at = (x: number) => histogram.getValueAtPercentile(Math.min(100, Math.max(0, x * 100)));
  return ((at(q + d) - at(q - d)) / 2 / 1000) ** 2;
}

/** Requests beyond percentile q (on the nearer side) in a run of n requests. */
export const requestsBeyond = (n: number, q: number): number => n * Math.min(q, 1 - q);

/** Per percentile, one run's sampling variance (ms²), from its histogram. */
function percentileVariances(histogram: Histogram): number[] {
  return PERCENTILES.map((p) => percentileVariance(histogram, p / 100));
}

function withinRuns(runs: readonly PerRun[], inputs: readonly RunInput[]) {
  const out = new Map<MetricId, Within>();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const used = runs.filter((r) => r.histogram.totalCount > 0);
  for (const [i, k] of PERCENTILE_KEYS.entries()) {
    const q = PERCENTILES[i]! / 100;
    if (used.length === 0) continue;
    out.set(`latency.${k}`, {
      variance: mean(used.map((r) => r.variances[i]!)),
      beyond: Math.min(...used.map((r) => requestsBeyond(r.histogram.totalCount, q))),
    });
  }
  const sent = inputs.map((r) => r.run.load!).filter((l) => l.achieved.sent > 0);
  if (sent.length > 0) {
    // A binomial share: p(1 − p)/n per run.
    out.set("errors.rate", {
      variance: mean(
        sent.map((l) => {
          const p = errorCount(l) / l.achieved.sent;
          return (p * (1 - p)) / l.achieved.sent;
        }),
      ),
    });
  }
  return out;
}

/** What a run's histogram gives, read once. */
interface PerRun {
  histogram: Histogram;
  spectrum: Spectrum;
  variances: number[];
}

/**
 * Each run's histogram decoded and read once however often its run is summarized
 * (calibration summarizes the same runs in hundreds of splits). Read only: merging adds
 * into new histograms.
 */
const perRunCache = new WeakMap<LoadgenResult, PerRun>();
function perRun(load: LoadgenResult): PerRun {
  let r = perRunCache.get(load);
  if (!r) {
    const histogram = decodeHistogram(load.histogram);
    r = { histogram, spectrum: spectrum(histogram), variances: percentileVariances(histogram) };
    perRunCache.set(load, r);
  }
  return r;
}

function instrumentOf(
  loads: LoadgenResult[],
  latency: Spectrum | undefined,
): InstrumentSummary | undefined {
  if (loads.length === 0 || !latency || loads.some((l) => l.latenessHistogram === undefined))
    return undefined;
  const late = spectrum(mergeHistograms(loads.map((l) => decodeHistogram(l.latenessHistogram!))));
  return {
    latenessP50Ms: late.p50 / 1000,
    latenessP99Ms: late.p99 / 1000,
    dominates: latenessDominates(late.p99, latency.p99),
    saturated: loads.some(
      (l) => l.instrument !== undefined && isSaturated(l.instrument.utilization),
    ),
  };
}

function summarizeMesh(inputs: RunInput[]): MeshSummary {
  const sorted = [...inputs].sort((a, b) => a.run.repetition - b.run.repetition);
  const first = sorted[0]!.run;
  const fp = fingerprint(first);
  const conflicts = new Set<string>();
  for (const { run } of sorted) {
    for (const d of fingerprintDifferences(fp, fingerprint(run))) {
      conflicts.add(`repetition ${run.repetition}: ${d}`);
    }
  }
  const ok = sorted.filter((i) => i.run.status.state === "ok");
  const failed: FailedRun[] = [];
  for (const { run, path } of sorted) {
    if (run.status.state === "failed") {
      failed.push({
        repetition: run.repetition,
        path,
        reason: run.status.reason,
        ...(run.status.phase ? { phase: run.status.phase } : {}),
      });
    }
  }

  const perMetric = new Map<MetricId, number[]>();
  const reads: PerRun[] = [];
  const outcomes: Outcomes = {
    targetRate: first.spec.rate,
    sent: 0,
    requests: 0,
    unsent: 0,
    status: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    errors: { connect: 0, reset: 0, timeout: 0, other: 0 },
  };
  let measuredMs = 0;
  let errors = 0;
  let censored = 0;
  const lowerBounds = new Set<MetricId>();
  for (const { run } of ok) {
    const load = run.load!;
    const read = perRun(load);
    reads.push(read);
    for (const [id, value] of Object.entries(runMetrics(run, read.spectrum))) {
      const list = perMetric.get(id as MetricId) ?? [];
      list.push(value);
      perMetric.set(id as MetricId, list);
    }
    const a = load.achieved;
    outcomes.sent += a.sent;
    outcomes.requests += a.requests;
    outcomes.unsent += a.unsent;
    for (const k of Object.keys(a.status) as (keyof StatusCounts)[])
      outcomes.status[k] += a.status[k];
    for (const k of ERROR_KINDS) outcomes.errors[k] += a.errors[k];
    measuredMs += a.measuredMs;
    errors += errorCount(load);
    censored += load.latencyUs.censored;
    for (const [i, k] of PERCENTILE_KEYS.entries())
      if (isLowerBound(PERCENTILES[i]!, read.histogram.totalCount, load.latencyUs.censored))
        lowerBounds.add(`latency.${k}`);
  }

  const metrics: Partial<Record<MetricId, MetricSummary>> = {};
  const merged =
    reads.length > 0 ? spectrum(mergeHistograms(reads.map((r) => r.histogram))) : undefined;
  const within = withinRuns(reads, ok);
  for (const id of METRIC_IDS) {
    const values = perMetric.get(id);
    if (!values || values.length === 0) continue;
    const summary: MetricSummary = describe(values);
    const w = within.get(id);
    if (w) summary.within = w;
    if (id.startsWith("latency.") && merged && merged.count > 0) {
      const key = id.slice("latency.".length) as PercentileKey;
      summary.pooled = merged[key] / 1000;
      const pooledBound = isLowerBound(
        PERCENTILES[PERCENTILE_KEYS.indexOf(key)]!,
        merged.count,
        censored,
      );
      if (pooledBound || lowerBounds.has(id)) summary.lowerBound = true;
    } else if (id === "rate.achieved" && measuredMs > 0) {
      summary.pooled = outcomes.requests / (measuredMs / 1000);
    } else if (id === "errors.rate" && outcomes.sent > 0) {
      summary.pooled = errors / outcomes.sent;
    }
    metrics[id] = summary;
  }

  const events: EventRow[] = [];
  for (const { run, path } of sorted) {
    const startedMs = Date.parse(run.environment.startedAt);
    const classes = new Map(run.resources?.containers.map((c) => [c.id, c.class]));
    for (const event of run.events) {
      const cls = classes.get(event.container);
      events.push({
        repetition: run.repetition,
        path,
        offsetMs: event.atMs - startedMs,
        event,
        ...(cls ? { class: cls } : {}),
      });
    }
  }

  const instrument = instrumentOf(
    ok.map((i) => i.run.load!),
    merged,
  );
  return {
    ...(instrument ? { instrument } : {}),
    scenario: first.scenario,
    mesh: first.mesh,
    label: meshLabel(first.mesh),
    runs: ok.map((i) => ({ repetition: i.run.repetition, path: i.path })),
    failed,
    fingerprint: fp,
    fingerprintConflicts: [...conflicts],
    metrics,
    outcomes,
    events,
    runsWithoutResources: ok.filter((i) => i.run.resources === null).length,
    maxRunRequests: Math.max(0, ...ok.map((i) => i.run.load!.achieved.requests)),
  };
}

/** Groups runs by scenario and mesh (name, version, variant) and summarizes each group. */
export function summarize(inputs: readonly RunInput[]): ScenarioSummary[] {
  const byScenario = new Map<string, Map<string, RunInput[]>>();
  for (const input of inputs) {
    const meshes = byScenario.get(input.run.scenario) ?? new Map<string, RunInput[]>();
    byScenario.set(input.run.scenario, meshes);
    const label = meshLabel(input.run.mesh);
    meshes.set(label, [...(meshes.get(label) ?? []), input]);
  }
  return [...byScenario.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scenario, meshes]) => ({
      scenario,
      meshes: [...meshes.values()].map(summarizeMesh).sort((a, b) => compareMeshes(a.mesh, b.mesh)),
    }));
}
