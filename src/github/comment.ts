// The one sticky PR comment per scenario: found by a hidden marker on its first line,
// among ALL the PR's comments (paginated, 100 a page; never just the first 30), and only
// among those written by the token's own identity, so a comment anyone else wrote — even
// one quoting the marker — is never touched. Created when missing, updated when its body
// changed, left alone when not (no write at all). A read-only token (fork PRs) is a
// warning that explains the two-workflow pattern, not a failure.
import * as core from "@actions/core";
import { apiMessage, type GitHubClient, isNotAccessibleByIntegration } from "./client.ts";
import { tokenIdentity } from "./identity.ts";
import { fitMarkdown, utf16Length } from "./truncate.ts";

/** GitHub's limit on an issue or PR comment body, in characters. */
export const COMMENT_LIMIT_CHARS = 65_536;

/**
 * `<!-- meshbench:<key> -->`: `key` (a scenario name) cleaned so it cannot end the HTML comment.
 */
export function commentMarker(key: string): string {
  const safe = key.replace(/[^A-Za-z0-9._:/@+-]/g, "_").replace(/-{2,}/g, "-");
  return `<!-- meshbench:${safe} -->`;
}

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyCommentOptions {
  marker: string;
  /** The compact report; the marker is put on the first line. */
  body: string;
  /** Linked from the notice when the body has to be cut to fit. */
  fullReportUrl?: string;
  /** Login the comment is written by when it cannot be asked (see identity.ts). */
  author?: string;
  /** false: only update an existing comment (e.g. comment: on-regression, verdict pass). */
  createIfMissing?: boolean;
  /** Characters (default GitHub's 65,536); tests lower it. */
  limit?: number;
}

export type CommentResult =
  | { action: "created" | "updated" | "unchanged"; id: number; url: string; truncated: boolean }
  | { action: "skipped" | "forbidden"; reason: string };

export function forkCommentWarning(issueNumber: number): string {
  return [
    `meshbench could not comment on pull request #${issueNumber}: the token may not write (403 Resource not accessible by integration).`,
    "Pull requests from forks get a read-only GITHUB_TOKEN in `pull_request` workflows; the results are still in this job's summary and artifacts.",
    "To comment on fork PRs, use the two-workflow pattern: the `pull_request` workflow runs `command: run` and uploads the artifacts;",
    "a `workflow_run` workflow (permissions: actions: read, pull-requests: write) runs `command: report` on them.",
    "For PRs from this repository, give the job `permissions: pull-requests: write`. See README › GitHub Action › Fork pull requests.",
  ].join(" ");
}

const normalize = (s: string | undefined) => (s ?? "").replace(/\r\n/g, "\n").trimEnd();

export async function upsertStickyComment(
  gh: GitHubClient,
  target: CommentTarget,
  options: StickyCommentOptions,
): Promise<CommentResult> {
  const { marker, createIfMissing = true, limit = COMMENT_LIMIT_CHARS } = options;
  const fitted = fitMarkdown(
    `${marker}\n${options.body}`,
    limit,
    utf16Length,
    options.fullReportUrl,
  );
  const where = { owner: target.owner, repo: target.repo, issue_number: target.issueNumber };
  try {
    const me = await tokenIdentity(gh, options.author);
    const comments = await gh.paginate(gh.rest.issues.listComments, { ...where, per_page: 100 });
    const mine = comments.filter(
      (c) => c.user?.login === me.login && (c.body ?? "").trimStart().startsWith(marker),
    );
    if (mine.length > 1) {
      core.info(
        `${mine.length} comments carry ${marker}; updating the oldest (${mine[0]!.html_url})`,
      );
    }
    const existing = mine[0];
    if (existing) {
      if (normalize(existing.body) === normalize(fitted.text)) {
        return {
          action: "unchanged",
          id: Number(existing.id),
          url: existing.html_url,
          truncated: fitted.truncated,
        };
      }
      const { data } = await gh.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: Number(existing.id),
        body: fitted.text,
      });
      return {
        action: "updated",
        id: Number(data.id),
        url: data.html_url,
        truncated: fitted.truncated,
      };
    }
    if (!createIfMissing) {
      return {
        action: "skipped",
        reason: `no earlier comment to update on #${target.issueNumber}`,
      };
    }
    const { data } = await gh.rest.issues.createComment({ ...where, body: fitted.text });
    return {
      action: "created",
      id: Number(data.id),
      url: data.html_url,
      truncated: fitted.truncated,
    };
  } catch (error) {
    if (isNotAccessibleByIntegration(error)) {
      core.warning(forkCommentWarning(target.issueNumber));
      return { action: "forbidden", reason: apiMessage(error) };
    }
    throw new Error(
      `could not write the meshbench comment on #${target.issueNumber} in ${target.owner}/${target.repo}: ${apiMessage(error)}`,
      { cause: error },
    );
  }
}
