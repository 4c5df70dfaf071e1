// When the load generator's own error is a warning (DESIGN.md, "The instrument's own error
// is a result"), shared by its summary and the reports. Pure, and free of zod: the load
// generator's bundle carries it.

/** Share of the measured p99 above which the instrument's own p99 lateness is a warning. */
export const LATENESS_WARNING_SHARE = 0.1;

/** Event-loop utilization of the busiest worker from which the load generator is saturated. */
export const SATURATION_UTILIZATION = 0.9;

/** The load generator, not the system, dominates the tail: its p99 lateness > 10 % of the p99. */
export const latenessDominates = (latenessP99: number, latencyP99: number): boolean =>
  latencyP99 > 0 && latenessP99 > LATENESS_WARNING_SHARE * latencyP99;

export const isSaturated = (utilization: number): boolean => utilization >= SATURATION_UTILIZATION;

export const LATENESS_WARNING =
  "the load generator, not the system, dominates this tail (its p99 lateness is over 10 % of the p99): add workers or pods, or use precise pacing";
export const SATURATION_WARNING =
  "the load generator was saturated (its event loop busy 90 % of the run or more): an overloaded instrument, not an overloaded system, may be what was measured; add workers or pods";
