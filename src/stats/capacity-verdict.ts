// Capacity against a baseline's, and per core of the data plane. Pure.
//
// The rule: capacity regressed when the candidate's bracket lies wholly below the baseline's,
// with a gap of at least the precision: the candidate failed at a rate F, the baseline held
// (confirmed) at H, and F·(1 + precision) <= H (F + precision <= H for an absolute one).
// Brackets of the same unchanged system are adjacent or overlap at most run-to-run noise
// apart, so the gap is what keeps noise from being called a change: on simulated systems
// (test/stats/capacity-verdict.test.ts, README "Capacity") it raised no false alarm in 2000
// unchanged pairs at run-to-run noise up to 2 % (4.1 % at 5 %), and caught a 10 % drop in
// 91 % of pairs at 2 % noise (a 20 % drop: all). Improved is the mirror image.
import type { CapacityFile, MeshCapacity } from "../results/capacity-file.ts";
import { meshLabel, meshLineage } from "../results/mesh.ts";

export type CapacityVerdictKind = "regressed" | "improved" | "unchanged" | "not comparable";

export interface CapacityVerdict {
  scenario: string;
  mesh: string;
  baselineMesh: string;
  verdict: CapacityVerdictKind;
  /** One line: the two brackets, or why they cannot be compared. */
  reason: string;
  /** The two answers compared (what a report's row shows: rate, kind and bracket). */
  baseline: CapacityAnswerBrief;
  candidate: CapacityAnswerBrief;
}

export type CapacityAnswerBrief = Pick<MeshCapacity, "kind" | "rate" | "bracket" | "limit">;

const brief = ({ kind, rate, bracket, limit }: MeshCapacity): CapacityAnswerBrief => ({
  kind,
  rate,
  bracket,
  ...(limit ? { limit } : {}),
});

/** The rate above which the search knows the mesh fails (null: none, or only the instrument failed). */
function failedRate(m: MeshCapacity): number | null {
  return m.limit === "instrument" ? null : m.bracket.failed;
}

/** Held (confirmed) rate: what the answer says the mesh sustains. */
function heldRate(m: MeshCapacity): number | null {
  return m.kind === "capacity" || m.kind === "at-least" ? m.rate : null;
}

function below(failed: number | null, held: number | null, file: CapacityFile): boolean {
  if (failed === null || held === null) return false;
  const p = /^(\d+(?:\.\d+)?)(%|rps)$/.exec(file.precision);
  const amount = p ? Number(p[1]) : 0;
  return p?.[2] === "rps" ? failed + amount <= held : failed * (1 + amount / 100) <= held;
}

const bracketText = (m: MeshCapacity) =>
  `held ${heldRate(m) ?? "–"}, failed ${failedRate(m) ?? "–"} rps`;

/** What must match for two searches to be compared: the SLO and how it was probed. */
function differences(a: CapacityFile, b: CapacityFile): string[] {
  const out: string[] = [];
  if (a.slo.join(", ") !== b.slo.join(", "))
    out.push(`SLO ${a.slo.join(", ")} vs ${b.slo.join(", ")}`);
  if (a.precision !== b.precision) out.push(`precision ${a.precision} vs ${b.precision}`);
  if (a.probeMs !== b.probeMs || a.confirmMs !== b.confirmMs)
    out.push(`probe/confirmation ${a.probeMs}/${a.confirmMs} ms vs ${b.probeMs}/${b.confirmMs} ms`);
  return out;
}

export function compareCapacity(
  baseline: readonly CapacityFile[],
  candidate: readonly CapacityFile[],
): CapacityVerdict[] {
  const verdicts: CapacityVerdict[] = [];
  for (const file of candidate) {
    const base = baseline.find((b) => b.scenario === file.scenario);
    if (!base) continue;
    const differ = differences(base, file);
    for (const m of file.meshes) {
      const b = base.meshes.find((x) => meshLineage(x.mesh) === meshLineage(m.mesh));
      if (!b) continue;
      const common = {
        scenario: file.scenario,
        mesh: meshLabel(m.mesh),
        baselineMesh: meshLabel(b.mesh),
        baseline: brief(b),
        candidate: brief(m),
      };
      const answered = (x: MeshCapacity) => x.kind !== "failed" && x.kind !== "skipped";
      if (differ.length > 0 || !answered(m) || !answered(b)) {
        verdicts.push({
          ...common,
          verdict: "not comparable",
          reason:
            differ.length > 0 ? differ.join("; ") : `no answer: ${!answered(m) ? m.kind : b.kind}`,
        });
        continue;
      }
      const verdict: CapacityVerdictKind = below(failedRate(m), heldRate(b), file)
        ? "regressed"
        : below(failedRate(b), heldRate(m), file)
          ? "improved"
          : "unchanged";
      verdicts.push({ ...common, verdict, reason: `${bracketText(b)} → ${bracketText(m)}` });
    }
  }
  return verdicts;
}

/**
 * Capacity per core of data-plane CPU: the answer's rate ÷ the data plane's mean CPU in its
 * confirmation run. Null where there is no data plane (bare) or no confirmed answer.
 */
export function capacityPerCore(m: MeshCapacity): number | null {
  const held = heldRate(m);
  if (held === null) return null;
  const confirmation = m.probes.findLast((p) => p.confirm && p.passed && p.rate === held);
  const cores = confirmation?.dataPlaneCores;
  return cores !== undefined && cores > 0 ? held / cores : null;
}
