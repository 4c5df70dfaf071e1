// Bencher Metric Format (bencher.dev/docs/reference/bencher-metric-format): benchmark →
// measure slug → {value, lower_value, upper_value}. A benchmark is `scenario/mesh`; each
// measure is the median over the repetitions, bounded by the lowest and highest run. The
// units are the measures' (MEASURES): Bencher keeps them with the measure, not the file.
// Capacity (rps) is the answer bounded by its bracket: lower_value the rate held, upper_value
// the rate failed; an "at least" answer has no upper_value (Bencher's bounds are optional). Pure.
import type { CapacityFigure } from "./capacity.ts";
import { benchmarkName, type ExportScenario } from "./input.ts";
import { measuredValues } from "./measures.ts";

export interface BencherMetric {
  value: number;
  lower_value: number;
  upper_value?: number;
}

export function bencherMetrics(
  scenarios: readonly ExportScenario[],
): Record<string, Record<string, BencherMetric>> {
  const out: Record<string, Record<string, BencherMetric>> = {};
  for (const s of scenarios) {
    for (const mesh of s.meshes) {
      const measures: Record<string, BencherMetric> = {};
      for (const m of measuredValues(mesh)) {
        measures[m.measure.slug] = { value: m.value, lower_value: m.lower, upper_value: m.upper };
      }
      out[benchmarkName(s.scenario, mesh.summary.mesh)] = measures;
    }
    for (const c of s.capacity) {
      const name = benchmarkName(s.scenario, c.mesh);
      out[name] = { ...out[name], capacity: capacityMetric(c) };
    }
  }
  return out;
}

function capacityMetric(c: CapacityFigure): BencherMetric {
  return {
    value: c.rate,
    lower_value: c.rate,
    ...(c.failed !== undefined ? { upper_value: c.failed } : {}),
  };
}
