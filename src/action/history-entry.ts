// One line of the history branch from a report's summaries (pure): per mesh, the pooled
// figures of this run's repetitions, which the trend charts plot over time.
import { HISTORY_SCHEMA, type HistoryEntry, type HistoryMesh } from "../github/history-format.ts";
import type { CapacityFile } from "../results/capacity-file.ts";
import { meshLabel } from "../results/mesh.ts";
import { type Comparison, regressions } from "../stats/compare.ts";
import type { MetricId } from "../stats/metrics.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";

export interface HistoryRun {
  id: number;
  url: string;
  sha: string;
  ref: string;
  event: string;
}

/** What the gate said, for the page: regressed metrics highlighted, the noise as a band. */
export interface HistoryGate {
  comparison?: Comparison | null;
  /** The calibration's run-to-run spread (% of the mean) per metric id. */
  noisePct?: Partial<Record<MetricId, number>>;
}

/** `capacity`: the scenario's capacity search, whose answers its meshes carry (trended). */
export function historyEntry(
  summary: ScenarioSummary,
  run: HistoryRun,
  at: Date,
  gate: HistoryGate = {},
  capacity?: CapacityFile,
): HistoryEntry {
  const regressed = new Map<string, string[]>();
  for (const r of gate.comparison ? regressions(gate.comparison) : []) {
    if (r.mesh.scenario !== summary.scenario) continue;
    regressed.set(r.mesh.label, [...(regressed.get(r.mesh.label) ?? []), r.metric.metric]);
  }
  const meshes: Record<string, HistoryMesh> = {};
  for (const m of summary.meshes) {
    if (m.runs.length === 0) continue;
    const pooled = (id: MetricId) => {
      const s = m.metrics[id];
      return s === undefined ? undefined : (s.pooled ?? s.median);
    };
    const us = (id: MetricId) => {
      const ms = pooled(id);
      return ms === undefined ? undefined : Math.round(ms * 1000);
    };
    const median = (id: MetricId) => m.metrics[id]?.median ?? null;
    meshes[m.label] = {
      achievedRate: pooled("rate.achieved") ?? 0,
      latencyUs: {
        p50: us("latency.p50") ?? 0,
        p99: us("latency.p99") ?? 0,
        ...(us("latency.p90") !== undefined ? { p90: us("latency.p90")! } : {}),
        ...(us("latency.p99.9") !== undefined ? { "p99.9": us("latency.p99.9")! } : {}),
        ...(us("latency.p100") !== undefined ? { p100: us("latency.p100")! } : {}),
      },
      dataPlaneMemoryBytes: median("memory.dataPlane"),
      controlPlaneMemoryBytes: median("memory.controlPlane"),
      dataPlaneCpuCores: median("cpu.dataPlane"),
      controlPlaneCpuCores: median("cpu.controlPlane"),
      errors:
        Object.values(m.outcomes.errors).reduce((a, b) => a + b, 0) +
        m.outcomes.status["4xx"] +
        m.outcomes.status["5xx"],
      ...(m.mesh.version ? { version: m.mesh.version } : {}),
      ...(regressed.has(m.label) ? { regressed: regressed.get(m.label)! } : {}),
    };
  }
  for (const m of capacity?.meshes ?? []) {
    const mesh = meshes[meshLabel(m.mesh)];
    if (!mesh || m.kind === "failed" || m.kind === "skipped") continue;
    mesh.capacity = { kind: m.kind, rate: m.rate, held: m.bracket.held, failed: m.bracket.failed };
  }
  const noise = Object.entries(gate.noisePct ?? {}).filter(([, v]) => v !== undefined);
  return {
    schema: HISTORY_SCHEMA,
    at: at.toISOString(),
    scenario: summary.scenario,
    run,
    meshes,
    ...(noise.length > 0 ? { noisePct: Object.fromEntries(noise) as Record<string, number> } : {}),
  };
}
