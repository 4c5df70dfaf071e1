// The export formats by name: each turns the scenarios' figures into files (name and
// text). Most formats make one file of everything; the percentile distribution is one
// file per scenario and mesh, as HdrHistogram's tools read one histogram at a time. Pure.
import { bencherMetrics } from "./bencher.ts";
import { eachMesh } from "./each-mesh.ts";
import { benchmarkEntries } from "./github-benchmark.ts";
import type { ExportScenario } from "./input.ts";
import { openMetrics } from "./openmetrics.ts";
import { percentileDistribution } from "./percentile-text.ts";
import { smpRuns } from "./smp.ts";

export interface ExportFile {
  name: string;
  text: string;
}

export const EXPORT_FORMATS = [
  "bencher",
  "customSmallerIsBetter",
  "customBiggerIsBetter",
  "openmetrics",
  "smp",
  "hdr",
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(name: string): name is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(name);
}

const RENDER: Record<ExportFormat, (scenarios: readonly ExportScenario[]) => ExportFile[]> = {
  bencher: (s) => [json("bencher.json", bencherMetrics(s))],
  customSmallerIsBetter: (s) => [json("smaller-is-better.json", benchmarkEntries(s, "lower"))],
  customBiggerIsBetter: (s) => [json("bigger-is-better.json", benchmarkEntries(s, "higher"))],
  openmetrics: (s) => [{ name: "meshbench.om.txt", text: openMetrics(s) }],
  smp: (s) => [json("smp.json", smpRuns(s))],
  hdr: (scenarios) =>
    eachMesh(scenarios).map(({ scenario, mesh }) => ({
      name: `${fileSafe(scenario)}.${fileSafe(mesh.summary.label)}.hgrm`,
      text: percentileDistribution(mesh.histogram),
    })),
};

export function exportFiles(
  format: ExportFormat,
  scenarios: readonly ExportScenario[],
): ExportFile[] {
  return RENDER[format](scenarios);
}

function json(name: string, data: unknown): ExportFile {
  return { name, text: `${JSON.stringify(data, null, 2)}\n` };
}

/** A name from run files (untrusted) as one safe file-name part: no separators, no dots first. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
}
