// The SLO a capacity search holds a mesh to, written like the thresholds but absolute:
// `p99 <= 100ms`, `errors <= 0.1%`, `achieved >= 99%`. Every term must hold for a probe
// to pass. Pure: text in, values out; errors name the source, the term and what is allowed
// (as thresholds.ts does, with its ThresholdError).
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import { formatDuration, parseDuration } from "../scenario/duration.ts";
import { errorCount } from "./summarize.ts";
import { ThresholdError } from "./thresholds.ts";

export type SloTerm =
  /** A latency percentile (from the intended send time) at most this many ms. */
  | { kind: "latency"; percentile: PercentileKey; maxMs: number }
  /** Failed requests (no response, 4xx, 5xx) at most this share of those sent. */
  | { kind: "errors"; maxShare: number }
  /** Responses per second at least this share of the rate asked for. */
  | { kind: "achieved"; minShare: number };

export type Slo = SloTerm[];

/** What one probe measured, in the units the terms speak. */
export interface ProbeFigures {
  /** Latency percentiles in ms. */
  latencyMs: Record<PercentileKey, number>;
  /** Failed ÷ sent (0 when nothing was sent: no evidence of errors). */
  errorShare: number;
  /** Achieved rate ÷ target rate. */
  achievedShare: number;
}

const LATENCY_KEYS = [...PERCENTILE_KEYS, "max"] as const;
export const SLO_ALLOWED = `"pNN <= DURATION" (${LATENCY_KEYS.join(", ")}; e.g. p99 <= 100ms), "errors <= N%" (e.g. errors <= 0.1%) or "achieved >= N%" (e.g. achieved >= 99%)`;

const TERM = /^([a-z][a-z0-9.]*)\s*(<=|>=)\s*(\S.*)$/;

/** One term, e.g. `p99 <= 100ms`; `where` names it in errors (file:line, or a flag). */
export function parseSloTerm(text: string, where: string): SloTerm {
  const bad = (why: string) =>
    new ThresholdError(`${where}: "${text}" ${why}; allowed: ${SLO_ALLOWED}`);
  const match = TERM.exec(text.trim());
  if (!match) throw bad("is not an SLO term");
  const [, rawKey, op, value] = match as unknown as [string, string, string, string];
  const key = rawKey.replace(/^latency\./, "");
  if (key === "errors" || key === "achieved") {
    const wantOp = key === "errors" ? "<=" : ">=";
    if (op !== wantOp) throw bad(`must be written with ${wantOp}`);
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(value.trim());
    if (!pct || Number(pct[1]) > 100) throw bad("needs a percentage from 0% to 100%");
    const share = Number(pct[1]) / 100;
    return key === "errors"
      ? { kind: "errors", maxShare: share }
      : { kind: "achieved", minShare: share };
  }
  const percentile = (key === "max" ? "p100" : key) as PercentileKey;
  if (!PERCENTILE_KEYS.includes(percentile)) throw bad(`names no figure an SLO can hold`);
  if (op !== "<=") throw bad("must be written with <= (a latency is held below a bound)");
  const ms = parseDuration(value);
  if (typeof ms !== "number" || ms <= 0) throw bad("needs a duration above 0, e.g. 100ms");
  return { kind: "latency", percentile, maxMs: ms };
}

export function parseSlo(terms: readonly string[], where: (index: number) => string): Slo {
  if (terms.length === 0) throw new ThresholdError(`${where(0)}: an SLO needs at least one term`);
  return terms.map((t, i) => parseSloTerm(t, where(i)));
}

/** A term as a person writes it, for reports. */
export function formatSloTerm(term: SloTerm): string {
  const pct = (share: number) => `${Number((share * 100).toFixed(4))}%`;
  switch (term.kind) {
    case "latency":
      return `${term.percentile === "p100" ? "max" : term.percentile} <= ${formatDuration(term.maxMs)}`;
    case "errors":
      return `errors <= ${pct(term.maxShare)}`;
    case "achieved":
      return `achieved >= ${pct(term.minShare)}`;
  }
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
