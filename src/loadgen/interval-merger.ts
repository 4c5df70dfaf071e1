// The interval histograms of several workers joined into one per interval, in order: each
// worker reports interval n when it has closed it, at its own pace, and interval n is
// complete once every worker has reported it or has finished. Pure: no clock, no I/O.
import type { Histogram } from "../histogram/hdr.ts";

export interface IntervalPart {
  /** Measured-period latencies; null during warm-up. */
  histogram: Histogram | null;
  /** Measured-period send lateness; null during warm-up. */
  lateness: Histogram | null;
  startMs: number;
  endMs: number;
  responses: number;
  failures: number;
  /** Of the histogram's values, how many are timed-out requests (lower bounds). */
  timeouts: number;
}

export type CompleteInterval = IntervalPart & { index: number };

/** `a` with `b` added into it (either may be null). */
function added(a: Histogram | null, b: Histogram | null): Histogram | null {
  if (a && b) a.add(b);
  return a ?? b;
}

export class IntervalMerger {
  readonly #lastIndexOf: number[];
  readonly #done: boolean[];
  readonly #pending = new Map<number, IntervalPart>();
  #nextIndex: number;
  #maxIndex: number;

  /** `firstIndex`: the first interval any worker can report (negative during warm-up). */
  constructor(workers: number, firstIndex: number) {
    this.#lastIndexOf = new Array<number>(workers).fill(firstIndex - 1);
    this.#done = new Array<boolean>(workers).fill(false);
    this.#nextIndex = firstIndex;
    this.#maxIndex = firstIndex - 1;
  }

  /** Worker `w` reports interval `index`; returns the intervals this completes, in order. */
  add(w: number, index: number, part: IntervalPart): CompleteInterval[] {
    this.#lastIndexOf[w] = index;
    this.#maxIndex = Math.max(this.#maxIndex, index);
    const seen = this.#pending.get(index);
    if (!seen) {
      this.#pending.set(index, { ...part });
    } else {
      seen.histogram = added(seen.histogram, part.histogram);
      seen.lateness = added(seen.lateness, part.lateness);
      seen.startMs = Math.min(seen.startMs, part.startMs);
      seen.endMs = Math.max(seen.endMs, part.endMs);
      seen.responses += part.responses;
      seen.failures += part.failures;
      seen.timeouts += part.timeouts;
    }
    return this.#flush();
  }

  /** Worker `w` has finished: it reports nothing more. Returns the intervals this completes. */
  finish(w: number): CompleteInterval[] {
    this.#done[w] = true;
    return this.#flush();
  }

  #flush(): CompleteInterval[] {
    const out: CompleteInterval[] = [];
    while (this.#nextIndex <= this.#maxIndex) {
      const n = this.#nextIndex;
      if (!this.#lastIndexOf.every((last, w) => last >= n || this.#done[w])) break;
      const interval = this.#pending.get(n);
      if (interval) out.push({ ...interval, index: n });
      this.#pending.delete(n);
      this.#nextIndex++;
    }
    return out;
  }
}
