// github-action-benchmark's custom tools (`tool: customSmallerIsBetter` and
// `customBiggerIsBetter`): a JSON array of {name, unit, value, range, extra} per file, one
// file per direction. Each entry is the median over the repetitions; `range` names the
// lowest and highest run, `extra` what the figure is (shown in the tool's tooltips).
// Capacity (bigger is better) is the search's answer, `range` its bracket. Pure.
import { type CapacityFigure, capacityFacts } from "./capacity.ts";
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
        const name = `${benchmarkName(s.scenario, mesh.summary.mesh)} ${m.measure.label}`;
        out.push(entry(name, m, version));
      }
    }
    if (better === "higher") out.push(...s.capacity.map((c) => capacityEntry(s.scenario, c)));
  }
  return out;
}

function capacityEntry(scenario: string, c: CapacityFigure): BenchmarkEntry {
  return {
    name: `${benchmarkName(scenario, c.mesh)} capacity`,
    unit: "rps",
    value: c.rate,
    range: c.failed !== undefined ? `${c.rate} – ${c.failed}` : `≥ ${c.rate}`,
    extra: [capacityFacts(c), ...(c.mesh.version ? [`mesh version ${c.mesh.version}`] : [])].join(
      "; ",
    ),
  };
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
