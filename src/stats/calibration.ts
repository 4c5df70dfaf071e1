// The noise floor, measured: N runs of an unchanged setup, split at
// random into disjoint baseline and candidate halves of 2, 3, 4 … runs a side and put
// through the gate, give the gate's family-wise false-alarm rate and its minimal
// detectable change per metric at each run count; a known slowdown added to the
// candidate half gives its power. The runs' spread per metric is kept as the noise floor
// `compare --calibration` uses. Seeded, so the same runs give the same table. Pure.

import {
  CALIBRATION_SCHEMA,
  type Calibration,
  CalibrationError,
  type CalibrationRow,
} from "./calibration-file.ts";
import { compareResults } from "./compare.ts";
import { median } from "./describe.ts";
import { METRIC_IDS, type MetricId } from "./metrics.ts";
import { seededRandom } from "./seeded-random.ts";
import { type RunInput, type ScenarioSummary, summarize } from "./summarize.ts";
import type { GateConfig } from "./thresholds.ts";

export interface CalibrateOptions {
  gate: GateConfig;
  splits: number;
  seed: number;
  /** Added to every latency of the candidate half: the change whose power is measured. */
  shiftMs?: number;
}

function shuffled<T>(xs: readonly T[], next: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every latency of every mesh `ms` later: each percentile moves by exactly that much. */
export function shiftLatency(summaries: ScenarioSummary[], ms: number): ScenarioSummary[] {
  return summaries.map((s) => ({
    ...s,
    meshes: s.meshes.map((m) => {
      const metrics = { ...m.metrics };
      for (const id of METRIC_IDS) {
        const x = metrics[id];
        if (!x || !id.startsWith("latency.")) continue;
        metrics[id] = {
          ...x,
          values: x.values.map((v) => v + ms),
          median: x.median + ms,
          min: x.min + ms,
          max: x.max + ms,
          ...(x.pooled !== undefined ? { pooled: x.pooled + ms } : {}),
        };
      }
      return { ...m, metrics };
    }),
  }));
}

function noisePct(groups: RunInput[][]): Partial<Record<MetricId, number>> {
  const squares = new Map<MetricId, number[]>();
  for (const group of groups) {
    for (const s of summarize(group)) {
      for (const m of s.meshes) {
        for (const id of METRIC_IDS) {
          const x = m.metrics[id];
          if (!x || x.n < 2) continue;
          const mean = x.values.reduce((a, b) => a + b, 0) / x.n;
          if (mean === 0) continue;
          const variance = x.values.reduce((a, v) => a + (v - mean) ** 2, 0) / (x.n - 1);
          squares.set(id, [...(squares.get(id) ?? []), variance / mean ** 2]);
        }
      }
    }
  }
  const out: Partial<Record<MetricId, number>> = {};
  for (const [id, xs] of squares) {
    out[id] = Math.sqrt(xs.reduce((a, b) => a + b, 0) / xs.length) * 100;
  }
  return out;
}

export function calibrate(inputs: readonly RunInput[], options: CalibrateOptions): Calibration {
  const ok = inputs.filter((i) => i.run.status.state === "ok");
  const groups = new Map<string, RunInput[]>();
  for (const i of ok) {
    const key = `${i.run.scenario}\u0000${i.run.mesh.name}\u0000${i.run.mesh.version ?? ""}\u0000${i.run.mesh.variant ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const runs = Math.min(...[...groups.values()].map((g) => g.length));
  if (groups.size === 0 || runs < 4) {
    throw new CalibrationError(
      `calibration needs at least 4 completed runs of every mesh (2 a side); ${groups.size === 0 ? "found none" : `the fewest a mesh has is ${runs}`}: run the scenario with --repetitions 8 or more`,
    );
  }
  const next = seededRandom(options.seed);
  const table: CalibrationRow[] = [];
  for (let k = 2; 2 * k <= runs; k++) {
    const row: CalibrationRow = {
      perSide: k,
      splits: options.splits,
      falseAlarms: 0,
      flagged: {},
      mdcPct: {},
    };
    const mdcs = new Map<MetricId, number[]>();
    if (options.shiftMs !== undefined) row.caught = 0;
    for (let s = 0; s < options.splits; s++) {
      const a: RunInput[] = [];
      const b: RunInput[] = [];
      for (const group of groups.values()) {
        const order = shuffled(group, next);
        a.push(...order.slice(0, k));
        b.push(...order.slice(k, 2 * k));
      }
      const base = summarize(a);
      const cand = summarize(b);
      const c = compareResults(base, cand, { gate: options.gate });
      let alarm = false;
      for (const mesh of c.meshes) {
        for (const m of mesh.metrics) {
          if (m.verdict === "regressed" || m.verdict === "improved") {
            alarm = true;
            row.flagged[m.metric] = (row.flagged[m.metric] ?? 0) + 1;
          }
          if (m.noise.test === "t" && m.noise.mdcPct !== null) {
            mdcs.set(m.metric, [...(mdcs.get(m.metric) ?? []), m.noise.mdcPct]);
          }
        }
      }
      if (alarm) row.falseAlarms++;
      if (options.shiftMs !== undefined) {
        const shifted = compareResults(base, shiftLatency(cand, options.shiftMs), {
          gate: options.gate,
        });
        const caught = shifted.meshes.every((mesh) =>
          mesh.metrics.some((m) => m.metric.startsWith("latency.") && m.verdict === "regressed"),
        );
        if (caught && shifted.meshes.length > 0) row.caught!++;
      }
    }
    for (const [id, xs] of mdcs) row.mdcPct[id] = median(xs);
    table.push(row);
  }
  const newest = ok
    .map((i) => i.run.environment.startedAt)
    .sort()
    .at(-1)!;
  return {
    schema: CALIBRATION_SCHEMA,
    measuredAt: newest,
    scenarios: [...new Set(ok.map((i) => i.run.scenario))].sort(),
    runs,
    seed: options.seed,
    shiftMs: options.shiftMs ?? null,
    noisePct: noisePct([...groups.values()]),
    table,
  };
}
