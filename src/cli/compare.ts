// `meshbench compare`: a baseline results directory against a candidate one; prints the
// verdicts as Markdown, and with --fail-on-regression exits 3 naming what regressed.

import { capacitySections } from "../report/capacity-sections.ts";
import { buildReport } from "../report/document.ts";
import { analyze } from "../report/generate.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { regressions } from "../stats/compare.ts";
import { EXIT_REGRESSION } from "./exit.ts";
import { CALIBRATION_HELP, gateFlag, THRESHOLDS_HELP } from "./gate-flag.ts";
import { printable } from "./printable.ts";
import { costFlags } from "./report.ts";
import { parseFlags, stringFlags, UsageError } from "./usage.ts";

export const COMPARE_HELP = `meshbench compare — verdicts of a candidate's results against a baseline's

Usage:
  meshbench compare BASELINE_DIR CANDIDATE_DIR [--thresholds SPEC] [--calibration FILE]
                    [--force] [--fail-on-regression]
                    [--price-vcpu-hour USD --price-gib-hour USD]

Pairs meshes by scenario, name and variant (so istio 1.24 → 1.25 is compared), and per
metric prints the change of the median and a verdict: a change counts only when it
exceeds its threshold (or the calibrated noise floor) and the noise: Student's t on the
per-run values, Holm-corrected across every gated metric of every mesh, so an unchanged
setup fails at most alpha (5 %) of the time; each verdict states the smallest change the
gate can see at the run counts used. 1 run against 1 is refused. Two run checks
are judged beside the metrics, where any increase regresses: the share of failed runs
(runs.failed; a candidate whose runs all failed is compared on it) and container restarts
per completed run, the load generator's and control plane's aside (events.restarts).
Capacity searches (meshbench capacity) are compared too: capacity regressed when the
candidate failed at a rate below what the baseline held, by at least the precision.
A mesh beside a bare run is also judged on its cost over bare (cost.usdPerMillion), both
sides priced alike.

Flags:
${THRESHOLDS_HELP}
${CALIBRATION_HELP}
  --force               compare results whose fingerprints differ
  --fail-on-regression  exit 3 when any metric (or capacity) regressed
  --price-vcpu-hour USD, --price-gib-hour USD
                        prices the cost over bare is reckoned at, both or neither
                        (default: OpenCost's, GCP us-central1 on-demand)

Exit status: 0 compared, 3 regressed (with --fail-on-regression), 2 bad arguments or
nothing comparable, 1 internal fault.
`;

const FLAGS = {
  ...stringFlags("thresholds", "calibration", "price-vcpu-hour", "price-gib-hour"),
  force: { type: "boolean" },
  "fail-on-regression": { type: "boolean" },
} as const;

export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("compare", argv, FLAGS, true);
  if (positionals.length !== 2) {
    throw new UsageError(
      `compare: give BASELINE_DIR and CANDIDATE_DIR (got ${positionals.length} directories)`,
    );
  }
  const [baselineDir, candidateDir] = positionals as [string, string];
  const gate = await gateFlag(values.thresholds, values.calibration);
  const { prices } = costFlags(values);
  const analysis = await analyze([candidateDir], baselineDir, gate, values.force ?? false, prices);
  const comparison = analysis.comparison!;
  for (const problem of analysis.problems)
    process.stderr.write(`meshbench: ${printable(problem)}\n`);
  const capacityVerdicts = analysis.capacityVerdicts ?? [];
  if (comparison.meshes.length === 0 && capacityVerdicts.length === 0) {
    const why = [
      ...comparison.refused.map(
        (r) =>
          `${r.scenario}: ${r.label} vs ${r.baselineLabel}: not comparable (${r.differences.join("; ")})`,
      ),
      ...comparison.unmatched,
    ].map(printable);
    throw new UsageError(
      `compare: nothing to compare between ${baselineDir} and ${candidateDir}` +
        (why.length > 0 ? `:\n  ${why.join("\n  ")}` : "") +
        (comparison.refused.length > 0
          ? "\n--force compares results that are not comparable."
          : ""),
    );
  }
  const sections = buildReport({
    scenarios: analysis.scenarios,
    problems: [],
    overTime: new Map(),
    comparison,
    capacityVerdicts,
    baselineSource: baselineDir,
  }).filter((s) => s.name === "verdicts" || s.name === "comparison details");
  sections.push(...capacitySections([], capacityVerdicts));
  process.stdout.write(renderMarkdown(sections, null));
  const regressed = [
    ...regressions(comparison).map(
      (r) => `${r.mesh.scenario} / ${r.mesh.label}: ${r.metric.metric} (${r.metric.reason})`,
    ),
    ...capacityVerdicts
      .filter((v) => v.verdict === "regressed")
      .map((v) => `${v.scenario} / ${v.mesh}: capacity (${v.reason})`),
  ];
  if (regressed.length > 0 && values["fail-on-regression"]) {
    process.stderr.write(`meshbench: regressed: ${printable(regressed.join("; "))}\n`);
    return EXIT_REGRESSION;
  }
  return 0;
}
