// The exports with their I/O, shared by `meshbench export` and the Action's report step:
// results directories read (as the report reads them), chosen runs turned into files.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { meshLabel, meshLineage } from "../results/mesh.ts";
import { readResults } from "../results/results-dir.ts";
import type { Mesh } from "../results/run-schema.ts";
import type { Prices } from "../stats/cost.ts";
import { type ExportFormat, exportFiles } from "./formats.ts";
import { type ExportScenario, exportInput } from "./input.ts";

export interface ExportSelection {
  scenario?: string;
  /** A mesh's name (`istio`), with variant (`istio (tuned)`), or its label with version. */
  mesh?: string;
}

export interface ExportRead {
  scenarios: ExportScenario[];
  /** Files that could not be used, by path. */
  problems: string[];
  /** `scenario: mesh` of every run found, chosen or not (for a message when none is). */
  found: string[];
}

/**
 * The chosen runs, ready to export. The cost over bare is reckoned at `prices` before a
 * mesh is picked, so `--mesh linkerd` keeps linkerd's cost against the bare beside it.
 * Capacity searches (capacity.json) below the directories come with their scenario.
 */
export async function readForExport(
  dirs: readonly string[],
  select: ExportSelection = {},
  prices?: Prices,
): Promise<ExportRead> {
  const set = await readResults(dirs, { dropSamples: true });
  const inScenario = set.runs.filter(
    ({ run }) => select.scenario === undefined || run.scenario === select.scenario,
  );
  const searches = set.capacity
    .map((c) => c.file)
    .filter((f) => select.scenario === undefined || f.scenario === select.scenario);
  const chosen = (mesh: Mesh) =>
    select.mesh === undefined ||
    [mesh.name, meshLineage(mesh), meshLabel(mesh)].includes(select.mesh);
  return {
    scenarios: exportInput(inScenario, prices, searches)
      .map((s) => ({
        ...s,
        meshes: s.meshes.filter((m) => chosen(m.summary.mesh)),
        capacity: s.capacity.filter((c) => chosen(c.mesh)),
      }))
      .filter((s) => s.meshes.length > 0 || s.capacity.length > 0),
    problems: set.problems,
    found: [...new Set(set.runs.map((r) => `${r.run.scenario}: ${meshLabel(r.run.mesh)}`))],
  };
}

/**
 * Each format's files into `dir`; per format the path of its file, or of the folder
 * holding its files when it makes one per mesh (hdr).
 */
export async function writeExports(
  scenarios: readonly ExportScenario[],
  formats: readonly ExportFormat[],
  dir: string,
): Promise<Partial<Record<ExportFormat, string>>> {
  const written: Partial<Record<ExportFormat, string>> = {};
  for (const format of formats) {
    const files = exportFiles(format, scenarios);
    // hdr of capacity answers alone (no runs): nothing to write.
    if (files.length === 0) continue;
    const into = format === "hdr" ? join(dir, "hdr") : dir;
    await mkdir(into, { recursive: true });
    for (const f of files) await writeFile(join(into, f.name), f.text);
    written[format] = format === "hdr" ? into : join(into, files[0]!.name);
  }
  return written;
}
