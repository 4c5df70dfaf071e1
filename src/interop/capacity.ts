// Capacity (`meshbench capacity`'s answers in capacity.json) as the exports carry it: per
// scenario and mesh that has a number. A capacity was held (confirmed) at its rate and
// failed at the bracket's top, so the true limit lies between; an "at least" answer held at
// the search's max, or the load generator gave out before the mesh, so it is a lower bound
// with no top. "none", "failed" and "skipped" answers have no rate: nothing is exported for
// them, never a 0. Pure.
import type { CapacityFile } from "../results/capacity-file.ts";
import type { Mesh } from "../results/run-schema.ts";

export interface CapacityFigure {
  mesh: Mesh;
  kind: "capacity" | "at-least";
  /** The answer, rps: the highest rate held within the SLO. */
  rate: number;
  /** The rate the mesh failed at (kind capacity); absent for a lower bound. */
  failed?: number;
  /** Why an at-least answer has no top: the search's max held, or the load generator saturated. */
  limit?: "max" | "instrument";
  /** The SLO's terms as written (p99 <= 100ms). */
  slo: string[];
}

export function capacityFigures(file: CapacityFile): CapacityFigure[] {
  return file.meshes.flatMap((m): CapacityFigure[] => {
    if ((m.kind !== "capacity" && m.kind !== "at-least") || m.rate === null) return [];
    const failed = m.kind === "capacity" ? m.bracket.failed : null;
    return [
      {
        mesh: m.mesh,
        kind: m.kind,
        rate: m.rate,
        ...(failed !== null ? { failed } : {}),
        ...(m.limit ? { limit: m.limit } : {}),
        slo: file.slo,
      },
    ];
  });
}

/** The answer in words for a tooltip or a help line: its kind, bracket and SLO. */
export function capacityFacts(c: CapacityFigure): string {
  const bound =
    c.failed !== undefined
      ? `capacity: held ${c.rate} rps, failed ${c.failed} rps`
      : c.limit === "instrument"
        ? `at least ${c.rate} rps: the load generator saturated before the mesh failed`
        : `at least ${c.rate} rps: held at the search's max`;
  return `${bound}; SLO ${c.slo.join(", ")}`;
}
