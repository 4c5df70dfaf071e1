// What every export reads: per scenario and mesh, the summary over its repetitions (the
// figures reports show), its completed runs (times, platform, versions) and the merged
// latency histogram of those runs (percentile spectra, sums). Pure.
import { decodeHistogram, type Histogram, mergeHistograms } from "../histogram/hdr.ts";
import { meshLineage } from "../results/mesh.ts";
import type { RunResult } from "../results/run-schema.ts";
import { DEFAULT_PRICES, type Prices, withCostMetric } from "../stats/cost.ts";
import { type MeshSummary, type RunInput, summarize } from "../stats/summarize.ts";

export interface ExportMesh {
  summary: MeshSummary;
  /** Completed runs (status ok), in repetition order. */
  runs: RunResult[];
  /** The latency histograms of those runs added together, µs. */
  histogram: Histogram;
}

export interface ExportScenario {
  scenario: string;
  meshes: ExportMesh[];
}

/** `prices`: what the cost over bare (`cost.usdPerMillion`) is reckoned at. */
export function exportInput(
  inputs: readonly RunInput[],
  prices: Prices = DEFAULT_PRICES,
): ExportScenario[] {
  const byPath = new Map(inputs.map((i) => [i.path, i.run]));
  return withCostMetric(summarize(inputs), prices).map((s) => ({
    scenario: s.scenario,
    // A mesh whose runs all failed has no figure to export.
    meshes: s.meshes
      .filter((m) => m.runs.length > 0)
      .map((summary) => {
        const runs = summary.runs.map((r) => byPath.get(r.path)!);
        return {
          summary,
          runs,
          histogram: mergeHistograms(runs.map((r) => decodeHistogram(r.load!.histogram))),
        };
      }),
  }));
}

/**
 * `scenario/mesh` (with its variant, without its version): how trend tools name one mesh of
 * one scenario, so a version bump continues the same line instead of starting a new one.
 */
export const benchmarkName = (scenario: string, mesh: ExportMesh): string =>
  `${scenario}/${meshLineage(mesh.summary.mesh)}`;
