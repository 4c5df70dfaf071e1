// One planned run, as run.json: what the scenario asked for, what the platform collected
// (or why the run failed), turned into the result model. Pure: values in, a RunResult out.

import type { PlatformEvent, ProcessClass, ResourceSample } from "../platform/types.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import { buildResources, type ResourceSnapshot } from "../results/resources.ts";
import {
  type Container,
  type PlatformRecord,
  type ResourceClass,
  RUN_SCHEMA,
  type RunEvent,
  type RunResult,
} from "../results/run-schema.ts";
import type { Scenario } from "../scenario/load.ts";
import type { PlannedRun } from "../scenario/plan.ts";
import { VERSION } from "../version.ts";

const CLASS: Record<ProcessClass, ResourceClass> = {
  "control-plane": "controlPlane",
  "data-plane": "dataPlane",
  application: "application",
  "load-generator": "loadGenerator",
};

const EVENT_KIND: Record<PlatformEvent["kind"], RunEvent["kind"]> = {
  restarted: "restart",
  vanished: "vanished",
  exited: "other",
};

export interface RunRecordInput {
  scenario: Scenario;
  run: PlannedRun;
  /** The scenario's name in the results: with the rate appended when it has several. */
  scenarioLabel: string;
  platform: PlatformRecord;
  startedAtMs: number;
  endedAtMs: number;
  load: LoadgenResult | null;
  samples: readonly ResourceSample[];
  events: readonly PlatformEvent[];
  failure: { phase: string; reason: string } | null;
}

/** Samples taken in one sweep share their time: one snapshot per sweep, in time order. */
export function snapshotsOf(samples: readonly ResourceSample[]): {
  containers: Container[];
  snapshots: ResourceSnapshot[];
} {
  const containers = new Map<string, Container>();
  const byTime = new Map<number, ResourceSnapshot>();
  for (const s of samples) {
    if (!containers.has(s.name)) containers.set(s.name, { id: s.name, class: CLASS[s.class] });
    let snapshot = byTime.get(s.t);
    if (!snapshot) {
      snapshot = { atMs: s.t, usage: {} };
      byTime.set(s.t, snapshot);
    }
    snapshot.usage[s.name] = {
      cpuCores: s.cpuCores,
      memoryBytes: s.memoryBytes,
      cpuFromMs: s.cpuFromMs,
      readAtMs: s.readAtMs ?? s.t,
    };
  }
  return {
    containers: [...containers.values()],
    snapshots: [...byTime.values()].sort((a, b) => a.atMs - b.atMs),
  };
}

export function runRecord(input: RunRecordInput): RunResult {
  const { scenario, run } = input;
  const { containers, snapshots } = snapshotsOf(input.samples);
  return {
    schema: RUN_SCHEMA,
    scenario: input.scenarioLabel,
    mesh: { name: run.mesh, ...(run.version ? { version: run.version } : {}) },
    repetition: run.repetition,
    spec: {
      workload: { name: scenario.workload.app, instances: scenario.workload.instances },
      rate: run.rate,
      durationMs: scenario.load.durationMs,
      connections: scenario.load.connections,
      loadgenPods: scenario.cluster?.loadgen.pods ?? 1,
      warmupMs: scenario.load.warmupMs,
      paths: [...scenario.load.paths],
      timeoutMs: scenario.load.timeoutMs,
      pacing: scenario.load.pacing,
      resourceIntervalMs: scenario.resources.intervalMs,
    },
    platform: input.platform,
    environment: {
      meshbenchVersion: VERSION,
      nodeVersion: process.version,
      startedAt: new Date(input.startedAtMs).toISOString(),
      endedAt: new Date(input.endedAtMs).toISOString(),
    },
    load: input.load,
    resources:
      snapshots.length > 0
        ? buildResources(
            scenario.resources.intervalMs,
            containers,
            snapshots,
            input.load
              ? {
                  fromMs: input.load.measuredFromMs,
                  toMs: input.load.measuredFromMs + input.load.achieved.measuredMs,
                }
              : null,
          )
        : null,
    events: input.events.map((e) => ({
      atMs: e.t,
      kind: EVENT_KIND[e.kind],
      container: e.name,
      detail: e.kind === "exited" ? `exited: ${e.message}` : e.message,
      ...(e.kind === "restarted" && e.restarts !== undefined ? { restarts: e.restarts } : {}),
    })),
    status: input.failure
      ? { state: "failed", reason: input.failure.reason, phase: input.failure.phase }
      : { state: "ok" },
  };
}

/** The name runs carry in results and reports: one section per rate when there are several. */
export function scenarioLabel(scenario: Scenario, rate: number): string {
  return scenario.load.rates.length > 1 ? `${scenario.name}-${rate}rps` : scenario.name;
}
