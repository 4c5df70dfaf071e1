// `meshbench run`: a scenario file → the plan → every run on its platform → results/ and
// the report. Thin: parse flags, build the platform, call the orchestrator, print.
import { cpus } from "node:os";
import { join } from "node:path";
import { loadScenarioPlan } from "../mesh/scenario-plan.ts";
import { LocalPlatform } from "../platform/local/platform.ts";
import type { Platform } from "../platform/types.ts";
import { generateReport } from "../report/generate.ts";
import { DEFAULT_CHART_HOST } from "../report/quickchart.ts";
import type { Platform as PlatformInfo } from "../results/run-schema.ts";
import { executePlan, type RunOutcome, recordSkipped } from "../run/execute.ts";
import { formatPlan } from "../scenario/format.ts";
import type { Scenario } from "../scenario/load.ts";
import { DEFAULT_GATE } from "../stats/thresholds.ts";
import { clusterPlanText } from "./cluster-plan.ts";
import { loadKubernetes } from "./load-kubernetes.ts";
import { numberFlag, parseFlags, UsageError } from "./usage.ts";

export const EXIT_RUNS_FAILED = 4;

export const RUN_HELP = `meshbench run — run a scenario: every mesh × rate × repetition, then the report

Usage:
  meshbench run SCENARIO [--out DIR] [--mesh NAME ...] [--repetitions N] [--dry-run]
                [--chart-host HOST|none] [--kubeconfig PATH] [--context NAME]

  SCENARIO           a scenario file (see meshbench scenario --explain), e.g.
                     scenarios/local-quick.yaml
  --out DIR          results root (default results); runs go to
                     DIR/<scenario>/<mesh>/r<k>/ (run.json, latency.hlog, loadgen.json),
                     the report to DIR/<scenario>/report.{md,html} and summary.json
  --mesh NAME        only this mesh of the scenario (repeatable)
  --repetitions N    override the scenario's repetitions
  --dry-run          print the plan and stop
  --chart-host HOST  QuickChart host for chart images in report.md (default
                     ${DEFAULT_CHART_HOST}); none: no chart images (report.html always has them)
  --kubeconfig PATH  (platform kubernetes) run on the cluster of this kubeconfig, whatever
                     the scenario's cluster.provider says
  --context NAME     (platform kubernetes) that kubeconfig's context

Runs are interleaved (bare r1, mesh-a r1, …, bare r2, …) so drift hits every mesh alike.
Each run's results are written as soon as it ends. A run that fails is recorded with its
reason and the others carry on; a mesh whose requirements are missing here is skipped
with a line saying how to get them. Ctrl-C ends the current run early, keeps what it
measured, cleans up and writes the report; a second Ctrl-C stops everything at once.

On a cluster every run installs its mesh, deploys, loads, then deletes everything it
created and uninstalls the mesh (meshbench cleanup removes what a killed run left).

Exit status: 0 every run completed, ${EXIT_RUNS_FAILED} some runs failed, 2 bad arguments or
scenario file, 130 interrupted, 1 the cluster could not be reached or an internal fault.
`;

const FLAGS = {
  out: { type: "string" },
  mesh: { type: "string", multiple: true },
  repetitions: { type: "string" },
  "dry-run": { type: "boolean" },
  "chart-host": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function localPlatformInfo(): PlatformInfo {
  const cores = cpus();
  return {
    kind: "local",
    nodes: { count: 1, types: [`${cores[0]?.model.trim() ?? "unknown CPU"} ×${cores.length}`] },
  };
}

interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
}

/** The scenario's cluster, unless --kubeconfig/--context name another. */
export function clusterOf(scenario: Scenario, flags: ClusterFlags) {
  const cluster = scenario.cluster;
  if (!cluster) {
    if (flags.kubeconfig !== undefined || flags.context !== undefined)
      throw new UsageError(
        `--kubeconfig and --context are for platform: kubernetes; ${scenario.name} runs on ${scenario.platform}`,
      );
    return null;
  }
  if (flags.kubeconfig === undefined && flags.context === undefined) return cluster;
  const given = cluster.provider.kind === "kubeconfig" ? cluster.provider : null;
  return {
    ...cluster,
    provider: {
      kind: "kubeconfig" as const,
      path: flags.kubeconfig ?? given?.path ?? null,
      context: flags.context ?? given?.context ?? null,
    },
  };
}

async function platformFor(
  scenario: Scenario,
  flags: ClusterFlags,
  say: (line: string) => void,
): Promise<Platform & { killAllNow?: () => void }> {
  if (scenario.platform === "local") return new LocalPlatform();
  // Loaded only for a cluster: client-node and its HTTP stack would otherwise be loaded
  // (about 40 MB and 0.1 s) by every meshbench process, the local platform's services too.
  const { KubernetesPlatform } = await loadKubernetes();
  return new KubernetesPlatform({ cluster: clusterOf(scenario, flags)!, log: say });
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("run", argv, FLAGS, true);
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw new UsageError("give a SCENARIO file, e.g. meshbench run scenarios/local-quick.yaml");
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}" (one SCENARIO at a time)`);
  const { loaded, meshes, plan } = await loadScenarioPlan(file, {
    only: values.mesh,
    repetitions:
      values.repetitions === undefined
        ? undefined
        : numberFlag("repetitions", values.repetitions, { integer: true, min: 1, max: 100 }),
  });
  const scenario = loaded.scenario;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  process.stdout.write(formatPlan(scenario, plan));
  const cluster = clusterOf(scenario, values);
  if (cluster) process.stdout.write(clusterPlanText(cluster, plan, meshes));
  if (values["dry-run"]) return 0;

  const resultsRoot = values.out ?? "results";
  const platform = await platformFor(scenario, values, say);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`${signal} again: stopping everything now`);
      platform.killAllNow?.();
      process.exit(130);
    }
    say(
      `${signal}: ending the current run early, keeping what it measured, cleaning up (again to force)`,
    );
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let outcomes: RunOutcome[];
  try {
    // A cluster is created (kind) or adopted here, once; a Ctrl-C meanwhile lets it finish,
    // runs nothing, and removes it again.
    let info: PlatformInfo;
    try {
      info = platform.open ? await platform.open(say) : localPlatformInfo();
    } catch (error) {
      say(`meshbench: the cluster is not usable: ${(error as Error).message}`);
      return 1;
    }
    const options = {
      scenario,
      plan,
      meshes,
      platform,
      platformInfo: info,
      resultsRoot,
      signal: stop.signal,
      progress: say,
    };
    await recordSkipped(options);
    outcomes = await executePlan(options);
  } finally {
    await platform
      .close?.()
      .catch((error: Error) => say(`meshbench: removing the cluster failed: ${error.message}`));
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  const scenarioDir = join(resultsRoot, scenario.name);
  say("writing the report");
  const report = await generateReport({
    resultsDirs: [scenarioDir],
    outDir: scenarioDir,
    gate: DEFAULT_GATE,
    chartHost: values["chart-host"] ?? DEFAULT_CHART_HOST,
    shortUrls: false,
    force: false,
  });
  for (const problem of report.problems) say(`meshbench: ${problem}`);
  process.stdout.write(formatOutcomes(outcomes, plan.skipped));
  process.stdout.write(
    `\nReport: ${report.files.markdown}\n        ${report.files.html}\n        ${report.files.summary}\n`,
  );
  if (stop.signal.aborted) return 130;
  return outcomes.some((o) => o.state === "failed") ? EXIT_RUNS_FAILED : 0;
}

export function formatOutcomes(
  outcomes: readonly RunOutcome[],
  skipped: readonly { mesh: string; reason: string }[],
): string {
  const lines = [
    "",
    "  run                      rate    achieved   p50 ms   p99 ms   errors  result",
  ];
  for (const o of outcomes) {
    const l = o.load;
    const errors = l ? Object.values(l.achieved.errors).reduce((a, b) => a + b, 0) : 0;
    lines.push(
      `  ${`${o.run.case} r${o.run.repetition}`.padEnd(22)} ${String(o.run.rate).padStart(6)} ${(l ? l.achieved.rate.toFixed(1) : "–").padStart(11)} ${(l ? (l.latencyUs.p50 / 1000).toFixed(3) : "–").padStart(8)} ${(l ? (l.latencyUs.p99 / 1000).toFixed(3) : "–").padStart(8)} ${String(errors).padStart(8)}  ${o.state === "ok" ? "ok" : `failed (${o.phase}): ${o.reason}`}`,
    );
  }
  for (const s of skipped) lines.push(`  ${s.mesh.padEnd(22)} skipped: ${s.reason}`);
  return `${lines.join("\n")}\n`;
}
