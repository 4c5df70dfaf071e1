// Upload (@actions/artifact v2+ service): one results or report directory as one
// artifact. Names are immutable within a workflow run, so a second upload of a name is a
// clear error, and a second report step finds a free name beside the first.
import { lstat, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";

export class ArtifactConflictError extends Error {
  constructor(name: string) {
    super(
      `an artifact named "${name}" already exists in this workflow run, and artifact names are immutable within a run. ` +
        "Give each matrix job its own `mesh` (names are <prefix>-<scenario>-<mesh>), or a distinct `artifact-prefix` when one scenario and mesh run twice in a workflow; " +
        "a re-run of a failed job can replace its own earlier upload with `overwrite`.",
    );
    this.name = "ArtifactConflictError";
  }
}

export interface UploadOptions {
  name: string;
  dir: string;
  /** File name endings to include (default: the results, .json and .hlog). */
  extensions?: string[];
  retentionDays?: number;
  /** Delete an artifact of the same name in this run first (a job's re-run attempt). */
  overwrite?: boolean;
}

export interface UploadedArtifact {
  id: number;
  name: string;
  size: number;
  files: string[];
}

export const RESULT_EXTENSIONS = [".json", ".hlog"];
export const REPORT_EXTENSIONS = [".md", ".html", ".json"];
/** The history page: index.html and its data/<year>.js files. */
export const HISTORY_PAGE_EXTENSIONS = [".html", ".js"];

export async function uploadArtifact(options: UploadOptions): Promise<UploadedArtifact> {
  const { name, dir, extensions = RESULT_EXTENSIONS } = options;
  const files = await listFiles(dir, extensions);
  if (files.length === 0) {
    throw new Error(
      `no files ending in ${extensions.join(", ")} under ${dir} to upload as "${name}": check the results-dir input and that the run wrote its results`,
    );
  }
  const client = new DefaultArtifactClient();
  const existing = (await client.listArtifacts({ latest: true })).artifacts.some(
    (a) => a.name === name,
  );
  if (existing) {
    if (!options.overwrite) throw new ArtifactConflictError(name);
    await client.deleteArtifact(name);
    core.info(`Replaced the earlier artifact "${name}" of this run`);
  }
  try {
    const result = await client.uploadArtifact(
      name,
      files.map((f) => join(dir, f)),
      dir,
      options.retentionDays ? { retentionDays: options.retentionDays } : {},
    );
    return { id: result.id ?? 0, name, size: result.size ?? 0, files };
  } catch (error) {
    // Another job of this run uploaded the same name between our check and our upload.
    if (/\(409\) Conflict|already exists/i.test((error as Error).message))
      throw new ArtifactConflictError(name);
    throw error;
  }
}

/**
 * Regular files under `dir` (relative paths, sorted). Symlinks are skipped: they could point
 * anywhere.
 */
async function listFiles(dir: string, extensions: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isSymbolicLink()) {
        core.warning(`not uploading ${relative(dir, path)}: symbolic links are skipped`);
      } else if (entry.isDirectory()) {
        await walk(path);
      } else if (entry.isFile() && extensions.some((e) => entry.name.endsWith(e))) {
        out.push(relative(dir, path));
      }
    }
  };
  const info = await lstat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new Error(`results directory ${dir} does not exist or is not a directory`);
  await walk(dir);
  return out.sort();
}

/**
 * `name`, or `name-2`, `name-3` … when this run already has an artifact called `name`: a
 * second report step in a job (another scenario's, or the same one run again) uploads
 * beside the first instead of failing on an immutable name.
 */
export async function unusedArtifactName(name: string): Promise<string> {
  const { artifacts } = await new DefaultArtifactClient().listArtifacts({ latest: true });
  const taken = new Set(artifacts.map((a) => a.name));
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}`;
  return candidate;
}
