// The cost in money in the report: one line for the scenario's header (what the comment
// shows: "linkerd adds $X/month at 5,000 rps; istio $Y") and a table per mesh in its own
// section, each naming the prices and where they come from. Pure.
import { type CostConfig, type MeshCost, scenarioCosts } from "../stats/cost.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";
import type { Block, Section } from "./blocks.ts";
import { formatValue, sig3 } from "./format.ts";

/** Dollars: cents from $1 up, three significant digits below (a cost per million is small). */
export function usd(value: number): string {
  if (Math.abs(value) >= 1)
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${sig3(value)}`;
}

const traffic = (rps: number): string => `${rps.toLocaleString("en-US")} rps`;

/** `linkerd adds $12.30/month at 5,000 rps; istio $46.21` (per million requests without a traffic). */
export function costLine(costs: readonly MeshCost[], config: CostConfig): string | null {
  if (costs.length === 0) return null;
  const figure = (c: MeshCost) =>
    c.usdPerMonth === null ? usd(c.usdPerMillion) : usd(c.usdPerMonth);
  const unit =
    config.trafficRps === undefined
      ? " per million requests"
      : `/month at ${traffic(config.trafficRps)}`;
  const [first, ...rest] = costs;
  const others = rest.map((c) => `${c.label} ${figure(c)}`);
  return (
    `Cost over bare: ${first!.label} adds ${figure(first!)}${unit}` +
    (others.length > 0 ? `; ${others.join("; ")}` : "") +
    ` (CPU and memory of data and control plane; ${config.prices.source}).`
  );
}

const per1k = (v: number | null, unit: "vCPU" | "GiB"): string =>
  v === null ? "–" : `${sig3(v)} ${unit}`;

export function costSection(
  s: ScenarioSummary,
  config: CostConfig,
): {
  line: string | null;
  section: Section | null;
} {
  const costs = scenarioCosts(s, config);
  if (costs.length === 0) return { line: null, section: null };
  const header = [
    "Mesh",
    "at rps",
    "data plane per 1,000 rps",
    "control plane per 1,000 rps",
    "$ per million requests",
    ...(config.trafficRps === undefined ? [] : [`$ per month at ${traffic(config.trafficRps)}`]),
  ];
  const rows = costs.map((c) => [
    c.label,
    formatValue(c.atRps, "rps"),
    `${per1k(c.dataPlane.vcpuPer1kRps, "vCPU")}, ${per1k(c.dataPlane.gibPer1kRps, "GiB")}`,
    `${per1k(c.controlPlane.vcpuPer1kRps, "vCPU")}, ${per1k(c.controlPlane.gibPer1kRps, "GiB")}`,
    usd(c.usdPerMillion),
    ...(c.usdPerMonth === null ? [] : [usd(c.usdPerMonth)]),
  ]);
  const blocks: Block[] = [
    { kind: "table", header, rows, align: ["l", "r", "r", "r", "r", "r"] },
    {
      kind: "paragraph",
      text:
        `Resources the mesh adds over bare (difference of the medians), divided by the rate they were measured at, priced at $${config.prices.vcpuHour} per vCPU-hour and $${config.prices.gibHour} per GiB-hour: ${config.prices.source}. ` +
        "A million requests at the measured rate take 1,000,000 ÷ rate seconds; a month is 730 hours. " +
        "Figures scale linearly from the measured rate: memory and a proxy's fixed CPU do not, so far from that rate they are an estimate.",
    },
  ];
  return {
    line: costLine(costs, config),
    section: {
      heading: { level: 3, text: "Cost over bare" },
      blocks,
      essential: false,
      priority: 3,
      name: `${s.scenario}: cost`,
      fold: `Cost over bare: vCPU and GiB per 1,000 rps, $ per million requests${config.trafficRps === undefined ? "" : ` and per month at ${traffic(config.trafficRps)}`}`,
    },
  };
}
