// `meshbench report`: results directories in; report.md, report-compact.md, report.html
// and summary.json out.

import { generateReport } from "../report/generate.ts";
import { DEFAULT_CHART_HOST } from "../report/quickchart.ts";
import { TRAFFIC } from "../scenario/schema.ts";
import { regressions } from "../stats/compare.ts";
import { type CostConfig, costConfig } from "../stats/cost.ts";
import { CALIBRATION_HELP, gateFlag, THRESHOLDS_HELP } from "./gate-flag.ts";
import { printable } from "./printable.ts";
import { parseFlags, stringFlags, UsageError } from "./usage.ts";

export const REPORT_HELP = `meshbench report — tables, charts and verdicts from results directories

Usage:
  meshbench report RESULTS_DIR... [--baseline DIR] [--out DIR] [--thresholds SPEC]
                   [--calibration FILE] [--chart-host HOST|none] [--short-urls] [--force]
                   [--traffic RPS] [--price-vcpu-hour USD --price-gib-hour USD]

Reads every run.json (and its latency.hlog) below each RESULTS_DIR; files that cannot be
used are listed in the report and skipped. Writes to --out (default: the first
RESULTS_DIR):
  report.md           every table, and charts as image URLs
  report-compact.md   under 65,536 characters (a PR comment): every verdict, then what fits
  report.html         self-contained page; Chart.js inlined, draws offline
  summary.json        all figures and verdicts as data

Flags:
  --baseline DIR      compare with the results in DIR: per mesh and metric the change and
                      a verdict (regressed, improved, unchanged, inconclusive)
  --out DIR           where the report files go
${THRESHOLDS_HELP}
${CALIBRATION_HELP}
  --chart-host HOST   QuickChart host for chart images in the Markdown (default
                      ${DEFAULT_CHART_HOST}; https://host:port for your own); "none": no
                      chart images, so no data leaves this machine
  --short-urls        ask quickchart.io for short URLs for charts too large to embed
  --force             compare results whose fingerprints (workload, rate, duration,
                      connections, pods, platform, node types) differ
  --traffic RPS       the traffic the cost per month is for, e.g. 5000rps (default: none,
                      only $ per million requests)
  --price-vcpu-hour USD, --price-gib-hour USD
                      prices for the cost in money, both or neither (default: OpenCost's,
                      GCP us-central1 on-demand: 0.031611 and 0.004237)

Exit status: 0 report written, 2 bad arguments, 1 internal fault.
`;

const FLAGS = {
  ...stringFlags(
    "baseline",
    "out",
    "thresholds",
    "calibration",
    "chart-host",
    "traffic",
    "price-vcpu-hour",
    "price-gib-hour",
  ),
  "short-urls": { type: "boolean" },
  force: { type: "boolean" },
} as const;

/** --traffic and the two prices, checked: both prices or neither. */
export function costFlags(values: {
  traffic?: string | undefined;
  "price-vcpu-hour"?: string | undefined;
  "price-gib-hour"?: string | undefined;
}): CostConfig {
  const number = (flag: string, text: string, pattern: RegExp): number => {
    const m = pattern.exec(text.trim());
    const n = Number(m?.[1]);
    if (!m || !(n > 0)) throw new UsageError(`--${flag}: "${text}" is not a positive number`);
    return n;
  };
  const vcpu = values["price-vcpu-hour"];
  const gib = values["price-gib-hour"];
  if ((vcpu === undefined) !== (gib === undefined)) {
    throw new UsageError("--price-vcpu-hour and --price-gib-hour: give both or neither");
  }
  const price = /^(\d+(?:\.\d+)?)$/;
  return costConfig(
    values.traffic === undefined
      ? undefined
      : { trafficRps: number("traffic", values.traffic, TRAFFIC) },
    vcpu !== undefined && gib !== undefined
      ? {
          prices: {
            vcpuHour: number("price-vcpu-hour", vcpu, price),
            gibHour: number("price-gib-hour", gib, price),
          },
          source: "prices given on the command line",
        }
      : undefined,
  );
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("report", argv, FLAGS, true);
  if (positionals.length === 0) {
    throw new UsageError("report: give at least one RESULTS_DIR (meshbench report --help)");
  }
  const chartHost = values["chart-host"] ?? DEFAULT_CHART_HOST;
  if (values["short-urls"] && chartHost !== DEFAULT_CHART_HOST) {
    throw new UsageError(
      `--short-urls: only ${DEFAULT_CHART_HOST} offers short URLs, not ${chartHost}`,
    );
  }
  const outcome = await generateReport({
    resultsDirs: positionals,
    ...(values.baseline !== undefined ? { baselineDir: values.baseline } : {}),
    outDir: values.out ?? positionals[0]!,
    gate: await gateFlag(values.thresholds, values.calibration),
    chartHost,
    shortUrls: values["short-urls"] ?? false,
    force: values.force ?? false,
    cost: costFlags(values),
  });
  for (const problem of outcome.problems)
    process.stderr.write(`meshbench: ${printable(problem)}\n`);
  const runs = outcome.scenarios.reduce(
    (n, s) => n + s.meshes.reduce((k, m) => k + m.runs.length, 0),
    0,
  );
  const lines = [`Report of ${runs} completed run(s) in ${outcome.scenarios.length} scenario(s):`];
  for (const path of Object.values(outcome.files)) lines.push(`  ${path}`);
  if (outcome.comparison) {
    const regressed = regressions(outcome.comparison);
    lines.push(
      regressed.length === 0
        ? "No regression against the baseline."
        : `Regressed: ${printable(regressed.map((r) => `${r.mesh.label} ${r.metric.metric}`).join(", "))}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
