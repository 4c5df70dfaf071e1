// What every export reads: per scenario and mesh, the summary over its repetitions (the
// figures reports show), its completed runs (times, platform, versions) and the merged
// latency histogram of those runs (percentile spectra, sums); and the capacity searches'
// answers that have a number. Pure.
import { decodeHistogram, type Histogram, mergeHistograms } from "../histogram/hdr.ts";
import type { CapacityFile } from "../results/capacity-file.ts";
import { meshLineage } from "../results/mesh.ts";
import type { Mesh, RunResult } from "../results/run-schema.ts";
import { DEFAULT_PRICES, type Prices, withCostMetric } from "../stats/cost.ts";
import { type MeshSummary, type RunInput, summarize } from "../stats/summarize.ts";
import { type CapacityFigure, capacityFigures } from "./capacity.ts";

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
  /** The scenario's capacity answers with a rate (meshbench capacity); empty without a search. */
  capacity: CapacityFigure[];
}

/**
 * `prices`: what the cost over bare (`cost.usdPerMillion`) is reckoned at. `capacity`: the
 * searches found beside the runs; a scenario searched but not run has capacity only.
 */
export function exportInput(
  inputs: readonly RunInput[],
  prices: Prices = DEFAULT_PRICES,
  capacity: readonly CapacityFile[] = [],
): ExportScenario[] {
  const byPath = new Map(inputs.map((i) => [i.path, i.run]));
  const answers = (scenario: string) =>
    capacity.filter((f) => f.scenario === scenario).flatMap(capacityFigures);
  const withRuns = withCostMetric(summarize(inputs), prices).map((s) => ({
    scenario: s.scenario,
    capacity: answers(s.scenario),
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
  const searchedOnly = [...new Set(capacity.map((f) => f.scenario))]
    .filter((scenario) => !withRuns.some((s) => s.scenario === scenario))
    .map((scenario) => ({ scenario, meshes: [], capacity: answers(scenario) }));
  return [...withRuns, ...searchedOnly];
}

/**
 * `scenario/mesh` (with its variant, without its version): how trend tools name one mesh of
 * one scenario, so a version bump continues the same line instead of starting a new one.
 */
export const benchmarkName = (scenario: string, mesh: Mesh): string =>
  `${scenario}/${meshLineage(mesh)}`;
