// Cells and names the report's sections share: columns, titles, rate and max marks. Pure.
import type { PercentileKey } from "../histogram/hdr.ts";
import type { Fingerprint } from "../results/fingerprint.ts";
import {
  isMaxAt,
  type MetricId,
  metricDef,
  percentOf,
  type ResourceKind,
} from "../stats/metrics.ts";
import { formatValue, sig3 } from "./format.ts";

export const LATENCY_COLUMNS: readonly PercentileKey[] = [
  "p50",
  "p90",
  "p99",
  "p99.9",
  "p99.99",
  "p100",
];
export const RESOURCE_COLUMNS: readonly ResourceKind[] = ["controlPlane", "maxProxy", "dataPlane"];
/**
 * Metrics the verdict matrix always shows; others join it when their verdict is not "unchanged".
 */
export const MATRIX_METRICS: readonly MetricId[] = [
  ...LATENCY_COLUMNS.map((k) => `latency.${k}` as const),
  "rate.achieved",
  "errors.rate",
  ...RESOURCE_COLUMNS.flatMap((k) => [`cpu.${k}` as const, `memory.${k}` as const]),
];

export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "scenario";

export function metricTitle(id: MetricId): string {
  const def = metricDef(id);
  return def.unit === "ms" ? `${def.label} latency` : def.label;
}

export function describeFingerprint(fp: Fingerprint): string {
  return (
    `Workload ${fp.workload} × ${fp.instances}, ${fp.rate.toLocaleString("en-US")} rps over ` +
    `${fp.connections} connections from ${fp.loadgenPods} load-generator pod(s), ` +
    `${sig3(fp.durationMs / 1000)} s per run, on ${fp.platform} (${fp.nodeTypes}).`
  );
}

/**
 * The achieved rate beside every latency (DESIGN.md: a mesh that managed 568 of 600 rps
 * must say so in every table): latencies at a lower rate are not comparable as they stand.
 */
export const rateCell = (rate: number | undefined): string =>
  rate === undefined ? "–" : formatValue(rate, "rps");

/** A percentile fewer than one response lies beyond is the max, and shown as such. */
export const MAX_MARK = "= max";
export const maxNote = (rows: string[][]): string =>
  rows.some((r) => r.includes(MAX_MARK))
    ? " `= max`: fewer than one response lies beyond that percentile (responses × (1 − q) under 1; per run in the first table, in all runs in the pooled one), so it is the maximum, shown once under max."
    : "";
export const beyondData = (k: PercentileKey, count: number): boolean =>
  k !== "p100" && isMaxAt(percentOf(k), count);
