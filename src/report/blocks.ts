import type { CapacityVerdict } from "../stats/capacity-verdict.ts";
import type { Comparison } from "../stats/compare.ts";
import type { CostConfig } from "../stats/cost.ts";
import type { OverTimeSeries } from "../stats/over-time.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";
import type { Verdict } from "../stats/verdict.ts";
import type { ChartSpec } from "./charts.ts";

export type Align = "l" | "r" | "c";

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][]; align: Align[] }
  | { kind: "chart"; chart: ChartSpec };

export interface Section {
  heading?: { level: 1 | 2 | 3; text: string };
  blocks: Block[];
  /** Always in the compact variant, whole: the verdicts and what frames them. */
  essential: boolean;
  /** Order in which the compact variant adds non-essential sections (lower first). */
  priority: number;
  /** The compact variant may keep only the first rows of this section's tables. */
  truncatable?: boolean;
  /** What the compact variant names when it leaves this section out. */
  name: string;
  /**
   * The summary line of the `<details>` block the compact variant (the PR comment) folds
   * this section into: what is inside. Default: the heading and what its blocks hold.
   */
  fold?: string;
  /** Comes first in the compact variant, its heading dropped (the verdict and what changed). */
  leads?: boolean;
  /**
   * Ever shorter blocks for an essential section, tried in order only when the essential
   * sections alone would not fit the compact variant (many meshes, all changed): none of
   * them drops a verdict other than "unchanged".
   */
  compactBlocks?: Block[][];
  /**
   * The last resort when even the shortest compactBlocks do not fit: the section with its
   * lists cut to their first `keep` items, counting what was cut. Its first block (the
   * overall verdict and the count of each verdict) always stays.
   */
  cutBlocks?: (keep: number) => Block[];
}

export interface ReportInput {
  scenarios: ScenarioSummary[];
  /** Problems met reading results (paths and reasons). */
  problems: string[];
  /** Over-time series per `scenario\u0000mesh label`. */
  overTime: Map<string, OverTimeSeries>;
  comparison: Comparison | null;
  /** Capacity searches against the baseline's: counted and shown with the comparison. */
  capacityVerdicts?: readonly CapacityVerdict[] | null;
  /** Where the baseline came from, for the header. */
  baselineSource?: string;
  /** Prices and traffic for the cost in money (default: OpenCost's prices, no traffic). */
  cost?: CostConfig;
}

export const overTimeKey = (scenario: string, label: string): string => `${scenario}\u0000${label}`;

export const VERDICT_MARK: Record<Verdict, string> = {
  regressed: "🔴",
  improved: "🟢",
  inconclusive: "🟡",
  unchanged: "⚪",
  "not gated": "➖",
};
export const LEGEND =
  "🔴 regressed · 🟢 improved · 🟡 inconclusive · ⚪ unchanged · ➖ shown, not gated · ≈ within noise";

/** A change the gate's noise rule would not call one (verdicts and the overhead table). */
export const WITHIN_NOISE = "≈";

/** Shown as a change, or just shown: "not gated" and "unchanged" are not changes. */
export const isChange = (v: Verdict): boolean => v !== "unchanged" && v !== "not gated";
