// What a mesh costs in money, from what meshbench measured: per mesh, the data-plane and
// control-plane CPU and memory it adds over bare in the same matrix (overhead.ts), per
// 1,000 rps at the rate it was measured at, priced per vCPU-hour and GiB-hour: dollars per
// million requests, and per month at a traffic the user states. Pure.
//
// The figures scale linearly from the measured rate: right for CPU that grows with the
// requests, an overstatement above that rate (and understatement below it) for memory and
// the fixed part of a proxy's CPU. The report says at which rate each was measured.
import { BARE } from "../results/mesh.ts";
import { describe } from "./describe.ts";
import type { ResourceMetric } from "./metrics.ts";
import { type Overhead, overheadVsBare } from "./overhead.ts";
import type { MeshSummary, ScenarioSummary } from "./summarize.ts";

export interface Prices {
  /** US dollars per vCPU (core) per hour. */
  vcpuHour: number;
  /** US dollars per GiB of memory per hour. */
  gibHour: number;
  /** Where the prices come from, named in every report. */
  source: string;
}

/**
 * OpenCost's default prices, used when it has no cloud pricing: "Default prices based on
 * GCP us-central1" (on-demand), CPU "0.031611" per vCPU-hour and RAM "0.004237" per
 * GiB-hour in opencost/opencost configs/default.json (develop branch, read 2026-12-03).
 */
export const DEFAULT_PRICES: Prices = {
  vcpuHour: 0.031611,
  gibHour: 0.004237,
  source:
    "OpenCost's default prices, GCP us-central1 on-demand: $0.031611 per vCPU-hour, $0.004237 per GiB-hour (opencost/opencost configs/default.json, read 2026-12-03)",
};

export interface CostConfig {
  prices: Prices;
  /** The traffic the monthly figure is for, rps; none: no monthly figure. */
  trafficRps?: number;
}

/** Hours in a month as cloud price lists count them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
const GIB = 2 ** 30;

export interface PlaneCost {
  /** vCPU (cores) and GiB added over bare per 1,000 rps; null: not measured. */
  vcpuPer1kRps: number | null;
  gibPer1kRps: number | null;
}

export interface MeshCost {
  label: string;
  /** The mesh's median achieved rate, which its resources were measured at. */
  atRps: number;
  dataPlane: PlaneCost;
  controlPlane: PlaneCost;
  /** Dollars per million requests: the measured resources priced, over the requests served. */
  usdPerMillion: number;
  /** Dollars per month at the stated traffic; null without one. */
  usdPerMonth: number | null;
}

/** Resources added over bare, at the rate measured, as a cost per 1,000 rps and in dollars. */
export function meshCosts(overhead: Overhead | null, config: CostConfig): MeshCost[] {
  if (!overhead) return [];
  return overhead.meshes.flatMap((m): MeshCost[] => {
    if (m.atRps === null || m.atRps <= 0) return [];
    const per1k = (value: number | undefined, unit: number) =>
      value === undefined ? null : value / unit / (m.atRps! / 1000);
    const plane = (kind: "dataPlane" | "controlPlane"): PlaneCost => ({
      vcpuPer1kRps: per1k(m.resources[`cpu.${kind}`]?.added, 1),
      gibPer1kRps: per1k(m.resources[`memory.${kind}`]?.added, GIB),
    });
    const dataPlane = plane("dataPlane");
    const controlPlane = plane("controlPlane");
    // Nothing measured, nothing priced: a cost of 0 would read as "free".
    const figures = [dataPlane, controlPlane].flatMap((p) => [p.vcpuPer1kRps, p.gibPer1kRps]);
    if (figures.every((f) => f === null)) return [];
    const usdPerHourPer1k =
      (dataPlane.vcpuPer1kRps ?? 0) * config.prices.vcpuHour +
      (controlPlane.vcpuPer1kRps ?? 0) * config.prices.vcpuHour +
      (dataPlane.gibPer1kRps ?? 0) * config.prices.gibHour +
      (controlPlane.gibPer1kRps ?? 0) * config.prices.gibHour;
    // 1,000 rps for an hour is 3.6 million requests.
    const usdPerMillion = usdPerHourPer1k / 3.6;
    const usdPerMonth =
      config.trafficRps === undefined
        ? null
        : usdPerHourPer1k * (config.trafficRps / 1000) * HOURS_PER_MONTH;
    return [
      { label: m.label, atRps: m.atRps, dataPlane, controlPlane, usdPerMillion, usdPerMonth },
    ];
  });
}

/** The costs of every mesh of a scenario against its bare. */
export const scenarioCosts = (s: ScenarioSummary, config: CostConfig): MeshCost[] =>
  meshCosts(overheadVsBare(s), config);

const PRICED: readonly ResourceMetric[] = [
  "cpu.dataPlane",
  "cpu.controlPlane",
  "memory.dataPlane",
  "memory.controlPlane",
];

/**
 * Each run's dollars per million requests: what the run used in data and control plane
 * beyond bare's median, priced, over the requests it served (its achieved rate). The gate
 * judges these per-run values like any metric's (Student's t, Holm). Null when a figure is
 * missing from some run (the per-run values could not be paired) or nothing is priced.
 */
function perRunCosts(mesh: MeshSummary, bare: MeshSummary, prices: Prices): number[] | null {
  const n = mesh.runs.length;
  const rates = mesh.metrics["rate.achieved"]?.values;
  if (!rates || rates.length !== n || rates.some((r) => !(r > 0))) return null;
  const priced = PRICED.filter((id) => mesh.metrics[id] !== undefined);
  if (priced.length === 0 || priced.some((id) => mesh.metrics[id]!.values.length !== n))
    return null;
  return rates.map((rate, i) => {
    const usdPerHour = priced.reduce((sum, id) => {
      const added = mesh.metrics[id]!.values[i]! - (bare.metrics[id]?.median ?? 0);
      return (
        sum + (id.startsWith("cpu.") ? added * prices.vcpuHour : (added / GIB) * prices.gibHour)
      );
    }, 0);
    // Requests in an hour at this rate, in millions.
    return usdPerHour / ((rate * 3600) / 1e6);
  });
}

/**
 * The scenarios with `cost.usdPerMillion` added to every mesh that can be set against bare
 * (overheadVsBare: bare completed, runs alike), so that a comparison gates on it. Baseline
 * and candidate must go through here with the same prices: a change of prices is not a
 * change of the mesh.
 */
export function withCostMetric(
  scenarios: readonly ScenarioSummary[],
  prices: Prices,
): ScenarioSummary[] {
  return scenarios.map((s) => {
    const comparable = new Set(overheadVsBare(s)?.meshes.map((m) => m.label));
    const bare = s.meshes.find((m) => m.mesh.name === BARE && m.runs.length > 0);
    if (!bare || comparable.size === 0) return s;
    return {
      ...s,
      meshes: s.meshes.map((m) => {
        const values = comparable.has(m.label) ? perRunCosts(m, bare, prices) : null;
        if (!values) return m;
        return { ...m, metrics: { ...m.metrics, "cost.usdPerMillion": describe(values) } };
      }),
    };
  });
}

export interface GivenPrices {
  vcpuHour: number;
  gibHour: number;
}

/**
 * The prices and traffic a report uses: the scenario's `cost:`, its prices replaced by
 * `override` (the Action's inputs, the CLI's flags) when given, else OpenCost's default;
 * the source says which.
 */
export function costConfig(
  scenario: { trafficRps?: number; prices?: GivenPrices } | undefined,
  override?: { prices: GivenPrices; source: string },
): CostConfig {
  const prices: Prices = override
    ? { ...override.prices, source: override.source }
    : scenario?.prices
      ? { ...scenario.prices, source: "the scenario's prices (cost.prices)" }
      : DEFAULT_PRICES;
  return {
    prices,
    ...(scenario?.trafficRps !== undefined ? { trafficRps: scenario.trafficRps } : {}),
  };
}
