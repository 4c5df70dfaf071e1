// `meshbench run`: a scenario file → the plan → every run on its platform → results/ and
// the report. Thin: parse flags, handle signals, call runScenario, print.
import { percentileMs } from "../loadgen/summary.ts";
import { DEFAULT_CHART_HOST } from "../report/quickchart.ts";
import type { RunOutcome } from "../run/execute.ts";
import { clusterOf, OverrideError, PlatformUnavailable } from "../run/platforms.ts";
import { ResultsLocked } from "../run/results-lock.ts";
import { runScenario, type ScenarioRun } from "../run/scenario-run.ts";
import { formatPlan } from "../scenario/format.ts";
import { clusterPlanText } from "./cluster-plan.ts";
import { catchInterrupts } from "./interrupt.ts";
import { printable } from "./printable.ts";
import { numberFlag, oneScenario, parseFlags, stringFlags, UsageError } from "./usage.ts";

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
  --site NAME        where this cluster is, when identical clusters run the same scenario
                     (e.g. a region): recorded in run.json, and the report pools the sites'
                     runs as repetitions of each mesh

Runs are interleaved (bare r1, mesh-a r1, …, bare r2, …) so drift hits every mesh alike.
Each run's results are written as soon as it ends. A run that fails is recorded with its
reason and the others carry on; a mesh whose requirements are missing here is skipped
with a line saying how to get them. Ctrl-C ends the current run early, keeps what it
measured, cleans up and writes the report; a second Ctrl-C stops everything at once.

On a cluster every run installs its mesh, deploys, loads, then deletes everything it
created and uninstalls the mesh (meshbench cleanup removes what a killed run left).

On a cluster the preflight comes first (the checks of meshbench doctor): when one fails,
the run stops with the table and its fixes before it creates anything.

Exit status: 0 every run completed, ${EXIT_RUNS_FAILED} some runs failed, 2 bad arguments or
scenario file, or a failed preflight, 130 interrupted, 1 a kind or bare-metal cluster
could not be made or could not be removed (bare metal: probably still running; the
message says how to remove it), the results folder is in use by another run (--out), or
an internal fault.
`;

const FLAGS = {
  ...stringFlags("out", "repetitions", "chart-host", "kubeconfig", "context", "site"),
  mesh: { type: "string", multiple: true },
  "dry-run": { type: "boolean" },
} as const;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("run", argv, FLAGS, true);
  const file = oneScenario(positionals, "meshbench run scenarios/local-quick.yaml");
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const cluster = { kubeconfig: values.kubeconfig, context: values.context };
  const interrupts = catchInterrupts(say);
  let result: ScenarioRun;
  try {
    result = await runScenario({
      file,
      ...(values.mesh ? { only: values.mesh } : {}),
      ...(values.repetitions !== undefined
        ? {
            repetitions: numberFlag("repetitions", values.repetitions, {
              integer: true,
              min: 1,
              max: 100,
            }),
          }
        : {}),
      resultsRoot: values.out ?? "results",
      chartHost: values["chart-host"] ?? DEFAULT_CHART_HOST,
      cluster,
      ...(values.site !== undefined ? { site: siteFlag(values.site) } : {}),
      signal: interrupts.signal,
      progress: say,
      dryRun: values["dry-run"] ?? false,
      onPlan: (scenario, plan, meshes) => {
        process.stdout.write(formatPlan(scenario, plan));
        const chosen = clusterOf(scenario, cluster);
        if (chosen) process.stdout.write(clusterPlanText(chosen, plan, meshes));
      },
      onPlatform: (chosen) =>
        interrupts.setKillAllNow(chosen.platform.killAllNow?.bind(chosen.platform)),
    });
  } catch (error) {
    return platformFailure(error, say);
  } finally {
    interrupts.release();
  }
  const { report, outcomes, plan } = result;
  if (!report) return 0; // --dry-run
  for (const problem of report.problems) say(`meshbench: ${printable(problem)}`);
  process.stdout.write(formatOutcomes(outcomes, plan.skipped));
  process.stdout.write(
    `\nReport: ${report.files.markdown}\n        ${report.files.html}\n        ${report.files.summary}\n`,
  );
  if (result.teardownError !== null) return 1; // the cluster is still there: see the log
  if (interrupts.signal.aborted) return 130;
  return outcomes.some((o) => o.state === "failed") ? EXIT_RUNS_FAILED : 0;
}

/** A cluster that cannot be had or a results folder in use: said, exit 1; bad flags: usage. */
export function platformFailure(error: unknown, say: (line: string) => void): number {
  if (error instanceof OverrideError)
    throw new UsageError(`--kubeconfig/--context: ${error.message}`);
  if (error instanceof PlatformUnavailable || error instanceof ResultsLocked) {
    say(`meshbench: ${error.message}`);
    return 1;
  }
  throw error;
}

export function siteFlag(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) {
    throw new UsageError(
      `--site: "${value}" is not allowed; use letters, digits, . _ - (at most 63), e.g. us-west-2`,
    );
  }
  return value;
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
      `  ${`${o.run.case} r${o.run.repetition}`.padEnd(22)} ${String(o.run.rate).padStart(6)} ${(l ? l.achieved.rate.toFixed(1) : "–").padStart(11)} ${(l ? percentileMs(l.latencyUs, "p50") : "–").padStart(8)} ${(l ? percentileMs(l.latencyUs, "p99") : "–").padStart(8)} ${String(errors).padStart(8)}  ${o.state === "ok" ? "ok" : `failed (${o.phase}): ${o.reason}`}`,
    );
  }
  for (const s of skipped) lines.push(`  ${s.mesh.padEnd(22)} skipped: ${s.reason}`);
  return `${lines.join("\n")}\n`;
}
