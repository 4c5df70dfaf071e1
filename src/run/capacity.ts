// `meshbench capacity`: per mesh, the highest total rate that holds the scenario's SLO
// (its capacity: section), found by probe runs. The rule is pure (src/stats/capacity-search.ts);
// this runs what it asks for: every probe is an ordinary run on the scenario's platform
// (executeRun: run.json with its histograms, cleanup whatever happens), the meshes' probes
// interleaved (bare p1, mesh-a p1, bare p2, …) so drift hits all alike. The answers go to
// capacity.json beside the probes, then the report.
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { MeshDefinition } from "../mesh/schema.ts";
import { answerText } from "../report/capacity-text.ts";
import { generateReport, type ReportOutcome } from "../report/generate.ts";
import {
  type CapacityFile,
  type CapacityProbeRecord,
  type MeshCapacity,
  writeCapacityFile,
} from "../results/capacity-file.ts";
import { isSaturated } from "../results/instrument.ts";
import { parseRun } from "../results/run-file.ts";
import { formatDuration } from "../scenario/duration.ts";
import { formatPrecision } from "../scenario/format.ts";
import type { CapacitySpec, MeshRef, Scenario } from "../scenario/load.ts";
import { defaultWarmupMs } from "../scenario/method.ts";
import { caseName, type Plan, type PlannedRun } from "../scenario/plan.ts";
import { formatSloTerm } from "../scenario/slo.ts";
import {
  type CapacityAnswer,
  nextCapacityStep,
  type ProbeOutcome,
} from "../stats/capacity-search.ts";
import { brokenTerms, probeFigures } from "../stats/capacity-slo.ts";
import { DEFAULT_GATE } from "../stats/thresholds.ts";
import { type ExecuteOptions, executeRun, type RunOutcome } from "./execute.ts";
import { openPlatform } from "./platforms.ts";
import { plannedMeshes } from "./preflight.ts";
import { lockResults } from "./results-lock.ts";
import { loadScenarioPlan } from "./scenario-plan.ts";
import { runsOn, type ScenarioRunOptions } from "./scenario-run.ts";

export type CapacityOptions = Pick<
  ScenarioRunOptions,
  | "file"
  | "only"
  | "resultsRoot"
  | "chartHost"
  | "signal"
  | "progress"
  | "site"
  | "cluster"
  | "onPlatform"
>;

export interface CapacityRun {
  /** <root>/<scenario>-capacity: the probes, capacity.json and the report. */
  dir: string;
  file: CapacityFile;
  report: ReportOutcome;
  teardownError: string | null;
}

/** The scenario has no capacity: section. */
export class NoCapacitySection extends Error {}

/** Where a scenario's capacity search writes: apart from its runs, so reports do not mix them. */
export const capacityDir = (root: string, scenario: string) => join(root, `${scenario}-capacity`);

export async function runCapacity(options: CapacityOptions): Promise<CapacityRun> {
  const { loaded, meshes, plan } = await loadScenarioPlan(options.file, {
    ...(options.only ? { only: options.only } : {}),
    repetitions: 1,
  });
  const scenario = loaded.scenario;
  const spec = scenario.capacity;
  if (!spec) {
    throw new NoCapacitySection(
      `${options.file}: no capacity: section; add one, e.g. capacity: { slo: ["p99 <= 100ms", "errors <= 0.1%"], min: 100, max: 2000 } (meshbench scenario --explain lists its fields)`,
    );
  }
  const lock = await lockResults(options.resultsRoot);
  try {
    return await searchLocked(options, scenario, spec, plan, meshes);
  } finally {
    await lock.release();
  }
}

interface Search {
  ref: MeshRef;
  case: string;
  probes: CapacityProbeRecord[];
  answer: CapacityAnswer | null;
  failure: string | null;
}

async function searchLocked(
  options: CapacityOptions,
  scenario: Scenario,
  spec: CapacitySpec,
  plan: Plan,
  meshes: ReadonlyMap<string, MeshDefinition>,
): Promise<CapacityRun> {
  const log = options.progress ?? (() => {});
  const name = `${scenario.name}-capacity`;
  const dir = capacityDir(options.resultsRoot, scenario.name);
  const searches: Search[] = plan.meshes.map((ref) => ({
    ref,
    case: caseName(ref, scenario.meshes, 0, 1),
    probes: [],
    answer: null,
    failure: null,
  }));
  const chosen = await openPlatform(scenario, options.cluster ?? {}, log, {
    signal: options.signal,
    planned: plannedMeshes(plan, meshes),
  });
  let teardownError: string | null = null;
  try {
    options.onPlatform?.(chosen);
    const common = { meshes, ...runsOn(chosen, options, log) };
    let index = 0;
    // Rounds: each mesh still searching runs its next probe, in the scenario's order.
    for (;;) {
      const open = searches.filter((s) => s.answer === null && s.failure === null);
      if (open.length === 0 || options.signal?.aborted) break;
      for (const search of open) {
        if (options.signal?.aborted) break;
        const step = nextCapacityStep(spec, search.probes);
        if (step.kind === "done") {
          search.answer = step.result;
          log(`[capacity] ${search.case}: ${answerText(meshResult(search))}`);
          continue;
        }
        index++;
        const k = search.probes.length + 1;
        const durationMs = step.confirm ? spec.confirmMs : spec.probeMs;
        log(
          `[capacity] ${search.case}: ${step.confirm ? "confirmation" : "probe"} ${k} at ${step.rate} rps for ${formatDuration(durationMs)}${bracketText(search.probes)}`,
        );
        const probeScenario = scenarioForProbe(scenario, name, step.rate, durationMs);
        const run: PlannedRun = {
          index,
          mesh: search.ref.name,
          version: search.ref.version,
          rate: step.rate,
          repetition: k,
          case: search.case,
          dir: `${search.case}/p${k}`,
        };
        const outcome = await executeRun(
          {
            ...common,
            scenario: probeScenario,
            plan: { ...emptyPlan(probeScenario), runs: [run] },
          },
          run,
        );
        const probe = await judge(spec, outcome, step, dir);
        if (probe === null) {
          search.failure = `${outcome.phase}: ${outcome.reason}`;
          log(`    FAILED in ${outcome.phase}: ${outcome.reason}`);
          continue;
        }
        search.probes.push(probe);
        log(
          probe.passed
            ? `    held: p99 ${probe.p99Ms?.toFixed(3)} ms, ${probe.achievedRate?.toFixed(1)} rps achieved`
            : `    failed: ${probe.broken.join("; ")}${probe.instrumentLimited ? " (the load generator was saturated)" : ""}`,
        );
      }
    }
  } finally {
    await chosen.close().catch((error: Error) => {
      teardownError = error.message;
      log(`meshbench: removing the cluster FAILED: ${error.message}`);
    });
  }
  const file: CapacityFile = {
    schema: "meshbench/capacity/v1",
    scenario: scenario.name,
    slo: spec.slo.map(formatSloTerm),
    minRate: spec.minRate,
    maxRate: spec.maxRate,
    precision: formatPrecision(spec.precision),
    probeMs: spec.probeMs,
    confirmMs: spec.confirmMs,
    meshes: [
      ...searches.map(meshResult),
      ...plan.skipped.map(
        (s): MeshCapacity => ({
          mesh: { name: s.mesh },
          kind: "skipped",
          rate: null,
          bracket: { held: null, failed: null },
          reason: s.reason,
          probes: [],
        }),
      ),
    ],
  };
  await writeCapacityFile(dir, file);
  log("writing the report");
  const report = await generateReport({
    resultsDirs: [dir],
    outDir: dir,
    gate: DEFAULT_GATE,
    chartHost: options.chartHost,
    shortUrls: false,
    force: false,
  });
  return { dir, file, report, teardownError };
}

/** The scenario as one probe runs it: one rate, the probe's length and its own warm-up. */
function scenarioForProbe(
  scenario: Scenario,
  name: string,
  rate: number,
  durationMs: number,
): Scenario {
  return {
    ...scenario,
    name,
    repetitions: 1,
    load: {
      ...scenario.load,
      rates: [rate],
      durationMs,
      warmupMs: defaultWarmupMs(durationMs),
      timeoutMs: Math.min(scenario.load.timeoutMs, durationMs),
    },
  };
}

function emptyPlan(scenario: Scenario): ExecuteOptions["plan"] {
  return {
    scenario: scenario.name,
    platform: scenario.platform,
    meshes: [],
    rates: scenario.load.rates,
    repetitions: 1,
    runs: [],
    skipped: [],
    loadMs: 0,
  };
}

/**
 * A probe's outcome against the SLO; null when it says nothing about capacity (it failed
 * before its load: an install or a deploy that broke, or it was interrupted).
 */
async function judge(
  spec: CapacitySpec,
  outcome: RunOutcome,
  { rate, confirm }: { rate: number; confirm: boolean },
  root: string,
): Promise<CapacityProbeRecord | null> {
  const load = outcome.load;
  const interrupted = outcome.reason?.startsWith("interrupted") ?? false;
  if (load === null || interrupted || (outcome.state === "failed" && outcome.phase !== "load"))
    return null;
  const figures = probeFigures(load);
  const broken = brokenTerms(spec.slo, figures);
  // A process that broke during the load (an overloaded proxy that died) fails the probe.
  if (outcome.state === "failed") broken.unshift(outcome.reason ?? "the run failed");
  const passed = broken.length === 0;
  const instrumentLimited =
    !passed && load.instrument !== undefined && isSaturated(load.instrument.utilization);
  return {
    rate,
    confirm,
    passed,
    instrumentLimited,
    broken,
    dir: relative(root, outcome.dir),
    ...(load.latencyUs.count > 0 ? { p99Ms: load.latencyUs.p99 / 1000 } : {}),
    achievedRate: load.achieved.rate,
    ...(await dataPlaneCores(outcome.dir)),
  };
}

/** The data plane's mean CPU in the probe's measured period, from its run.json. */
async function dataPlaneCores(dir: string): Promise<{ dataPlaneCores?: number }> {
  const path = join(dir, "run.json");
  const parsed = parseRun(await readFile(path, "utf8"), path);
  const dataPlane = parsed.ok ? parsed.run.resources?.perRun.dataPlane : undefined;
  return dataPlane && dataPlane.containers > 0 && dataPlane.cpuCores !== undefined
    ? { dataPlaneCores: dataPlane.cpuCores }
    : {};
}

function meshResult(search: Search): MeshCapacity {
  const mesh = {
    name: search.ref.name,
    ...(search.ref.version ? { version: search.ref.version } : {}),
  };
  const probes = search.probes;
  if (search.answer === null) {
    return {
      mesh,
      kind: "failed",
      rate: null,
      bracket: bracketOf(search.probes),
      reason: search.failure ?? "interrupted before the search ended",
      probes,
    };
  }
  const a = search.answer;
  return {
    mesh,
    kind: a.kind,
    rate: a.rate,
    bracket: a.bracket,
    ...(a.limit ? { limit: a.limit } : {}),
    probes,
  };
}

/** What the probes so far show: the lowest failed rate and the highest held below it. */
function bracketOf(probes: readonly ProbeOutcome[]): {
  held: number | null;
  failed: number | null;
} {
  const failedRates = probes.filter((p) => !p.passed).map((p) => p.rate);
  const failed = failedRates.length > 0 ? Math.min(...failedRates) : null;
  const held = probes
    .filter((p) => p.passed && (failed === null || p.rate < failed))
    .map((p) => p.rate);
  return { held: held.length > 0 ? Math.max(...held) : null, failed };
}

function bracketText(probes: readonly ProbeOutcome[]): string {
  if (probes.length === 0) return "";
  const b = bracketOf(probes);
  return ` (held ${b.held ?? "–"}, failed ${b.failed ?? "–"} so far)`;
}
