// Median, min and max of per-run values: how a figure over repetitions is reported.
export interface Described {
  n: number;
  median: number;
  min: number;
  max: number;
  /** The per-run values, in repetition order. */
  values: number[];
  /**
   * Some values are lower bounds (a latency percentile that reaches timed-out requests,
   * recorded at their elapsed time): shown as `≥`, judged as such.
   */
  lowerBound?: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function describe(values: readonly number[]): Described {
  return {
    n: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    values: [...values],
  };
}
