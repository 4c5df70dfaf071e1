// The coordinator's decoded interval histograms, reused. Each holds 188 kB of counts and
// two arrive every second from every worker; left to the garbage collector they grow the
// heap between collections (peak RSS is one of the load generator's figures: README,
// "Benchmarks"). A histogram is lent for one interval and comes back once that interval
// has been written and added to the total.
import { addEncodedHistogram } from "../histogram/add-encoded.ts";
import { createHistogram, type Histogram } from "../histogram/hdr.ts";

export class DecodedIntervals {
  readonly #spare: Histogram[] = [];
  readonly #lent = new Map<number, Histogram[]>();

  /** `encoded` decoded into a spare histogram, lent to interval `index`. */
  decode(index: number, encoded: string): Histogram {
    const histogram = this.#spare.pop() ?? createHistogram();
    histogram.reset();
    addEncodedHistogram(histogram, encoded);
    const lent = this.#lent.get(index);
    if (lent) lent.push(histogram);
    else this.#lent.set(index, [histogram]);
    return histogram;
  }

  /** Interval `index` is done with: its histograms may be lent again. */
  release(index: number): void {
    for (const histogram of this.#lent.get(index) ?? []) this.#spare.push(histogram);
    this.#lent.delete(index);
  }
}
