// The capacity search: the highest total rate a mesh holds within an SLO, between bounds,
// to a stated precision. Pure and stateless: given the probes so far it returns the next
// rate to probe or the answer, so the orchestrator (src/run/capacity.ts) only runs what it
// is told and a test can drive it with a simulated system.
//
// The rule: probe min (it must hold), then max (if it holds and is confirmed, the answer is
// "at least max"), then bisect between the highest rate that held and the lowest that failed
// until they are within the precision. A pass can be luck, and a lucky pass near the
// boundary would set the answer too high, so the answer is never an unconfirmed probe: the
// highest held rate gets a longer confirmation run. If that fails, it counts as a failure
// there and the search goes back to the highest held rate below it and carries on.
//
// A probe that failed while the load generator itself was saturated says nothing about the
// mesh: the search stops there, and the answer is "at least" the highest confirmed rate.

import type { CapacitySpec } from "../scenario/load.ts";

export interface CapacityBounds {
  minRate: number;
  maxRate: number;
  /** Stop when the failed rate is within this of the held one. */
  precision: Precision;
}

export type Precision = CapacitySpec["precision"];

export interface ProbeOutcome {
  rate: number;
  /** A confirmation run (longer) at a rate a probe held. */
  confirm: boolean;
  /** It held the SLO. */
  passed: boolean;
  /** It failed while the load generator was saturated: the instrument, not the mesh, gave out. */
  instrumentLimited?: boolean;
}

export type CapacityStep = { kind: "probe"; rate: number; confirm: boolean } | CapacityDone;

export interface CapacityDone {
  kind: "done";
  result: CapacityAnswer;
}

export interface CapacityAnswer {
  /**
   * capacity: the SLO held at `rate` (confirmed) and failed at the bracket's `failed`;
   * at-least: a lower bound, the search could not go higher (`limit` says why);
   * none: not even min held (limit instrument: the load generator gave out first).
   */
  kind: "capacity" | "at-least" | "none";
  /** The confirmed rate; null when kind is none. */
  rate: number | null;
  /** The last held rate (confirmed) and the first failed rate; null where there is none. */
  bracket: { held: number | null; failed: number | null };
  /** Why an at-least answer stops where it does. */
  limit?: "max" | "instrument";
}

/** Whether the held and failed rates are close enough to stop. */
export function withinPrecision(held: number, failed: number, precision: Precision): boolean {
  return precision.kind === "relative"
    ? failed <= held * (1 + precision.share)
    : failed - held <= precision.rps;
}

/** The rate between two: geometric for a relative precision, arithmetic for an absolute one. */
function between(low: number, high: number, precision: Precision): number {
  const mid = precision.kind === "relative" ? Math.sqrt(low * high) : (low + high) / 2;
  return Math.round(mid);
}

interface State {
  held: number | null;
  /** Rates that held below `held`, unconfirmed, newest last: where to fall back to. */
  below: number[];
  failed: number | null;
  confirmed: number | null;
  instrument: boolean;
  probedMax: boolean;
}

function replay(bounds: CapacityBounds, probes: readonly ProbeOutcome[]): State {
  const s: State = {
    held: null,
    below: [],
    failed: null,
    confirmed: null,
    instrument: false,
    probedMax: false,
  };
  for (const p of probes) {
    if (p.rate >= bounds.maxRate) s.probedMax = true;
    if (p.passed) {
      if (p.confirm) s.confirmed = p.rate;
      else {
        if (s.held !== null) s.below.push(s.held);
        s.held = p.rate;
      }
      continue;
    }
    s.failed = s.failed === null ? p.rate : Math.min(s.failed, p.rate);
    if (p.instrumentLimited) s.instrument = true;
    // A failed confirmation takes back the pass it was confirming.
    if (p.confirm && s.held === p.rate) s.held = s.below.pop() ?? null;
  }
  return s;
}

export function nextCapacityStep(
  bounds: CapacityBounds,
  probes: readonly ProbeOutcome[],
): CapacityStep {
  const s = replay(bounds, probes);
  const done = (result: CapacityAnswer): CapacityDone => ({ kind: "done", result });
  if (s.held === null) {
    if (probes.length === 0) return { kind: "probe", rate: bounds.minRate, confirm: false };
    return done({
      kind: "none",
      rate: null,
      bracket: { held: null, failed: s.failed },
      ...(s.instrument ? { limit: "instrument" as const } : {}),
    });
  }
  if (s.confirmed === s.held) {
    const atMax = s.failed === null;
    return done({
      kind: atMax || s.instrument ? "at-least" : "capacity",
      rate: s.held,
      bracket: { held: s.held, failed: s.failed },
      ...(atMax ? { limit: "max" as const } : s.instrument ? { limit: "instrument" as const } : {}),
    });
  }
  if (s.failed === null && !s.probedMax)
    return { kind: "probe", rate: bounds.maxRate, confirm: false };
  const mid = s.failed === null ? s.held : between(s.held, s.failed, bounds.precision);
  const settled =
    s.failed === null ||
    s.instrument ||
    withinPrecision(s.held, s.failed, bounds.precision) ||
    mid <= s.held ||
    mid >= s.failed;
  if (settled) return { kind: "probe", rate: s.held, confirm: true };
  return { kind: "probe", rate: mid, confirm: false };
}

/** Runs a search to its end against `probe` (tests and simulations; the orchestrator loops itself). */
export function searchCapacity(
  bounds: CapacityBounds,
  probe: (rate: number, confirm: boolean) => Omit<ProbeOutcome, "rate" | "confirm">,
  maxProbes = 100,
): { answer: CapacityAnswer; probes: ProbeOutcome[] } {
  const probes: ProbeOutcome[] = [];
  for (;;) {
    const step = nextCapacityStep(bounds, probes);
    if (step.kind === "done") return { answer: step.result, probes };
    if (probes.length >= maxProbes)
      throw new Error(`capacity search did not end in ${maxProbes} probes`);
    probes.push({ rate: step.rate, confirm: step.confirm, ...probe(step.rate, step.confirm) });
  }
}
