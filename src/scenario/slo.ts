// The SLO a capacity search holds a mesh to (the scenario's capacity.slo), written like
// the thresholds but absolute: `p99 <= 100ms`, `errors <= 0.1%`, `achieved >= 99%`. Every
// term must hold for a probe to pass (src/stats/capacity-slo.ts judges a probe). Here, below
// the statistics, so the scenario's schema can check the terms with file:line errors. Pure.
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import { formatDuration, parseDuration } from "./duration.ts";

export class SloError extends Error {
  /** What is wrong with the term alone, without where and what is allowed. */
  readonly problem: string;
  constructor(message: string, problem: string) {
    super(message);
    this.name = "SloError";
    this.problem = problem;
  }
}

export type SloTerm =
  /** A latency percentile (from the intended send time) at most this many ms. */
  | { kind: "latency"; percentile: PercentileKey; maxMs: number }
  /** Failed requests (no response, 4xx, 5xx) at most this share of those sent. */
  | { kind: "errors"; maxShare: number }
  /** Responses per second at least this share of the rate asked for. */
  | { kind: "achieved"; minShare: number };

export type Slo = SloTerm[];

const LATENCY_KEYS = [...PERCENTILE_KEYS, "max"] as const;
export const SLO_ALLOWED = `"pNN <= DURATION" (${LATENCY_KEYS.join(", ")}; e.g. p99 <= 100ms), "errors <= N%" (e.g. errors <= 0.1%) or "achieved >= N%" (e.g. achieved >= 99%)`;

const TERM = /^([a-z][a-z0-9.]*)\s*(<=|>=)\s*(\S.*)$/;

/** One term, e.g. `p99 <= 100ms`; `where` (file:line, a flag) starts its errors. */
export function parseSloTerm(text: string, where = ""): SloTerm {
  const bad = (why: string) =>
    new SloError(
      `${where ? `${where}: ` : ""}"${text}" ${why}; allowed: ${SLO_ALLOWED}`,
      `"${text}" ${why}`,
    );
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
