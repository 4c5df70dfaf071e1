// The history file lives on its own branch (default `meshbench-history`, an orphan
// branch holding only history files), written through the REST API so no checkout or
// git credentials are needed: read the file and its blob sha, append, PUT with that sha.
// When another job wrote in between, GitHub answers 409 (sha mismatch) or 422; then read
// again and retry, a few times with a growing, jittered pause — as for a 5xx or a 429
// (rate limited). A 5xx may come after the write was made: an entry already in the file
// (same run, same time) is not written twice. The file is capped (default
// 512 KiB, under the contents API's 1 MB inline limit): past the cap the oldest entries
// are dropped, and stay in the branch's git history.
import * as core from "@actions/core";
import { apiMessage, type GitHubClient, httpStatus } from "./client.ts";
import {
  appendToHistory,
  type HistoryEntry,
  type HistoryProblem,
  parseHistory,
} from "./history-format.ts";

export const DEFAULT_HISTORY_BRANCH = "meshbench-history";
export const DEFAULT_HISTORY_MAX_BYTES = 512 * 1024;

export interface HistoryLocation {
  owner: string;
  repo: string;
  branch: string;
  /** Path of the file in the branch, e.g. historyPath(scenario). */
  path: string;
}

export const historyPath = (scenario: string) =>
  `history/${scenario.replace(/[^A-Za-z0-9._-]/g, "_")}.jsonl`;

type Current = { branch: false } | { branch: true; sha: string | undefined; text: string };

async function readCurrent(gh: GitHubClient, at: HistoryLocation): Promise<Current> {
  try {
    const { data } = await gh.rest.repos.getContent({
      owner: at.owner,
      repo: at.repo,
      path: at.path,
      ref: at.branch,
    });
    if (Array.isArray(data) || data.type !== "file")
      throw new Error(`${at.path} on ${at.branch} is not a file`);
    let base64 = "content" in data ? data.content : "";
    if (data.encoding === "none") {
      // Over 1 MB the contents API leaves the content out; the blob API still has it.
      base64 = (await gh.rest.git.getBlob({ owner: at.owner, repo: at.repo, file_sha: data.sha }))
        .data.content;
    }
    return { branch: true, sha: data.sha, text: Buffer.from(base64, "base64").toString("utf8") };
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
    if (/No commit found for the ref/i.test(apiMessage(error))) return { branch: false };
    return { branch: true, sha: undefined, text: "" };
  }
}

export async function readHistory(
  gh: GitHubClient,
  at: HistoryLocation,
): Promise<{ found: boolean; entries: HistoryEntry[]; problems: HistoryProblem[] }> {
  const current = await readCurrent(gh, at);
  if (!current.branch || current.sha === undefined)
    return { found: false, entries: [], problems: [] };
  return { found: true, ...parseHistory(current.text) };
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
  /** Oldest entries dropped to stay under the cap. */
  dropped: number;
  /** The branch did not exist and was created. */
  createdBranch: boolean;
}

export async function appendHistory(
  gh: GitHubClient,
  at: HistoryLocation,
  entry: HistoryEntry,
  options: AppendOptions = {},
): Promise<AppendResult> {
  const { maxBytes = DEFAULT_HISTORY_MAX_BYTES, maxAttempts = 5, retryDelayMs = 500 } = options;
  const message = options.message ?? `meshbench: ${entry.scenario} history, run ${entry.run.id}`;
  let lastConflict = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const current = await readCurrent(gh, at);
      if (attempt > 1 && current.branch && alreadyThere(current.text, entry)) {
        return { commitSha: "", attempts: attempt, dropped: 0, createdBranch: false };
      }
      const next = appendToHistory(current.branch ? current.text : "", entry, maxBytes);
      if (next.dropped > 0) {
        core.info(
          `history ${at.path} reached ${maxBytes} bytes: dropped its ${next.dropped} oldest entries (kept in git history)`,
        );
      }
      if (!current.branch) {
        const commitSha = await createOrphanBranch(gh, at, next.text, message);
        return { commitSha, attempts: attempt, dropped: next.dropped, createdBranch: true };
      }
      const { data } = await gh.rest.repos.createOrUpdateFileContents({
        owner: at.owner,
        repo: at.repo,
        path: at.path,
        branch: at.branch,
        message,
        content: Buffer.from(next.text).toString("base64"),
        ...(current.sha ? { sha: current.sha } : {}),
      });
      return {
        commitSha: data.commit.sha ?? "",
        attempts: attempt,
        dropped: next.dropped,
        createdBranch: false,
      };
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403) {
        throw new Error(
          `could not write the history to ${at.branch} in ${at.owner}/${at.repo}: ${apiMessage(error)}; the job needs \`permissions: contents: write\``,
          { cause: error },
        );
      }
      if (!retryable(status)) throw error;
      lastConflict = `${status} ${apiMessage(error)}`;
      core.info(
        `history write ${status === 409 || status === 422 ? "conflicted" : "failed"} (${lastConflict}); reading again (attempt ${attempt} of ${maxAttempts})`,
      );
      await new Promise((r) => setTimeout(r, retryDelayMs * attempt * (0.5 + Math.random())));
    }
  }
  throw new Error(
    `could not append to ${at.path} on ${at.branch} after ${maxAttempts} attempts (last: ${lastConflict}): other jobs kept writing it, or GitHub kept failing. Give concurrent workflows a concurrency group, or one history file each`,
  );
}

/** 409/422: another writer came first; 429: rate limited; 5xx: GitHub failed. */
function retryable(status: number | undefined): boolean {
  return status === 409 || status === 422 || status === 429 || (status ?? 0) >= 500;
}

/** Whether an earlier attempt's write of `entry` landed although its answer was an error. */
function alreadyThere(text: string, entry: HistoryEntry): boolean {
  return parseHistory(text).entries.some(
    (e) => e.run.id === entry.run.id && e.at === entry.at && e.scenario === entry.scenario,
  );
}

/** A branch with one commit, no parent, holding only the history file. */
async function createOrphanBranch(
  gh: GitHubClient,
  at: HistoryLocation,
  text: string,
  message: string,
): Promise<string> {
  const repo = { owner: at.owner, repo: at.repo };
  const tree = await gh.rest.git.createTree({
    ...repo,
    tree: [{ path: at.path, mode: "100644", type: "blob", content: text }],
  });
  const commit = await gh.rest.git.createCommit({
    ...repo,
    message,
    tree: tree.data.sha,
    parents: [],
  });
  // 422 "Reference already exists" when another job created it first: the caller retries.
  await gh.rest.git.createRef({ ...repo, ref: `refs/heads/${at.branch}`, sha: commit.data.sha });
  return commit.data.sha;
}
