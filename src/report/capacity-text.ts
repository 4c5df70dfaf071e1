// A capacity answer in words, the same in the CLI's table, its progress and the report.
import type { MeshCapacity } from "../results/capacity-file.ts";
import type { CapacityAnswerBrief, CapacityVerdict } from "../stats/capacity-verdict.ts";

export const CAPACITY_VERDICT_MARK: Record<CapacityVerdict["verdict"], string> = {
  regressed: "🔴 regressed",
  improved: "🟢 improved",
  unchanged: "⚪ unchanged",
  "not comparable": "➖ not comparable",
};

/** The rate an answer holds, or null: none found, the search failed or was skipped. */
export const heldAnswer = (a: CapacityAnswerBrief): number | null =>
  a.kind === "capacity" || a.kind === "at-least" ? a.rate : null;

/** An answer in a table cell: `1000 rps (failed 1050)` with its bracket, `≥ 5000 rps` for a bound. */
export function answerCell(a: CapacityAnswerBrief): string {
  const held = heldAnswer(a);
  if (held === null) return a.kind;
  if (a.kind === "at-least") return `≥ ${held} rps`;
  return `${held} rps (failed ${a.bracket.failed ?? "–"})`;
}

/** One mesh's answer as it must be read: a capacity with its bracket, or a bound, or why not. */
export function answerText(m: MeshCapacity): string {
  const probes = `${m.probes.length} run${m.probes.length === 1 ? "" : "s"}`;
  const failed = m.bracket.failed !== null ? `${m.bracket.failed} rps` : "–";
  switch (m.kind) {
    case "capacity":
      return `${m.rate} rps (held ${m.bracket.held} rps, failed ${failed}; ${probes})`;
    case "at-least":
      return m.limit === "instrument"
        ? `at least ${m.rate} rps: the load generator saturated at ${failed}, not the mesh (${probes})`
        : `at least ${m.rate} rps: held at max (${probes})`;
    case "none":
      return m.limit === "instrument"
        ? `none: the load generator saturated before min held (${probes})`
        : `none: failed at min, ${failed} (${probes})`;
    case "failed":
      return `FAILED: ${m.reason} (${probes})`;
    case "skipped":
      return `skipped: ${m.reason}`;
  }
}
