// Whether a capacity probe held its SLO (src/scenario/slo.ts): what each term measured, and
// the terms it broke. Pure.
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import { formatSloTerm, type Slo } from "../scenario/slo.ts";
import { errorCount } from "./summarize.ts";

/** What one probe measured, in the units the terms speak. */
export interface ProbeFigures {
  /** Latency percentiles in ms. */
  latencyMs: Record<PercentileKey, number>;
  /** Failed ÷ sent (0 when nothing was sent: no evidence of errors). */
  errorShare: number;
  /** Achieved rate ÷ target rate. */
  achievedShare: number;
}

/** The terms a probe broke (empty: it held the SLO), each saying what was measured. */
export function brokenTerms(slo: Slo, figures: ProbeFigures): string[] {
  const broken: string[] = [];
  for (const term of slo) {
    if (term.kind === "latency") {
      const ms = figures.latencyMs[term.percentile];
      if (!(ms <= term.maxMs)) broken.push(`${formatSloTerm(term)}: was ${ms.toFixed(3)} ms`);
    } else if (term.kind === "errors") {
      if (!(figures.errorShare <= term.maxShare))
        broken.push(`${formatSloTerm(term)}: was ${(figures.errorShare * 100).toFixed(3)}%`);
    } else if (!(figures.achievedShare >= term.minShare)) {
      broken.push(`${formatSloTerm(term)}: was ${(figures.achievedShare * 100).toFixed(2)}%`);
    }
  }
  return broken;
}

/** A probe's figures from its load generator's result. No response: no latency holds. */
export function probeFigures(load: LoadgenResult): ProbeFigures {
  const latencyMs = {} as Record<PercentileKey, number>;
  for (const k of PERCENTILE_KEYS)
    latencyMs[k] = load.latencyUs.count > 0 ? load.latencyUs[k] / 1000 : Number.POSITIVE_INFINITY;
  const sent = load.achieved.sent;
  return {
    latencyMs,
    errorShare: sent > 0 ? errorCount(load) / sent : 0,
    achievedShare: load.achieved.rate / load.target.rate,
  };
}
