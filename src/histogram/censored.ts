// Censored tails (DESIGN.md, "A timed-out request stays in the tail"): a request that hit
// the timeout is recorded at its elapsed time, a lower bound of its latency. A percentile
// whose rank falls among the last `censored` of `count` values may be such a bound, and is
// shown as `≥`. Pure.
import { PERCENTILE_KEYS, PERCENTILES, type PercentileKey } from "./hdr.ts";

/**
 * Whether percentile `q` (0–100) of `count` values, `censored` of them lower bounds, may be
 * one. HdrHistogram's percentile is the value of rank ceil(q/100 · count) (at least 1); the
 * censored values are the slowest, so ranks above count − censored may be censored.
 */
export function isLowerBound(q: number, count: number, censored: number): boolean {
  if (censored <= 0 || count === 0) return false;
  const rank = Math.max(1, Math.ceil((q / 100) * count - 1e-9));
  return rank > count - censored;
}

/** The reported percentiles that are lower bounds. */
export function lowerBoundKeys(count: number, censored: number): PercentileKey[] {
  return PERCENTILE_KEYS.filter((_, i) => isLowerBound(PERCENTILES[i]!, count, censored));
}
