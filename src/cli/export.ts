// `meshbench export`: results directories in; the ecosystem's formats out (src/interop/).

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  EXPORT_FORMATS,
  type ExportFile,
  exportFiles,
  isExportFormat,
} from "../interop/formats.ts";
import { openMetrics } from "../interop/openmetrics.ts";
import { pushMetrics, pushUrl } from "../interop/push.ts";
import { readForExport } from "../interop/write.ts";
import { printable } from "./printable.ts";
import { parseFlags, stringFlags, UsageError } from "./usage.ts";

export const EXPORT_HELP = `meshbench export — results in the formats other tools read

Usage:
  meshbench export RESULTS_DIR... --format FORMAT [--out PATH] [--scenario NAME] [--mesh MESH]
  meshbench export RESULTS_DIR... --push URL [--scenario NAME] [--mesh MESH]

Reads every run.json below each RESULTS_DIR (as report does), and the capacity.json of
any capacity search there, and writes FORMAT:
  bencher                Bencher Metric Format: benchmark "scenario/mesh" → measures
                         p50-latency, p99-latency, p999-latency (ns), throughput (rps),
                         data-plane-cpu, control-plane-cpu (cores), data-plane-memory,
                         control-plane-memory (bytes): the median run, the lowest and
                         highest as lower_value and upper_value; capacity (rps):
                         the answer, held rate and failed rate as the bounds
  customSmallerIsBetter  github-action-benchmark's custom JSON: latency (ms), CPU, memory
  customBiggerIsBetter   the same for throughput and capacity
  openmetrics            OpenMetrics text, one series per run (labels scenario, mesh,
                         version, run): latency as a summary in seconds (quantile,
                         _sum, _count), rates, error ratio, CPU cores and memory bytes
                         per class; capacity per mesh; for a Prometheus Pushgateway
  smp                    Service Mesh Performance (Meshery): per run its
                         PerformanceTestResult, ServiceMeshConfig (sidecar and control
                         plane cpu_mcores, mem_mb) and EnvironmentConfig
  hdr                    HdrHistogram percentile distribution (wrk2's "Detailed
                         Percentile spectrum", ms) of each mesh's merged latency
                         histogram, as Java HdrHistogram's outputPercentileDistribution
                         writes it: one .hgrm per scenario and mesh

Flags:
  --format FORMAT   one of: ${EXPORT_FORMATS.join(", ")}
  --out PATH        the file to write (default: standard output); a directory when the
                    format makes several files (hdr of several meshes)
  --push URL        PUT the openmetrics text to the Pushgateway at URL (job
                    "meshbench", or the group URL names: URL/metrics/job/NAME/…)
  --scenario NAME   only this scenario
  --mesh MESH       only this mesh: its name (istio), with variant (istio (tuned)), or its
                    label with version (istio 1.24.0)

Exit status: 0 written, 2 bad arguments or nothing to export, 1 internal fault or a
refused push.
`;

const FLAGS = {
  ...stringFlags("format", "out", "scenario", "mesh", "push"),
} as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("export", argv, FLAGS, true);
  if (positionals.length === 0) {
    throw new UsageError("export: give at least one RESULTS_DIR (meshbench export --help)");
  }
  const format = values.format ?? (values.push !== undefined ? "openmetrics" : undefined);
  if (format === undefined || !isExportFormat(format)) {
    throw new UsageError(
      `--format: ${format === undefined ? "missing" : `"${format}" is not a format`}; allowed: ${EXPORT_FORMATS.join(", ")}`,
    );
  }
  const read = await readForExport(positionals, {
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    ...(values.mesh !== undefined ? { mesh: values.mesh } : {}),
  });
  for (const problem of read.problems) process.stderr.write(`meshbench: ${printable(problem)}\n`);
  const { scenarios } = read;
  if (scenarios.length === 0) {
    throw new UsageError(
      `export: no completed run to export${values.scenario || values.mesh ? " matches --scenario/--mesh" : ""}` +
        (read.found.length > 0 ? `; runs found: ${printable(read.found.join(", "))}` : ""),
    );
  }
  if (values.push !== undefined) {
    if (format !== "openmetrics" || values.out !== undefined) {
      throw new UsageError("--push: sends --format openmetrics, and nothing is written (no --out)");
    }
    let target: string;
    try {
      target = pushUrl(values.push);
    } catch (error) {
      throw new UsageError(`--push: ${(error as Error).message}`);
    }
    try {
      await pushMetrics(target, openMetrics(scenarios));
    } catch (error) {
      process.stderr.write(
        `meshbench: ${printable(`push to ${target} failed: ${(error as Error).message}`)}\n`,
      );
      return 1;
    }
    process.stdout.write(`pushed to ${target}\n`);
    return 0;
  }
  const files = exportFiles(format, scenarios);
  if (files.length === 0) {
    throw new UsageError(
      `export: --format ${format} describes runs, and these results hold capacity answers only (bencher, customBiggerIsBetter and openmetrics carry those)`,
    );
  }
  await writeFiles(files, values.out);
  return 0;
}

async function writeFiles(files: ExportFile[], out: string | undefined): Promise<void> {
  if (files.length === 1) {
    if (out === undefined) process.stdout.write(files[0]!.text);
    else await writeFile(out, files[0]!.text);
    return;
  }
  if (out === undefined) {
    throw new UsageError(
      `export: this makes ${files.length} files (${files.map((f) => f.name).join(", ")}); give --out DIR, or pick one with --scenario and --mesh`,
    );
  }
  await mkdir(out, { recursive: true });
  for (const f of files) await writeFile(join(out, f.name), f.text);
  process.stdout.write(`${files.map((f) => join(out, f.name)).join("\n")}\n`);
}
