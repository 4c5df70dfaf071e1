// A small, fixed results set for report tests: bare, linkerd and istio with two runs each
// in a baseline and three in a candidate where istio got slower, plus an event, a failed
// run and latency over time. Everything is deterministic, so rendered reports are too.

import { overTimeKey, type ReportInput } from "../../src/report/blocks.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { type Comparison, compareResults } from "../../src/stats/compare.ts";
import { type OverTimeSeries, overTimeAccumulator } from "../../src/stats/over-time.ts";
import { type ScenarioSummary, summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  spreadHistogram,
  uniformHistogram,
} from "./runs.ts";

interface MeshPlan {
  mesh: RunResult["mesh"];
  /** Lowest latency of run 1, µs; each run records 54,000 values (1,000 rps × 54 s) over lo … 3·lo. */
  lo: number;
  scale: number;
}

const PLANS: MeshPlan[] = [
  { mesh: { name: "bare" }, lo: 500, scale: 1 },
  { mesh: { name: "linkerd", version: "2.16.0" }, lo: 700, scale: 1 },
  { mesh: { name: "istio", version: "1.24.0" }, lo: 900, scale: 2 },
];

export function exampleRuns(candidate: boolean): { path: string; run: RunResult }[] {
  const out: { path: string; run: RunResult }[] = [];
  for (const plan of PLANS) {
    const slower = candidate && plan.mesh.name === "istio";
    const mesh = slower ? { ...plan.mesh, version: "1.25.0" } : plan.mesh;
    for (let r = 1; r <= (candidate ? 3 : 2); r++) {
      const lo = plan.lo + r * 10 + (slower ? 300 : 0);
      const load = loadResult({
        histogram: spreadHistogram(lo, 3 * lo, 54_000),
        rate: 1000,
        errors: plan.mesh.name === "istio" && r === 2 ? { reset: 4 } : {},
      });
      const events: RunResult["events"] =
        slower && r === 2
          ? [
              {
                atMs: Date.parse(load.startedAt) + 37_700,
                kind: "restart",
                container: "emojivoto/web-1/istio-proxy",
                detail: "OOMKilled",
              },
            ]
          : [];
      out.push({
        path: `results/smoke/${mesh.name}/r${r}/run.json`,
        run: runResult({
          mesh,
          repetition: r,
          load,
          resources: constantResources(
            meshContainers(
              plan.scale * (1 + r / 50) * (slower ? 1.2 : 1),
              plan.mesh.name !== "bare",
            ),
          ),
          events,
        }),
      });
    }
  }
  if (candidate) {
    out.push({
      path: "results/smoke/linkerd/r4/run.json",
      run: runResult({
        mesh: { name: "linkerd", version: "2.16.0" },
        repetition: 4,
        load: null,
        status: {
          state: "failed",
          reason: "linkerd-proxy-injector not ready after 300 s",
          phase: "install",
        },
      }),
    });
  }
  return out;
}

/** Per mesh: 54 one-second intervals, latency creeping up by 5 µs a second. */
export function exampleOverTime(
  scenarios: readonly ScenarioSummary[],
): Map<string, OverTimeSeries> {
  const map = new Map<string, OverTimeSeries>();
  for (const s of scenarios) {
    s.meshes.forEach((m, i) => {
      if (m.runs.length === 0) return;
      const acc = overTimeAccumulator(1000);
      const lo = 500 + 200 * i;
      for (let t = 0; t < 54; t++) acc.add(t * 1000, uniformHistogram(lo + 5 * t, 3 * lo + 5 * t));
      acc.endRun();
      map.set(overTimeKey(s.scenario, m.label), acc.series());
    });
  }
  return map;
}

export function exampleInput(): ReportInput & { comparison: Comparison } {
  const scenarios = summarize(exampleRuns(true));
  const baseline = summarize(exampleRuns(false));
  return {
    scenarios,
    problems: [
      "results/smoke/istio/r9/run.json: damaged, not valid JSON (Unexpected end of JSON input)",
    ],
    overTime: exampleOverTime(scenarios),
    comparison: compareResults(baseline, scenarios, { gate: DEFAULT_GATE }),
    baselineSource: "baseline/",
  };
}
