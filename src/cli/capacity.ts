// `meshbench capacity`: per mesh, the highest rate that holds the scenario's SLO. Thin: parse
// flags, handle signals, call runCapacity, print the answers.
import { answerText } from "../report/capacity-text.ts";
import { DEFAULT_CHART_HOST } from "../report/quickchart.ts";
import { NoCapacitySection, runCapacity } from "../run/capacity.ts";
import { formatDuration } from "../scenario/duration.ts";
import { catchInterrupts } from "./interrupt.ts";
import { printable } from "./printable.ts";
import { EXIT_RUNS_FAILED, platformFailure, siteFlag } from "./run.ts";
import { parseFlags, UsageError } from "./usage.ts";

export const CAPACITY_HELP = `meshbench capacity — per mesh, the highest total rate that holds an SLO

Usage:
  meshbench capacity SCENARIO [--out DIR] [--mesh NAME ...] [--chart-host HOST|none]
                     [--kubeconfig PATH] [--context NAME] [--site NAME]

  SCENARIO           a scenario file with a capacity: section, e.g.
                     scenarios/local-capacity.yaml:
                       capacity:
                         slo: ["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%"]
                         min: 50          # requests/s over all instances; must hold
                         max: 2000        # if it holds: "at least 2000"
                         precision: 5%    # or 20rps
                         probe: 10s       # each probe run (default load.duration)
                         confirm: 30s     # the confirmation at the answer (default 3 × probe)
  --out DIR          results root (default results); probes go to
                     DIR/<scenario>-capacity/<mesh>/p<k>/ (run.json, latency.hlog), the
                     answers to DIR/<scenario>-capacity/capacity.json, the report
                     (each mesh's capacity, bracket, rps per data-plane core, a chart of
                     the probes) to report.{md,html} and summary.json beside it
  --mesh NAME        only this mesh of the scenario (repeatable)
  --chart-host HOST|none, --kubeconfig PATH, --context NAME, --site NAME
                     as for meshbench run

Probes min, then max, then bisects between the highest held and the lowest failed rate
until they are within the precision. The answer is never a single probe: the highest held
rate gets a longer confirmation run, and if that fails the search goes back below it. Each
answer comes with its bracket (last held, first failed). A probe that failed while the load
generator was saturated ends the search with "at least" the confirmed rate. The meshes'
probes are interleaved so drift hits all alike; every probe is an ordinary run (same
platform, cleanup and Ctrl-C as meshbench run).

Exit status: 0 every mesh has an answer, ${EXIT_RUNS_FAILED} a mesh's probe could not run,
2 bad arguments or scenario file (or no capacity: section), 130 interrupted, 1 the cluster
could not be made or removed, the results folder is in use, or an internal fault.
`;

const FLAGS = {
  out: { type: "string" },
  mesh: { type: "string", multiple: true },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  site: { type: "string" },
  "chart-host": { type: "string" },
} as const;

export async function capacityCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("capacity", argv, FLAGS, true);
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw new UsageError(
      "give a SCENARIO file with a capacity: section, e.g. meshbench capacity scenarios/local-capacity.yaml",
    );
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}" (one SCENARIO at a time)`);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const interrupts = catchInterrupts(say);
  let result: Awaited<ReturnType<typeof runCapacity>>;
  try {
    result = await runCapacity({
      file,
      ...(values.mesh ? { only: values.mesh } : {}),
      resultsRoot: values.out ?? "results",
      chartHost: values["chart-host"] ?? DEFAULT_CHART_HOST,
      cluster: { kubeconfig: values.kubeconfig, context: values.context },
      ...(values.site !== undefined ? { site: siteFlag(values.site) } : {}),
      signal: interrupts.signal,
      progress: say,
      onPlatform: (chosen) =>
        interrupts.setKillAllNow(chosen.platform.killAllNow?.bind(chosen.platform)),
    });
  } catch (error) {
    if (error instanceof NoCapacitySection) throw new UsageError(error.message);
    return platformFailure(error, say);
  } finally {
    interrupts.release();
  }
  const f = result.file;
  process.stdout.write(
    `\nCapacity within ${f.slo.join(", ")} (${f.minRate}–${f.maxRate} rps, precision ${f.precision}, probes ${formatDuration(f.probeMs)}, confirmation ${formatDuration(f.confirmMs)}):\n`,
  );
  for (const m of f.meshes)
    process.stdout.write(`  ${m.mesh.name.padEnd(24)} ${printable(answerText(m))}\n`);
  for (const problem of result.report.problems) say(`meshbench: ${printable(problem)}`);
  process.stdout.write(
    `\nProbes and answers: ${result.dir}/ (capacity.json)\nReport: ${result.report.files.markdown}\n        ${result.report.files.html}\n        ${result.report.files.summary}\n`,
  );
  if (result.teardownError !== null) return 1;
  if (interrupts.signal.aborted) return 130;
  return f.meshes.some((m) => m.kind === "failed") ? EXIT_RUNS_FAILED : 0;
}
