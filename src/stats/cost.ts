// What a mesh costs in money, from what meshbench measured: per mesh, the data-plane and
// control-plane CPU and memory it adds over bare in the same matrix (overhead.ts), per
// 1,000 rps at the rate it was measured at, priced per vCPU-hour and GiB-hour: dollars per
// million requests, and per month at a traffic the user states. Pure.
//
// The figures scale linearly from the measured rate: right for CPU that grows with the
// requests, an overstatement above that rate (and understatement below it) for memory and
// the fixed part of a proxy's CPU. The report says at which rate each was measured.
import { type Overhead, overheadVsBare } from "./overhead.ts";
import type { ScenarioSummary } from "./summarize.ts";

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
