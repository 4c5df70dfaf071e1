// The history read from a copy of the branch instead of the API: a directory (a checkout
// of `meshbench-history`, or its `history/` folder), or the branch of the git repository
// in the working directory. Every *.jsonl below is read; bad lines are problems, named by
// file and line, never fatal.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import type { FileProblem } from "./history.ts";
import { type HistoryEntry, parseHistory } from "./history-format.ts";

export interface ReadFiles {
  entries: HistoryEntry[];
  problems: FileProblem[];
  files: number;
}

function collect(texts: { file: string; text: string }[]): ReadFiles {
  const entries: HistoryEntry[] = [];
  const problems: FileProblem[] = [];
  for (const { file, text } of texts) {
    const parsed = parseHistory(text);
    entries.push(...parsed.entries);
    problems.push(...parsed.problems.map((p) => ({ file, ...p })));
  }
  return { entries, problems, files: texts.length };
}

export async function readHistoryDir(dir: string): Promise<ReadFiles> {
  const names = (await readdir(dir, { recursive: true }))
    .filter((n) => n.endsWith(".jsonl") && !n.split(/[\\/]/).includes(".git"))
    .sort();
  const texts = await Promise.all(
    names.map(async (n) => ({
      file: relative(dir, join(dir, n)),
      text: await readFile(join(dir, n), "utf8"),
    })),
  );
  return collect(texts);
}

const git = promisify(execFile);

/** `branch` (e.g. `origin/meshbench-history`) of the repository at `cwd`, without a checkout. */
export async function readHistoryBranch(branch: string, cwd: string): Promise<ReadFiles> {
  const run = async (...args: string[]) =>
    (await git("git", args, { cwd, maxBuffer: 256 * 1024 * 1024 })).stdout;
  let listing: string;
  try {
    listing = await run("ls-tree", "-r", "--name-only", branch, "--", "history");
  } catch (error) {
    throw new Error(
      `cannot read branch ${branch} in ${cwd}: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message} (fetch it first: git fetch origin meshbench-history)`,
    );
  }
  const names = listing.split("\n").filter((n) => n.endsWith(".jsonl"));
  const texts = await Promise.all(
    names.map(async (n) => ({ file: `${branch}:${n}`, text: await run("show", `${branch}:${n}`) })),
  );
  return collect(texts);
}
