// One metric of one mesh, baseline against candidate, with its verdict: what compare.ts
// builds and run-checks.ts adds to (its own file, so neither imports the other).
import type { MetricId, Threshold } from "./metrics.ts";
import type { MetricSummary } from "./summarize.ts";
import type { Judgement } from "./verdict.ts";

export interface MetricComparison extends Judgement {
  metric: MetricId;
  threshold: Threshold;
  base: MetricSummary;
  cand: MetricSummary;
}
