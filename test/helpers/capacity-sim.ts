// Simulated systems for the capacity search's error rates: the SLO boundary wobbles from
// run to run, so a run at rate r passes when r <= C·(1 + σz), z standard normal and fresh
// per run; a confirmation run is 3× longer, so its σ is √3 smaller. Seeded: reproducible.
import {
  type CapacityAnswer,
  type CapacityBounds,
  searchCapacity,
} from "../../src/stats/capacity-search.ts";
import { seededRandom } from "../../src/stats/seeded-random.ts";

/** 100..5000 rps to 5 %. */
export const BOUNDS: CapacityBounds = {
  minRate: 100,
  maxRate: 5000,
  precision: { kind: "relative", share: 0.05 },
};

export function noisySystems(seed: number) {
  const random = seededRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  return {
    random,
    /** A search of a system of this capacity; `confirmation` false: every confirmation passes. */
    search(capacity: number, sigma: number, confirmation = true): CapacityAnswer {
      return searchCapacity(BOUNDS, (rate, confirm) => {
        if (confirm && !confirmation) return { passed: true };
        const s = confirm ? sigma / Math.sqrt(3) : sigma;
        return { passed: rate <= capacity * (1 + s * normal()) };
      }).answer;
    },
  };
}
