// Counts of outcomes: responses by status class, failures by class.
import type { ErrorCounts, StatusCounts } from "../results/loadgen-schema.ts";
import type { FailureClass } from "./errors.ts";

export interface Tally {
  status: StatusCounts;
  errors: ErrorCounts;
}

export function newTally(): Tally {
  return {
    status: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    errors: { connect: 0, reset: 0, timeout: 0, other: 0 },
  };
}

export function addStatus(tally: Tally, statusCode: number): void {
  const s = tally.status;
  if (statusCode < 300) s["2xx"]++;
  else if (statusCode < 400) s["3xx"]++;
  else if (statusCode < 500) s["4xx"]++;
  else s["5xx"]++;
}

export function addFailure(tally: Tally, kind: FailureClass): void {
  tally.errors[kind]++;
}

/** Adds `from` into `into` (tallies of workers and pods are summed). */
export function addTally(into: Tally, from: Tally): Tally {
  for (const k of Object.keys(into.status) as (keyof StatusCounts)[])
    into.status[k] += from.status[k];
  for (const k of Object.keys(into.errors) as (keyof ErrorCounts)[])
    into.errors[k] += from.errors[k];
  return into;
}

export const responses = (t: Tally): number =>
  t.status["2xx"] + t.status["3xx"] + t.status["4xx"] + t.status["5xx"];

/** Good responses: 2xx and 3xx (what the target really served). */
export const good = (t: Tally): number => t.status["2xx"] + t.status["3xx"];

export const failures = (t: Tally): number =>
  t.errors.connect + t.errors.reset + t.errors.timeout + t.errors.other;
