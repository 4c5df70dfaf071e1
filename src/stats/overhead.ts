// What a mesh costs against `bare` in the same results: per latency percentile the
// difference of medians in ms and their ratio; per resource figure the difference of
// medians, at the rate it was measured at; each marked when the gate's noise rule would
// not call it a change. Never divided by the rate: a proxy's memory and much of its CPU are
// fixed costs, so "per 1,000 rps" from one rate would extrapolate them tenfold; where the
// same scenario ran at two or more rates, the CPU added per 1,000 rps is their slope
// (cpuSlopes). Only runs alike (same fingerprint) are set against each other. Pure.
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import { fingerprintDifferences, fingerprintKey } from "../results/fingerprint.ts";
import { BARE } from "../results/mesh.ts";
import { whyNotGated } from "./compare.ts";
import { RESOURCE_KINDS, type ResourceKind, type ResourceMetric } from "./metrics.ts";
import type { MeshSummary, MetricSummary, ScenarioSummary } from "./summarize.ts";
import { DEFAULT_GATE } from "./thresholds.ts";
import { DEFAULT_ALPHA, holm, type Sample, type TTest, tTest } from "./verdict.ts";

export interface LatencyOverhead {
  /** Median of the mesh − median of bare, ms. */
  addedMs: number;
  /** Median of the mesh ÷ median of bare (null when bare's is 0). */
  ratio: number | null;
  /** The gate's noise rule would not call this a change (see markNoise). */
  withinNoise: boolean;
}

export interface ResourceOverhead {
  /** Median of the mesh − median of bare (bare without the class counts as 0). */
  added: number;
  /** The gate's noise rule would not call this a change (see markNoise). */
  withinNoise: boolean;
}

export interface MeshOverhead {
  label: string;
  /** The mesh's median achieved rate: the rate its resource figures were measured at. */
  atRps: number | null;
  latency: Partial<Record<PercentileKey, LatencyOverhead>>;
  resources: Partial<Record<ResourceMetric, ResourceOverhead>>;
}

/** A mesh whose overhead is not computed because its runs and bare's are not alike. */
export interface NotComparable {
  label: string;
  differences: string[];
}

export interface Overhead {
  meshes: MeshOverhead[];
  notComparable: NotComparable[];
}

/**
 * Each mesh against bare; null without a completed bare run. A mesh measured at another
 * rate, duration, platform… than bare (or whose runs, or bare's, differ among themselves)
 * would show a difference of settings as overhead, so it is left out, naming why.
 */
export function overheadVsBare(scenario: ScenarioSummary): Overhead | null {
  const bare = scenario.meshes.find((m) => m.mesh.name === BARE && m.runs.length > 0);
  if (!bare) return null;
  const out: Overhead = { meshes: [], notComparable: [] };
  const tests: Tested[] = [];
  for (const mesh of scenario.meshes) {
    if (mesh === bare || mesh.mesh.name === BARE || mesh.runs.length === 0) continue;
    const differences = [
      ...fingerprintDifferences(bare.fingerprint, mesh.fingerprint),
      ...bare.fingerprintConflicts.map((c) => `runs of bare differ, ${c}`),
      ...mesh.fingerprintConflicts.map((c) => `runs of ${mesh.label} differ, ${c}`),
    ];
    if (differences.length > 0) out.notComparable.push({ label: mesh.label, differences });
    else out.meshes.push(meshOverhead(mesh, bare, tests));
  }
  markNoise(tests);
  return out;
}

/** A cell of the table and its noise test (null: the gate would not judge it). */
type Tested = [{ withinNoise: boolean }, TTest | null];

/**
 * The gate's noise rule on every difference of the table (the overhead is marked as the gate would
 * judge it): Student's t on the
 * per-run values with Holm across all the table's differences; a difference it would not
 * call a change, or one the gate does not judge (the maximum, a percentile with too few
 * requests beyond it), is within noise.
 */
function markNoise(tests: Tested[]): void {
  const judged = tests.filter((t): t is [{ withinNoise: boolean }, TTest] => t[1] !== null);
  const levels = holm(
    judged.map(([, t]) => t.p),
    DEFAULT_ALPHA,
  );
  judged.forEach(([cell], i) => {
    cell.withinNoise = !levels[i]!.reject;
  });
}

function sampleOf(m: MetricSummary): Sample {
  return { values: m.values, ...(m.within ? { withinVariance: m.within.variance } : {}) };
}

function meshOverhead(mesh: MeshSummary, bare: MeshSummary, tests: Tested[]): MeshOverhead {
  const out: MeshOverhead = {
    label: mesh.label,
    atRps: mesh.metrics["rate.achieved"]?.median ?? null,
    latency: {},
    resources: {},
  };
  for (const k of PERCENTILE_KEYS) {
    const m = mesh.metrics[`latency.${k}`];
    const b = bare.metrics[`latency.${k}`];
    if (!m || !b) continue;
    const cell: LatencyOverhead = {
      addedMs: m.median - b.median,
      ratio: b.median > 0 ? m.median / b.median : null,
      withinNoise: true,
    };
    out.latency[k] = cell;
    const judged = whyNotGated(`latency.${k}`, b, m, DEFAULT_GATE) === null;
    tests.push([cell, judged ? tTest(sampleOf(b), sampleOf(m)) : null]);
  }
  // Resources of bare count only when bare measured resources at all; a class bare does
  // not have (no control plane, no proxies) is 0 there, but a figure bare could not
  // measure for a class it has (memory there, CPU not) is unknown, not 0.
  const bareMeasured = bare.runsWithoutResources < bare.runs.length;
  if (!bareMeasured) return out;
  for (const kind of RESOURCE_KINDS) {
    for (const id of [`cpu.${kind}`, `memory.${kind}`] as const) {
      const m = mesh.metrics[id];
      if (!m) continue;
      const b = bare.metrics[id];
      const bareHasClass = bare.metrics[`cpu.${kind}`] || bare.metrics[`memory.${kind}`];
      if (!b && bareHasClass) continue;
      const cell: ResourceOverhead = { added: m.median - (b?.median ?? 0), withinNoise: true };
      out.resources[id] = cell;
      // A class bare does not have is 0 in every bare run.
      const base: Sample = b ? sampleOf(b) : { values: bare.runs.map(() => 0) };
      tests.push([cell, tTest(base, sampleOf(m))]);
    }
  }
  return out;
}

/** CPU a mesh adds per 1,000 rps, from runs at several rates (a slope, not one rate scaled). */
export interface CpuSlope {
  label: string;
  kind: ResourceKind;
  /** Least-squares slope of the added CPU over the achieved rate, cores per 1,000 rps. */
  coresPer1000Rps: number;
  /** The achieved rates (medians) it is taken over, ascending. */
  rates: number[];
}

/**
 * Slopes of the CPU each mesh adds to bare's, over the scenarios of `scenarios` that are
 * `scenario` at other rates (same fingerprint but for the rate): only where two or more
 * rates were measured. Empty otherwise.
 */
export function cpuSlopes(
  scenario: ScenarioSummary,
  scenarios: readonly ScenarioSummary[],
): CpuSlope[] {
  const settings = (s: ScenarioSummary) => {
    const bare = s.meshes.find((m) => m.mesh.name === BARE && m.runs.length > 0);
    return bare ? fingerprintKey({ ...bare.fingerprint, rate: 0 }) : null;
  };
  const own = settings(scenario);
  if (own === null) return [];
  const overheads = scenarios
    .filter((s) => settings(s) === own)
    .map(overheadVsBare)
    .filter((o): o is Overhead => o !== null);
  const out: CpuSlope[] = [];
  for (const label of new Set(overheads.flatMap((o) => o.meshes.map((m) => m.label)))) {
    for (const kind of RESOURCE_KINDS) {
      const points = overheads.flatMap((o) => {
        const m = o.meshes.find((x) => x.label === label);
        const added = m?.resources[`cpu.${kind}`]?.added;
        return m?.atRps != null && added !== undefined ? [{ x: m.atRps, y: added }] : [];
      });
      const slope = leastSquaresSlope(points);
      if (slope === null) continue;
      const rates = points.map((p) => p.x).sort((a, b) => a - b);
      out.push({ label, kind, coresPer1000Rps: slope * 1000, rates });
    }
  }
  return out;
}

/** Null with fewer than two distinct x. */
function leastSquaresSlope(points: readonly { x: number; y: number }[]): number | null {
  if (new Set(points.map((p) => p.x)).size < 2) return null;
  const mean = (f: (p: { x: number; y: number }) => number) =>
    points.reduce((s, p) => s + f(p), 0) / points.length;
  const mx = mean((p) => p.x);
  const my = mean((p) => p.y);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}
