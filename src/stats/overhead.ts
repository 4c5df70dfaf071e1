// What a mesh costs against `bare` in the same results: per latency percentile the
// difference of medians in ms and their ratio; per resource figure the difference of
// medians, also per 1,000 rps of the mesh's median achieved rate; each marked when the
// gate's noise rule would not call it a change. Only runs alike (same fingerprint) are set
// against each other. Pure.
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import { fingerprintDifferences } from "../results/fingerprint.ts";
import { BARE } from "../results/mesh.ts";
import { whyNotGated } from "./compare.ts";
import { RESOURCE_KINDS, type ResourceMetric } from "./metrics.ts";
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
  /** `added` per 1,000 rps of the mesh's median achieved rate (null at 0 rps). */
  per1000Rps: number | null;
  withinNoise: boolean;
}

export interface MeshOverhead {
  label: string;
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
 * The gate's noise rule on every difference of the table (issue #15): Student's t on the
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
  const out: MeshOverhead = { label: mesh.label, latency: {}, resources: {} };
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
  const rate = mesh.metrics["rate.achieved"]?.median ?? 0;
  // Resources of bare count only when bare measured resources at all; a class bare does
  // not have (no control plane, no proxies) is 0 there.
  const bareMeasured = bare.runsWithoutResources < bare.runs.length;
  if (!bareMeasured) return out;
  for (const kind of RESOURCE_KINDS) {
    for (const id of [`cpu.${kind}`, `memory.${kind}`] as const) {
      const m = mesh.metrics[id];
      if (!m) continue;
      const b = bare.metrics[id];
      const added = m.median - (b?.median ?? 0);
      const cell: ResourceOverhead = {
        added,
        per1000Rps: rate > 0 ? added / (rate / 1000) : null,
        withinNoise: true,
      };
      out.resources[id] = cell;
      // A class bare does not have is 0 in every bare run.
      const base: Sample = b ? sampleOf(b) : { values: bare.runs.map(() => 0) };
      tests.push([cell, tTest(base, sampleOf(m))]);
    }
  }
  return out;
}
