// OpenMetrics text (openmetrics.io) for a Prometheus Pushgateway: one series per run,
// labelled scenario, mesh, version and run (the repetition), in base units. Latency is a
// summary: the run's percentiles as `quantile`s, `_sum` and `_count` over its responses.
// Capacity is a gauge per scenario and mesh (a search, not a run: no run label), with its
// kind: "capacity" (held; the bracket's top failed) or "at-least" (a lower bound).
// No counters: Prometheus' text parser (promtool, the Pushgateway) reads an OpenMetrics
// counter's `_total` sample as a metric of its own without a type, so totals are the
// summary's `_count`. Every line here parses the same in both formats. Pure.
import { meshLineage } from "../results/mesh.ts";
import type { Mesh, RunResult } from "../results/run-schema.ts";
import { RESOURCE_KINDS, type ResourceKind } from "../stats/metrics.ts";
import { errorCount } from "../stats/summarize.ts";
import { significant } from "./digits.ts";
import { eachMesh } from "./each-mesh.ts";
import type { ExportScenario } from "./input.ts";

export const OPENMETRICS_CONTENT_TYPE =
  "application/openmetrics-text; version=1.0.0; charset=utf-8";

/** The report's percentiles as summary quantiles (p100, the maximum, is quantile 1). */
const QUANTILES = [
  ["0.5", "p50"],
  ["0.75", "p75"],
  ["0.9", "p90"],
  ["0.99", "p99"],
  ["0.999", "p99.9"],
  ["0.9999", "p99.99"],
  ["0.99999", "p99.999"],
  ["1", "p100"],
] as const;

const US_PER_S = 1e6;

/** Resource classes as label values (snake case, as Prometheus labels are written). */
const CLASS_LABEL: Record<ResourceKind, string> = {
  controlPlane: "control_plane",
  dataPlane: "data_plane",
  maxProxy: "max_proxy",
  application: "application",
  loadGenerator: "load_generator",
};

interface Family {
  name: string;
  type: "summary" | "gauge";
  unit?: string;
  help: string;
  samples: string[];
}

export function openMetrics(scenarios: readonly ExportScenario[]): string {
  const families: Family[] = [
    family(
      "meshbench_latency_seconds",
      "summary",
      "seconds",
      "Latency from each request's intended send time (open loop; timed-out requests at their elapsed time), per run.",
    ),
    family(
      "meshbench_achieved_requests_per_second",
      "gauge",
      undefined,
      "Responses recorded in the measured period ÷ its length.",
    ),
    family(
      "meshbench_target_requests_per_second",
      "gauge",
      undefined,
      "The constant rate the load generator was asked for.",
    ),
    family(
      "meshbench_errors_ratio",
      "gauge",
      "ratio",
      "Requests that failed or answered 4xx/5xx ÷ requests sent.",
    ),
    family(
      "meshbench_cpu_cores",
      "gauge",
      undefined,
      "Mean CPU over the measured period, summed over the class (max_proxy: the busiest proxy).",
    ),
    family(
      "meshbench_memory_bytes",
      "gauge",
      "bytes",
      "Peak working-set memory, summed over the class at each sample (max_proxy: the largest proxy).",
    ),
    family(
      "meshbench_cost_usd_per_million_requests",
      "gauge",
      undefined,
      "US dollars per million requests: the data- and control-plane CPU and memory the run used beyond bare's median, priced, over the requests it served.",
    ),
    family(
      "meshbench_capacity_requests_per_second",
      "gauge",
      undefined,
      "The highest total rate held within the SLO (meshbench capacity); kind at-least: a lower bound.",
    ),
  ];
  const [latency, achieved, target, errors, cpu, memory, cost, capacity] = families as [
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
    Family,
  ];
  for (const { scenario, mesh } of eachMesh(scenarios)) {
    // One per completed run, in the runs' order, when the mesh was priced against bare.
    const costs = mesh.summary.metrics["cost.usdPerMillion"]?.values;
    for (const [i, run] of mesh.runs.entries()) {
      const labels = runLabels(scenario, run);
      const load = run.load!;
      const l = load.latencyUs;
      for (const [q, key] of QUANTILES) {
        latency.samples.push(sample(latency.name, { ...labels, quantile: q }, l[key] / US_PER_S));
      }
      latency.samples.push(sample(`${latency.name}_sum`, labels, (l.mean * l.count) / US_PER_S));
      latency.samples.push(sample(`${latency.name}_count`, labels, l.count));
      achieved.samples.push(sample(achieved.name, labels, load.achieved.rate));
      target.samples.push(sample(target.name, labels, load.target.rate));
      if (load.achieved.sent > 0) {
        errors.samples.push(sample(errors.name, labels, errorCount(load) / load.achieved.sent));
      }
      for (const [kind, figure] of resourceFigures(run)) {
        const withClass = { ...labels, class: CLASS_LABEL[kind] };
        if (figure.cpuCores !== undefined)
          cpu.samples.push(sample(cpu.name, withClass, figure.cpuCores));
        if (figure.memoryBytes !== undefined)
          memory.samples.push(sample(memory.name, withClass, figure.memoryBytes));
      }
      if (costs?.[i] !== undefined) cost.samples.push(sample(cost.name, labels, costs[i]));
    }
  }
  for (const s of scenarios) {
    for (const c of s.capacity) {
      const labels = { ...meshLabels(s.scenario, c.mesh), kind: c.kind };
      capacity.samples.push(sample(capacity.name, labels, c.rate));
    }
  }
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${f.help}`, ...f.samples);
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

function family(
  name: string,
  type: Family["type"],
  unit: string | undefined,
  help: string,
): Family {
  return { name, type, ...(unit ? { unit } : {}), help, samples: [] };
}

function meshLabels(scenario: string, mesh: Mesh): Record<string, string> {
  return { scenario, mesh: meshLineage(mesh), version: mesh.version ?? "" };
}

function runLabels(scenario: string, run: RunResult): Record<string, string> {
  return {
    ...meshLabels(scenario, run.mesh),
    run: String(run.repetition),
    ...(run.platform.site ? { site: run.platform.site } : {}),
  };
}

/** The classes the run measured (one with no containers has no figure: bare's control plane). */
function resourceFigures(run: RunResult) {
  const perRun = run.resources?.perRun;
  if (!perRun) return [];
  return RESOURCE_KINDS.flatMap((kind) => {
    const present =
      kind === "maxProxy" ? perRun.dataPlane.containers > 0 : perRun[kind].containers > 0;
    return present ? [[kind, perRun[kind]] as const] : [];
  });
}

function sample(name: string, labels: Record<string, string>, value: number): string {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(",");
  return `${name}{${text}} ${significant(value)}`;
}

/** Label values escape backslash, double quote and line feed (the formats' only escapes). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
