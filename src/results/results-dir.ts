// Reads results directories (DESIGN.md layout: <scenario>/<mesh>/r<k>/run.json with its
// latency.hlog). Every run.json below each directory is read; what cannot be used is
// reported by path and skipped, so one bad file never costs the whole report. A folder
// holding a capacity.json is a capacity search: its answers are read, its probes (runs at
// many rates) are not pooled as repetitions.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CAPACITY_FILE, type CapacityFile, readCapacityFile } from "./capacity-file.ts";
import { MAX_RUN_FILE_BYTES } from "./caps.ts";
import { meshLabel } from "./mesh.ts";
import { parseRun } from "./run-file.ts";
import type { RunResult } from "./run-schema.ts";
import { RUN_FILE, RUN_HLOG } from "./run-version.ts";

export interface LoadedRun {
  /** Path of the run.json. */
  path: string;
  run: RunResult;
  /** Path of the run's latency.hlog, or null when it has none. */
  hlogPath: string | null;
}

export interface ResultsSet {
  runs: LoadedRun[];
  /** Capacity searches (capacity.json); their probes are not runs of a scenario. */
  capacity: { path: string; file: CapacityFile }[];
  /** One line per file or directory that could not be used, naming its path. */
  problems: string[];
}

/** Directories never holding run files of their own: per-pod logs, dependencies, VCS. */
const SKIP_DIRS = new Set(["pods", "node_modules", ".git"]);

/** run.json files below `dir`; a folder with a capacity.json is a search, listed apart. */
async function findRunFiles(dir: string, found: string[], searches: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === CAPACITY_FILE)) {
    searches.push(dir);
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name))
      await findRunFiles(path, found, searches);
    else if (entry.isFile() && entry.name === RUN_FILE) found.push(path);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export interface ReadOptions {
  /**
   * Release each run's per-container resource samples once the file is validated, keeping
   * the per-run figures. A report needs only those, and 30-minute runs sampled every
   * second hold a million sample objects whose mere presence makes garbage collection of
   * everything else (decoding thousands of interval histograms) several times slower.
   */
  dropSamples?: boolean;
}

export async function readResults(
  dirs: readonly string[],
  options: ReadOptions = {},
): Promise<ResultsSet> {
  const set: ResultsSet = { runs: [], capacity: [], problems: [] };
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const files: string[] = [];
    const searches: string[] = [];
    try {
      if ((await stat(dir)).isFile()) files.push(dir);
      else await findRunFiles(dir, files, searches);
    } catch (error) {
      set.problems.push(`${dir}: cannot read results: ${(error as Error).message}`);
      continue;
    }
    for (const search of searches) {
      const read = await readCapacityFile(search);
      if (read?.ok) set.capacity.push({ path: join(search, CAPACITY_FILE), file: read.file });
      else if (read) set.problems.push(read.problem);
    }
    if (files.length === 0 && searches.length === 0)
      set.problems.push(`${dir}: no ${RUN_FILE} found below it`);
    for (const path of files) {
      let text: string;
      try {
        const { size } = await stat(path);
        if (size > MAX_RUN_FILE_BYTES) {
          set.problems.push(
            `${path}: skipped unread, ${size} bytes is more than a run file may hold (${MAX_RUN_FILE_BYTES})`,
          );
          continue;
        }
        text = await readFile(path, "utf8");
      } catch (error) {
        set.problems.push(`${path}: cannot read: ${(error as Error).message}`);
        continue;
      }
      const parsed = parseRun(text, path);
      if (!parsed.ok) {
        set.problems.push(parsed.problem);
        continue;
      }
      const { run } = parsed;
      if (options.dropSamples && run.resources) {
        run.resources.sampledAtMs = [];
        run.resources.usage = {};
      }
      // Runs of identical clusters at several sites pool: the site is part of who a run is.
      const identity = `${run.scenario}\u0000${meshLabel(run.mesh)}\u0000${run.repetition}\u0000${run.platform.site ?? ""}`;
      const earlier = seen.get(identity);
      if (earlier !== undefined) {
        set.problems.push(
          `${path}: skipped, same scenario "${run.scenario}", mesh "${meshLabel(run.mesh)}" and repetition ${run.repetition}${run.platform.site ? ` at site ${run.platform.site}` : ""} as ${earlier}`,
        );
        continue;
      }
      seen.set(identity, path);
      const hlog = join(dirname(path), RUN_HLOG);
      set.runs.push({ path, run, hlogPath: (await exists(hlog)) ? hlog : null });
    }
  }
  return set;
}
