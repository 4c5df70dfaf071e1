// A whole scenario: plan → every run on its platform → the report. What `meshbench run`
// and the Action's `command: run` both call; they only parse their inputs and print.
import { join } from "node:path";
import type { MeshDefinition } from "../mesh/schema.ts";
import type { Check } from "../platform/preflight-checks.ts";
import { generateReport, type ReportOutcome } from "../report/generate.ts";
import type { Scenario } from "../scenario/load.ts";
import type { Plan } from "../scenario/plan.ts";
import type { GateConfig } from "../stats/thresholds.ts";
import { DEFAULT_GATE } from "../stats/thresholds.ts";
import { executePlan, type RunOutcome, recordSkipped } from "./execute.ts";
import { type ChosenPlatform, type ClusterOverride, openPlatform } from "./platforms.ts";
import { plannedMeshes } from "./preflight.ts";
import { lockResults } from "./results-lock.ts";
import { loadScenarioPlan } from "./scenario-plan.ts";

export interface ScenarioRunOptions {
  file: string;
  /** Only these meshes of the scenario. */
  only?: readonly string[];
  repetitions?: number;
  /** The results root; the scenario's runs go to <root>/<scenario>/. */
  resultsRoot: string;
  chartHost: string;
  gate?: GateConfig;
  signal?: AbortSignal;
  /** Lines for a person. */
  progress?: (line: string) => void;
  /** Where this cluster is, when identical clusters run the scenario (run.json platform.site). */
  site?: string;
  /** Another cluster than the scenario's (platform kubernetes). */
  cluster?: ClusterOverride;
  /** Told the plan before anything runs (to print it). */
  onPlan?: (scenario: Scenario, plan: Plan, meshes: ReadonlyMap<string, MeshDefinition>) => void;
  /** Told the platform once chosen (signal handlers, the Action's teardown state). */
  onPlatform?: (chosen: ChosenPlatform) => void;
  /** Told a cluster run's preflight table, passed or failed (the Action's job summary). */
  onPreflight?: (checks: readonly Check[]) => Promise<void>;
  /** Stop after the plan (`--dry-run`). */
  dryRun?: boolean;
}

export interface ScenarioRun {
  scenario: Scenario;
  plan: Plan;
  /** <root>/<scenario>: the runs and the report. */
  scenarioDir: string;
  outcomes: RunOutcome[];
  report: ReportOutcome | null;
  /**
   * Removing the cluster at the end failed (its message says what is probably still
   * running and how to remove it); callers must not report success.
   */
  teardownError: string | null;
}

export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioRun> {
  const { loaded, meshes, plan } = await loadScenarioPlan(options.file, {
    ...(options.only ? { only: options.only } : {}),
    ...(options.repetitions !== undefined ? { repetitions: options.repetitions } : {}),
  });
  const scenario = loaded.scenario;
  const scenarioDir = join(options.resultsRoot, scenario.name);
  options.onPlan?.(scenario, plan, meshes);
  if (options.dryRun)
    return { scenario, plan, scenarioDir, outcomes: [], report: null, teardownError: null };

  // One run at a time in a results folder (a second one refuses, naming the first).
  const lock = await lockResults(options.resultsRoot);
  try {
    return await runLocked(options, scenario, plan, meshes, scenarioDir);
  } finally {
    await lock.release();
  }
}

/** Where and how runs execute: the platform, what run.json says of it, the results, Ctrl-C. */
export function runsOn(
  chosen: ChosenPlatform,
  options: Pick<ScenarioRunOptions, "site" | "resultsRoot" | "signal">,
  progress: (line: string) => void,
) {
  return {
    platform: chosen.platform,
    platformInfo: options.site ? { ...chosen.info, site: options.site } : chosen.info,
    resultsRoot: options.resultsRoot,
    ...(options.signal ? { signal: options.signal } : {}),
    progress,
  };
}

async function runLocked(
  options: ScenarioRunOptions,
  scenario: Scenario,
  plan: Plan,
  meshes: ReadonlyMap<string, MeshDefinition>,
  scenarioDir: string,
): Promise<ScenarioRun> {
  const log = options.progress ?? (() => {});
  const chosen = await openPlatform(scenario, options.cluster ?? {}, log, {
    signal: options.signal,
    planned: plannedMeshes(plan, meshes),
    onPreflight: options.onPreflight,
  });
  let outcomes: RunOutcome[];
  let teardownError: string | null = null;
  try {
    options.onPlatform?.(chosen);
    const common = { scenario, plan, meshes, ...runsOn(chosen, options, log) };
    await recordSkipped(common);
    outcomes = await executePlan(common);
  } finally {
    // A kind or bare-metal cluster made for this plan goes, whatever happened. If it cannot
    // be removed the report is still written (the runs are done), but the run as a whole
    // has failed: on bare metal the servers are probably still running.
    await chosen.close().catch((error: Error) => {
      teardownError = error.message;
      log(`meshbench: removing the cluster FAILED: ${error.message}`);
    });
  }
  options.progress?.("writing the report");
  const report = await generateReport({
    resultsDirs: [scenarioDir],
    outDir: scenarioDir,
    gate: options.gate ?? DEFAULT_GATE,
    chartHost: options.chartHost,
    shortUrls: false,
    force: false,
  });
  return { scenario, plan, scenarioDir, outcomes, report, teardownError };
}
