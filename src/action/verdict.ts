// The Action's one-word verdict from the comparison (pure): regressed when any metric of any mesh
// regressed, the run checks included (more failed runs, more restarts), or any capacity
// (capacity-verdict.ts); inconclusive when a pair could not be judged (noise, fingerprints
// that differ, a mesh missing on one side, capacity searches not comparable); pass
// otherwise; no-baseline without one.
import type { OverallVerdict } from "../github/comment-policy.ts";
import type { CapacityVerdict } from "../stats/capacity-verdict.ts";
import { type Comparison, regressions } from "../stats/compare.ts";

export function overallVerdict(
  comparison: Comparison | null,
  capacity: readonly CapacityVerdict[] = [],
): OverallVerdict {
  if (!comparison) return "no-baseline";
  if (regressions(comparison).length > 0 || capacity.some((v) => v.verdict === "regressed"))
    return "regressed";
  const unsure =
    comparison.refused.length > 0 ||
    (comparison.meshes.length === 0 && capacity.length === 0) ||
    capacity.some((v) => v.verdict === "not comparable") ||
    comparison.meshes.some((m) => m.metrics.some((x) => x.verdict === "inconclusive"));
  return unsure ? "inconclusive" : "pass";
}
