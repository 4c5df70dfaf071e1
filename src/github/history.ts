// The history lives on its own branch (default `meshbench-history`, an orphan branch
// holding only history files), one file per scenario and year, written through the git
// data API so no checkout or git credentials are needed: read the branch's head, build a
// commit on it (blobs inline in a new tree), then move the branch with a fast-forward-only
// ref update.
//
// Every decision is taken on status codes and on the branch's state, never on an error
// message's wording:
// - "branch missing" is a 404 on GET git/ref/heads/<branch> (the documented answer for a
//   ref that does not exist);
// - "another job wrote first" is a 422 on the fast-forward-only PATCH of the ref (or on
//   creating it) after which the ref, read again, no longer points where we built on (or
//   now exists). Only that conflict is retried: any other 422 (an object GitHub refuses)
//   would fail the same way again, so it is an error at once;
// - 429 (rate limited) and 5xx are retried too, with a growing, jittered pause. A 5xx may
//   come after the write was made: an entry already there (same run, time, scenario) is
//   not written twice.
// The file a scenario wrote before rotation (`history/<scenario>.jsonl`) is read, and moved
// into the yearly files by the first write. Each yearly file is capped (default 1 MiB, twice
// what a year of daily runs of four meshes takes): past the cap its oldest entries are
// dropped, and stay in the branch's git history.
import * as core from "@actions/core";
import { apiMessage, type GitHubClient, httpStatus } from "./client.ts";
import {
  appendToHistory,
  entryYear,
  type HistoryEntry,
  type HistoryProblem,
  historyDir,
  historyFile,
  legacyHistoryFile,
  parseHistory,
} from "./history-format.ts";

export const DEFAULT_HISTORY_BRANCH = "meshbench-history";
export const DEFAULT_HISTORY_MAX_BYTES = 1024 * 1024;

export interface HistoryLocation {
  owner: string;
  repo: string;
  branch: string;
  scenario: string;
}

/** The branch's head and the blob of every history file of the scenario. */
type Snapshot = { branch: false } | { branch: true; head: string; tree: string; files: Files };
/** path → blob sha */
type Files = Map<string, string>;

const repoOf = (at: HistoryLocation) => ({ owner: at.owner, repo: at.repo });
const refOf = (at: HistoryLocation) => `heads/${at.branch}`;

/** The sha the branch points at, or undefined when GitHub answers 404: no such branch. */
async function headOf(gh: GitHubClient, at: HistoryLocation): Promise<string | undefined> {
  try {
    return (await gh.rest.git.getRef({ ...repoOf(at), ref: refOf(at) })).data.object.sha;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

async function snapshot(gh: GitHubClient, at: HistoryLocation): Promise<Snapshot> {
  const head = await headOf(gh, at);
  if (head === undefined) return { branch: false };
  const commit = await gh.rest.git.getCommit({ ...repoOf(at), commit_sha: head });
  const tree = commit.data.tree.sha;
  const listing = await gh.rest.git.getTree({ ...repoOf(at), tree_sha: tree, recursive: "1" });
  const dir = `${historyDir(at.scenario)}/`;
  const legacy = legacyHistoryFile(at.scenario);
  const files: Files = new Map();
  for (const item of listing.data.tree) {
    if (item.type !== "blob" || !item.path || !item.sha) continue;
    const yearly = item.path.startsWith(dir) && /^\d{4}\.jsonl$/.test(item.path.slice(dir.length));
    if (yearly || item.path === legacy) files.set(item.path, item.sha);
  }
  return { branch: true, head, tree, files };
}

async function blobText(gh: GitHubClient, at: HistoryLocation, sha: string): Promise<string> {
  const { data } = await gh.rest.git.getBlob({ ...repoOf(at), file_sha: sha });
  return Buffer.from(data.content, (data.encoding as BufferEncoding) ?? "base64").toString("utf8");
}

export interface FileProblem extends HistoryProblem {
  file: string;
}

/** Every entry of the scenario (all years, and the pre-rotation file), oldest first. */
export async function readHistory(
  gh: GitHubClient,
  at: HistoryLocation,
): Promise<{ found: boolean; entries: HistoryEntry[]; problems: FileProblem[] }> {
  const current = await snapshot(gh, at);
  if (!current.branch || current.files.size === 0)
    return { found: false, entries: [], problems: [] };
  const entries: HistoryEntry[] = [];
  const problems: FileProblem[] = [];
  for (const [file, sha] of [...current.files].sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseHistory(await blobText(gh, at, sha));
    entries.push(...parsed.entries);
    problems.push(...parsed.problems.map((p) => ({ file, ...p })));
  }
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { found: true, entries, problems };
}

export interface AppendOptions {
  maxBytes?: number;
  maxAttempts?: number;
  /** Base pause between attempts (ms); grows with each attempt, with jitter. */
  retryDelayMs?: number;
  message?: string;
}

export interface AppendResult {
  commitSha: string;
  attempts: number;
  /** The file written, e.g. `history/smoke/2026.jsonl`. */
  path: string;
  /** Oldest entries dropped to keep the yearly file under its cap. */
  dropped: number;
  /** The branch did not exist and was created. */
  createdBranch: boolean;
  /** Entries moved from the pre-rotation file into the yearly files. */
  migrated: number;
}

/** The conflict a fresh read resolves: the branch moved, or appeared, under us. */
class BranchMoved extends Error {}

export async function appendHistory(
  gh: GitHubClient,
  at: HistoryLocation,
  entry: HistoryEntry,
  options: AppendOptions = {},
): Promise<AppendResult> {
  const { maxBytes = DEFAULT_HISTORY_MAX_BYTES, maxAttempts = 5, retryDelayMs = 500 } = options;
  const message = options.message ?? `meshbench: ${entry.scenario} history, run ${entry.run.id}`;
  const path = historyFile(at.scenario, entryYear(entry));
  let last = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const current = await snapshot(gh, at);
      const changes = current.branch
        ? await nextFiles(gh, at, current.files, entry, maxBytes)
        : { files: new Map([[path, appendToHistory("", entry, maxBytes).text]]), ...NOTHING };
      if (attempt > 1 && changes.already) {
        return { commitSha: "", attempts: attempt, path, ...NOTHING, createdBranch: false };
      }
      if (changes.dropped > 0) {
        core.info(
          `history ${path} reached ${maxBytes} bytes: dropped its ${changes.dropped} oldest entries (kept in git history)`,
        );
      }
      const commitSha = await commitFiles(gh, at, current, changes.files, message);
      const { dropped, migrated } = changes;
      return {
        commitSha,
        attempts: attempt,
        path,
        dropped,
        migrated,
        createdBranch: !current.branch,
      };
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403) {
        throw new Error(
          `could not write the history to ${at.branch} in ${at.owner}/${at.repo}: ${apiMessage(error)}; the job needs \`permissions: contents: write\``,
          { cause: error },
        );
      }
      if (!(error instanceof BranchMoved) && !transient(status)) throw error;
      last = error instanceof BranchMoved ? error.message : `${status} ${apiMessage(error)}`;
      core.info(
        `history write ${error instanceof BranchMoved ? "conflicted" : "failed"} (${last}); reading again (attempt ${attempt} of ${maxAttempts})`,
      );
      await new Promise((r) => setTimeout(r, retryDelayMs * attempt * (0.5 + Math.random())));
    }
  }
  throw new Error(
    `could not append to ${path} on ${at.branch} after ${maxAttempts} attempts (last: ${last}): other jobs kept writing it, or GitHub kept failing. Give concurrent workflows a concurrency group`,
  );
}

const NOTHING = { dropped: 0, migrated: 0, already: false };

/** 429: rate limited; 5xx: GitHub failed (perhaps after writing). */
const transient = (status: number | undefined) => status === 429 || (status ?? 0) >= 500;

/**
 * The files to write (path → text; null deletes): the entry's yearly file with the entry
 * appended, and, when the pre-rotation file is still there, its entries moved into the
 * yearly files and the file itself deleted. `already` when the entry is there.
 */
async function nextFiles(
  gh: GitHubClient,
  at: HistoryLocation,
  files: Files,
  entry: HistoryEntry,
  maxBytes: number,
): Promise<{
  files: Map<string, string | null>;
  dropped: number;
  migrated: number;
  already: boolean;
}> {
  const texts = new Map<string, string>();
  const read = async (path: string) => {
    if (!texts.has(path)) {
      const sha = files.get(path);
      texts.set(path, sha ? await blobText(gh, at, sha) : "");
    }
    return texts.get(path)!;
  };
  const out = new Map<string, string | null>();
  const legacy = legacyHistoryFile(at.scenario);
  let migrated = 0;
  if (files.has(legacy)) {
    // Lines that do not validate were reported at every read; they stay in git history.
    for (const old of parseHistory(await read(legacy)).entries) {
      const path = historyFile(at.scenario, entryYear(old));
      out.set(path, appendToHistory(out.get(path) ?? (await read(path)), old, maxBytes).text);
      migrated++;
    }
    out.set(legacy, null);
  }
  const path = historyFile(at.scenario, entryYear(entry));
  const before = out.get(path) ?? (await read(path));
  const already = parseHistory(before).entries.some(
    (e) => e.run.id === entry.run.id && e.at === entry.at && e.scenario === entry.scenario,
  );
  const next = appendToHistory(before, entry, maxBytes);
  out.set(path, next.text);
  return { files: out, dropped: next.dropped, migrated, already };
}

/**
 * One commit with `files` on the branch's head (or, with no branch, an orphan commit and
 * the branch created), moved onto the branch fast-forward only. Throws BranchMoved when
 * another writer moved (or created) the branch first.
 */
async function commitFiles(
  gh: GitHubClient,
  at: HistoryLocation,
  current: Snapshot,
  files: Map<string, string | null>,
  message: string,
): Promise<string> {
  const repo = repoOf(at);
  const tree = await gh.rest.git.createTree({
    ...repo,
    ...(current.branch ? { base_tree: current.tree } : {}),
    tree: [...files].map(([path, content]) =>
      content === null
        ? { path, mode: "100644" as const, type: "blob" as const, sha: null }
        : { path, mode: "100644" as const, type: "blob" as const, content },
    ),
  });
  const parents = current.branch ? [current.head] : [];
  const commit = await gh.rest.git.createCommit({
    ...repo,
    message,
    tree: tree.data.sha,
    parents,
  });
  try {
    if (current.branch) {
      await gh.rest.git.updateRef({ ...repo, ref: refOf(at), sha: commit.data.sha, force: false });
    } else {
      await gh.rest.git.createRef({ ...repo, ref: `refs/${refOf(at)}`, sha: commit.data.sha });
    }
  } catch (error) {
    if (httpStatus(error) !== 422) throw error;
    // Which 422 is it? The branch tells: where it points now, against where we built.
    const now = await headOf(gh, at);
    const before = current.branch ? current.head : undefined;
    if (now !== before) {
      throw new BranchMoved(
        before === undefined
          ? `${at.branch} was created by another writer`
          : `${at.branch} moved from ${before.slice(0, 7)} to ${now?.slice(0, 7) ?? "nowhere"}`,
      );
    }
    throw error;
  }
  return commit.data.sha;
}
