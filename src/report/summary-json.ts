// summary.json: everything the Markdown and HTML show, as data for other tools (the
// GitHub side reads verdicts from it). Pure.
import type { CapacityFile, MeshCapacity } from "../results/capacity-file.ts";
import { type CapacityVerdict, capacityPerCore } from "../stats/capacity-verdict.ts";
import type { Comparison } from "../stats/compare.ts";
import {
  type CostConfig,
  DEFAULT_PRICES,
  type MeshCost,
  meshCosts,
  type Prices,
} from "../stats/cost.ts";
import type { OverTimeSeries } from "../stats/over-time.ts";
import { type MeshOverhead, type NotComparable, overheadVsBare } from "../stats/overhead.ts";
import type { MeshSummary, ScenarioSummary } from "../stats/summarize.ts";
import { VERSION } from "../version.ts";
import { overTimeKey } from "./blocks.ts";

export const SUMMARY_SCHEMA = "meshbench/summary/v1";

export interface SummaryJson {
  schema: typeof SUMMARY_SCHEMA;
  meshbenchVersion: string;
  problems: string[];
  scenarios: {
    scenario: string;
    meshes: (MeshSummary & { overTime: OverTimeSeries | null })[];
    /** Null when the scenario has no completed bare run. */
    overheadVsBare: MeshOverhead[] | null;
    /** Meshes left out of overheadVsBare: their runs and bare's differ (fingerprints). */
    overheadNotComparable: NotComparable[];
    /** The overhead in money (additive: absent in older files); empty without a bare run. */
    cost?: { prices: Prices; trafficRps: number | null; meshes: MeshCost[] };
  }[];
  comparison: Comparison | null;
  /** Verdict counts, and the regressions as `scenario / mesh: metric`. */
  verdicts: { regressed: string[]; counts: Record<string, number> } | null;
  /** Capacity searches (meshbench capacity); absent when the results hold none. */
  capacity?: CapacitySummary;
}

export interface CapacitySummary {
  /** Each search as capacity.json has it, each mesh with its capacity per data-plane core. */
  searches: (Omit<CapacityFile, "meshes"> & {
    meshes: (MeshCapacity & { perDataPlaneCore: number | null })[];
  })[];
  /** Against the baseline's searches; null without a baseline. */
  verdicts: CapacityVerdict[] | null;
}

/** The summary's capacity field, or nothing when there was no search (additive: optional). */
export function capacitySummary(
  files: readonly CapacityFile[],
  verdicts: CapacityVerdict[] | null,
): { capacity?: CapacitySummary } {
  if (files.length === 0 && (verdicts === null || verdicts.length === 0)) return {};
  return {
    capacity: {
      searches: files.map((f) => ({
        ...f,
        meshes: f.meshes.map((m) => ({ ...m, perDataPlaneCore: capacityPerCore(m) })),
      })),
      verdicts,
    },
  };
}

export function buildSummaryJson(
  scenarios: readonly ScenarioSummary[],
  overTime: ReadonlyMap<string, OverTimeSeries>,
  comparison: Comparison | null,
  problems: readonly string[],
  cost: CostConfig = { prices: DEFAULT_PRICES },
): SummaryJson {
  let verdicts: SummaryJson["verdicts"] = null;
  if (comparison) {
    const counts: Record<string, number> = {
      regressed: 0,
      improved: 0,
      inconclusive: 0,
      unchanged: 0,
    };
    const regressed: string[] = [];
    for (const mesh of comparison.meshes) {
      for (const m of mesh.metrics) {
        counts[m.verdict] = (counts[m.verdict] ?? 0) + 1;
        if (m.verdict === "regressed")
          regressed.push(`${mesh.scenario} / ${mesh.label}: ${m.metric}`);
      }
    }
    verdicts = { regressed, counts };
  }
  return {
    schema: SUMMARY_SCHEMA,
    meshbenchVersion: VERSION,
    problems: [...problems],
    scenarios: scenarios.map((s) => {
      const overhead = overheadVsBare(s);
      return {
        scenario: s.scenario,
        meshes: s.meshes.map((m) => ({
          ...m,
          overTime: overTime.get(overTimeKey(s.scenario, m.label)) ?? null,
        })),
        overheadVsBare: overhead?.meshes ?? null,
        overheadNotComparable: overhead?.notComparable ?? [],
        cost: {
          prices: cost.prices,
          trafficRps: cost.trafficRps ?? null,
          meshes: meshCosts(overhead, cost),
        },
      };
    }),
    comparison,
    verdicts,
  };
}
