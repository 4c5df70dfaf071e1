// The orchestrator: executes a plan on a platform, one run at a time, phase by phase:
//
//   prepare → install mesh → deploy workload → load ‖ resources → collect → clean up
//
// Each run's run.json is written as soon as the run ends (the load generator has already
// written its latency.hlog and loadgen.json beside it), so a later failure loses nothing.
// A failed run is recorded with its phase and reason, and the matrix carries on; so is a
// run whose workload broke while it was measured (workload-health.ts). Cleanup always
// runs. Knows nothing of argv, of @actions, or of which platform it drives.
import { join } from "node:path";
import type { Progress } from "../loadgen/run.ts";
import { ms, percentileMs } from "../loadgen/summary.ts";
import type { MeshDefinition } from "../mesh/schema.ts";
import { loadRequestFor } from "../platform/load-request.ts";
import type { Platform, PlatformEvent, ResourceSample } from "../platform/types.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import { writeRun } from "../results/run-file.ts";
import type { PlatformRecord } from "../results/run-schema.ts";
import { formatDuration } from "../scenario/duration.ts";
import type { Scenario } from "../scenario/load.ts";
import type { Plan, PlannedRun } from "../scenario/plan.ts";
import { runRecord, scenarioLabel } from "./run-record.ts";
import { workloadFailure } from "./workload-health.ts";

export interface ExecuteOptions {
  scenario: Scenario;
  plan: Plan;
  meshes: ReadonlyMap<string, MeshDefinition>;
  platform: Platform;
  /** What run.json says about where the runs happened. */
  platformInfo: PlatformRecord;
  /** The results root: runs go to <root>/<scenario>/<case>/r<k>/. */
  resultsRoot: string;
  /** Aborting ends the current run early (what it measured is kept) and stops the matrix. */
  signal?: AbortSignal;
  /** Lines for a person: the phase of each run, live load figures. */
  progress?: (line: string) => void;
}

export interface RunOutcome {
  run: PlannedRun;
  dir: string;
  state: "ok" | "failed";
  /** Failed runs: the phase and why. */
  phase?: string;
  reason?: string;
  load: LoadgenResult | null;
  wallMs: number;
}

export async function executePlan(options: ExecuteOptions): Promise<RunOutcome[]> {
  const { plan, progress = () => {} } = options;
  const outcomes: RunOutcome[] = [];
  for (const run of plan.runs) {
    if (options.signal?.aborted) break;
    const done = outcomes.reduce((ms, o) => ms + o.wallMs, 0);
    const left =
      outcomes.length > 0 ? (done / outcomes.length) * (plan.runs.length - outcomes.length) : null;
    progress(
      `[${run.index}/${plan.runs.length}] ${run.case} r${run.repetition} at ${run.rate} rps for ${formatDuration(options.scenario.load.durationMs)}` +
        (left !== null ? ` (about ${formatDuration(left)} left in all)` : ""),
    );
    const outcome = await executeRun(options, run);
    outcomes.push(outcome);
    progress(
      outcome.state === "ok"
        ? `    done: ${outcome.load!.achieved.rate.toFixed(1)} rps achieved, p99 ${percentileMs(outcome.load!.latencyUs, "p99")} ms → ${outcome.dir}`
        : `    FAILED in ${outcome.phase}: ${outcome.reason}`,
    );
  }
  return outcomes;
}

/** The live line of a load in progress; `≥` marks a p99 that may be a timed-out request's. */
export const loadProgressLine = (p: Progress): string =>
  `    ${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s/${(p.durationMs / 1000).toFixed(0)}s ${p.phase.padEnd(7)} ${p.rate.toFixed(1)} rps` +
  (p.requests > 0 ? `  p99 ${p.p99LowerBound ? "≥" : ""}${ms(p.p99Us)} ms` : "") +
  (p.failures > 0 ? `  ${p.failures} failures` : "");

/** One run, phase by phase, its run.json written at the end (`meshbench capacity` runs its probes so). */
export async function executeRun(options: ExecuteOptions, run: PlannedRun): Promise<RunOutcome> {
  const { scenario, platform, progress = () => {} } = options;
  const dir = join(options.resultsRoot, scenario.name, run.dir);
  const startedAtMs = Date.now();
  let phase = "prepare";
  let failure: { phase: string; reason: string } | null = null;
  let load: LoadgenResult | null = null;
  let samples: readonly ResourceSample[] = [];
  let events: readonly PlatformEvent[] = [];
  // An abort between phases (Ctrl-C while the workload was deploying) must not start the
  // next phase, least of all the load, which would then run its whole length.
  const stopIfAborted = (next: string) => {
    if (options.signal?.aborted) throw new Error(`interrupted before the ${next} phase`);
  };
  let loadWindow: { startedAtMs: number; endedAtMs: number } | null = null;
  try {
    const mesh = options.meshes.get(run.mesh);
    if (!mesh) throw new Error(`no definition of mesh ${run.mesh}`);
    stopIfAborted("prepare");
    await platform.prepare({
      runId: `${scenario.name}-${run.index}-${startedAtMs.toString(36)}`,
      ...(options.signal ? { signal: options.signal } : {}),
      log: (line) => progress(`    ${line}`),
    });
    phase = "install";
    stopIfAborted(phase);
    progress(`    installing ${run.mesh}`);
    await platform.installMesh(mesh, run.version);
    phase = "deploy";
    stopIfAborted(phase);
    progress(`    deploying ${scenario.workload.instances} × ${scenario.workload.app}`);
    await platform.deployWorkload(scenario.workload);
    phase = "load";
    stopIfAborted(phase);
    const loadStartedAtMs = Date.now();
    try {
      await platform.runLoad(loadRequestFor(scenario, run, dir), {
        onProgress: (p) => progress(loadProgressLine(p)),
      });
    } finally {
      loadWindow = { startedAtMs: loadStartedAtMs, endedAtMs: Date.now() };
    }
    phase = "collect";
    const collected = await platform.collect();
    ({ samples, events } = collected);
    load = collected.loadgen;
    if (load === null) throw new Error("the load generator delivered no results");
    const broken = workloadFailure(events, loadWindow);
    if (broken !== null) failure = { phase: "load", reason: broken };
    else if (options.signal?.aborted)
      failure = { phase: "load", reason: "interrupted: the load was cut short" };
  } catch (error) {
    const reason = oneLine(error);
    failure = {
      phase,
      reason:
        options.signal?.aborted && !reason.startsWith("interrupted")
          ? `interrupted: ${reason}`
          : reason,
    };
    // Keep whatever the platform gathered before it failed.
    try {
      const partial = await platform.collect();
      ({ samples, events } = partial);
      load = partial.loadgen;
    } catch {
      // nothing was collected
    }
    // The load generator's failure may only be the consequence: say what broke first.
    const broken = loadWindow ? workloadFailure(events, loadWindow) : null;
    if (broken !== null && failure.phase === "load")
      failure = { phase: "load", reason: `${broken} (then: ${failure.reason})` };
  } finally {
    try {
      await platform.cleanup();
    } catch (error) {
      failure ??= { phase: "cleanup", reason: oneLine(error) };
    }
  }
  const record = runRecord({
    scenario,
    run,
    scenarioLabel: scenarioLabel(scenario, run.rate),
    platform: options.platformInfo,
    startedAtMs,
    endedAtMs: Date.now(),
    load,
    samples,
    events,
    failure,
  });
  await writeRun(dir, record);
  return {
    run,
    dir,
    state: failure ? "failed" : "ok",
    ...(failure ?? {}),
    load,
    wallMs: Date.now() - startedAtMs,
  };
}

/** The whole message on one line: a process's output tail explains the failure, all of it. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").join(" | ");
}

/**
 * A mesh that cannot run here is not silently missing from the report: it gets one
 * run.json (repetition 1) recorded as failed in phase "skipped", with how to fix it.
 */
export async function recordSkipped(options: ExecuteOptions): Promise<string[]> {
  const { scenario, plan } = options;
  const paths: string[] = [];
  for (const skip of plan.skipped) {
    for (const rate of plan.rates) {
      const now = Date.now();
      const run: PlannedRun = {
        index: 0,
        mesh: skip.mesh,
        version: scenario.meshes.find((m) => m.name === skip.mesh)?.version ?? null,
        rate,
        repetition: 1,
        case: skip.mesh,
        dir: plan.rates.length > 1 ? `${skip.mesh}-${rate}rps/r1` : `${skip.mesh}/r1`,
      };
      const record = runRecord({
        scenario,
        run,
        scenarioLabel: scenarioLabel(scenario, rate),
        platform: options.platformInfo,
        startedAtMs: now,
        endedAtMs: now,
        load: null,
        samples: [],
        events: [],
        failure: { phase: "skipped", reason: skip.reason },
      });
      paths.push(await writeRun(join(options.resultsRoot, scenario.name, run.dir), record));
    }
  }
  return paths;
}
