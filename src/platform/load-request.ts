// What the load generator is asked to do in one planned run: the scenario's load at the
// run's rate, writing into the run's directory. Pure.
import type { Scenario } from "../scenario/load.ts";
import type { PlannedRun } from "../scenario/plan.ts";
import type { LoadRequest } from "./types.ts";

export function loadRequestFor(scenario: Scenario, run: PlannedRun, outDir: string): LoadRequest {
  const load = scenario.load;
  return {
    rate: run.rate,
    durationMs: load.durationMs,
    warmupMs: load.warmupMs,
    connections: load.connections,
    workers: load.workers,
    timeoutMs: load.timeoutMs,
    intervalMs: load.intervalMs,
    pacing: load.pacing,
    paths: [...load.paths],
    resourceIntervalMs: scenario.resources.intervalMs,
    outDir,
  };
}
