// Resource samples and per-run figures, as the tests of resource accounting write them.
import { expect } from "vitest";
import type { ResourceSample } from "../../src/platform/types.ts";
import type { ClassFigure } from "../../src/results/run-schema.ts";

/** One container's sample at `t`, its CPU reading covering `fromMs` … `t`. */
export function sample(
  t: number,
  fromMs: number,
  name: string,
  cls: ResourceSample["class"],
  cpuCores: number,
  memoryBytes: number,
): ResourceSample {
  return { t, name, class: cls, cpuCores, cpuFromMs: fromMs, memoryBytes };
}

/**
 * A class's per-run figures: the mean CPU to 12 digits (it is a quotient of sums), every
 * other field exactly.
 */
export function expectFigures(
  actual: Partial<ClassFigure>,
  { cpuCores, ...exact }: { cpuCores: number } & Partial<ClassFigure>,
): void {
  expect(actual.cpuCores).toBeCloseTo(cpuCores, 12);
  expect(actual).toMatchObject(exact);
}
