// What a mesh costs against `bare` in the same results: per latency percentile the
// difference of medians in ms and their ratio; per resource figure the difference of
// medians, also per 1,000 rps of the mesh's median achieved rate. Only runs alike (same
// fingerprint) are set against each other. Pure.
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import { fingerprintDifferences } from "../results/fingerprint.ts";
import { BARE } from "../results/mesh.ts";
import { RESOURCE_KINDS, type ResourceMetric } from "./metrics.ts";
import type { MeshSummary, ScenarioSummary } from "./summarize.ts";

export interface LatencyOverhead {
  /** Median of the mesh − median of bare, ms. */
  addedMs: number;
  /** Median of the mesh ÷ median of bare (null when bare's is 0). */
  ratio: number | null;
}

export interface ResourceOverhead {
  /** Median of the mesh − median of bare (bare without the class counts as 0). */
  added: number;
  /** `added` per 1,000 rps of the mesh's median achieved rate (null at 0 rps). */
  per1000Rps: number | null;
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
  for (const mesh of scenario.meshes) {
    if (mesh === bare || mesh.mesh.name === BARE || mesh.runs.length === 0) continue;
    const differences = [
      ...fingerprintDifferences(bare.fingerprint, mesh.fingerprint),
      ...bare.fingerprintConflicts.map((c) => `runs of bare differ, ${c}`),
      ...mesh.fingerprintConflicts.map((c) => `runs of ${mesh.label} differ, ${c}`),
    ];
    if (differences.length > 0) out.notComparable.push({ label: mesh.label, differences });
    else out.meshes.push(meshOverhead(mesh, bare));
  }
  return out;
}

function meshOverhead(mesh: MeshSummary, bare: MeshSummary): MeshOverhead {
  const out: MeshOverhead = { label: mesh.label, latency: {}, resources: {} };
  for (const k of PERCENTILE_KEYS) {
    const m = mesh.metrics[`latency.${k}`];
    const b = bare.metrics[`latency.${k}`];
    if (!m || !b) continue;
    out.latency[k] = {
      addedMs: m.median - b.median,
      ratio: b.median > 0 ? m.median / b.median : null,
    };
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
      const added = m.median - (bare.metrics[id]?.median ?? 0);
      out.resources[id] = { added, per1000Rps: rate > 0 ? added / (rate / 1000) : null };
    }
  }
  return out;
}
