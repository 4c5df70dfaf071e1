// github-action-benchmark's custom tools (`tool: customSmallerIsBetter` and
// `customBiggerIsBetter`): a JSON array of {name, unit, value, range, extra} per file, one
// file per direction. Each entry is the median over the repetitions; `range` names the
// lowest and highest run, `extra` what the figure is (shown in the tool's tooltips). Pure.
import { significant } from "./digits.ts";
import { benchmarkName, type ExportScenario } from "./input.ts";
import { type MeasuredValue, measuredValues } from "./measures.ts";

export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range: string;
  extra: string;
}

/** Latency in ms reads better on the tool's charts than Bencher's ns. */
const NS_PER_MS = 1e6;

export function benchmarkEntries(
  scenarios: readonly ExportScenario[],
  better: "lower" | "higher",
): BenchmarkEntry[] {
  const out: BenchmarkEntry[] = [];
  for (const s of scenarios) {
    for (const mesh of s.meshes) {
      const version = mesh.summary.mesh.version;
      for (const m of measuredValues(mesh)) {
        if (m.measure.better !== better) continue;
        out.push(entry(`${benchmarkName(s.scenario, mesh)} ${m.measure.label}`, m, version));
      }
    }
  }
  return out;
}

function entry(name: string, m: MeasuredValue, version: string | undefined): BenchmarkEntry {
  const ns = m.measure.unit === "ns";
  const unit = ns ? "ms" : m.measure.unit;
  const at = (x: number) => significant(ns ? x / NS_PER_MS : x);
  const facts = [
    `median of ${m.runs} run${m.runs === 1 ? "" : "s"}`,
    ...(version ? [`mesh version ${version}`] : []),
    ...(m.lowerBound ? ["a lower bound: reaches timed-out requests"] : []),
  ];
  return {
    name,
    unit,
    value: at(m.value),
    range: `${at(m.lower)} – ${at(m.upper)}`,
    extra: facts.join("; "),
  };
}
