// The pacer (pure): when a connection's slot k is intended. Latency is measured from that
// instant, whatever happened before the send.
//
// Every connection's slots lie on a comb of ticks m = 0, 1, 2, … at m / tickRate seconds,
// and the connection owns every `lanes`-th tick from tick `lane` on: slot k is tick
// k·lanes + lane. Times and counts are computed from the integer tick index, never by
// adding a float period or taking the ceiling of a float ratio: 10 s at 110 rps is exactly
// 1,100 ticks, where 10000 / (1000/110) is 1100.0000000000002 and schedules a phantom slot.

export interface Schedule {
  /** The comb ticks rate · num / den times a second (num and den integers, kept apart so
   * whole-run counts stay exact products and quotients of integers). */
  rate: number;
  num: number;
  den: number;
  /** This connection's first tick and its stride over the comb. */
  lane: number;
  lanes: number;
}

/** Ticks of the comb in `ms` milliseconds (a real number; exact when the inputs are integers). */
function ticksIn(s: Schedule, ms: number): number {
  const ticks = (ms * s.rate * s.num) / (1000 * s.den);
  // A fractional rate (a pod's rate / P) can land a few ulps off an integer (1000/3 rps
  // for 3 s is 999.9999999999999 ticks): that rounding is no slot. 1e-12 is far above
  // float noise and far below any real fraction (a thousandth of a tick at 10⁸ ticks).
  const nearest = Math.round(ticks);
  return Math.abs(ticks - nearest) < 1e-12 * Math.max(1, nearest) ? nearest : ticks;
}

export function intendedAt(startMs: number, s: Schedule, slot: number): number {
  return startMs + ((slot * s.lanes + s.lane) * 1000 * s.den) / (s.rate * s.num);
}

/** Number of slots intended strictly before `timeMs` (slots 0 … n−1). */
export function slotsBefore(startMs: number, s: Schedule, timeMs: number): number {
  // Ticks m < T with m ≡ lane (mod lanes) and m ≥ lane.
  const n = Math.ceil((ticksIn(s, timeMs - startMs) - s.lane) / s.lanes);
  return Math.max(n, 0);
}

/** Time between a connection's consecutive slots, ms. */
export const periodMs = (s: Schedule): number => (s.lanes * 1000 * s.den) / (s.rate * s.num);
