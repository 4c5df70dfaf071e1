// Which pull request a run belongs to. For `pull_request` events the payload says. For
// `workflow_run` (the fork-safe second workflow) the triggering run's `pull_requests` is
// empty when the PR comes from a fork, and GET /commits/{sha}/pulls does not know a fork's
// commits either, so the last resort lists open PRs whose head is `<fork owner>:<branch>`
// and keeps the one at the run's head SHA. The SHA always decides: a branch name alone
// could point at a newer push than the one that was measured.
import { type GitHubClient, httpStatus } from "./client.ts";
import type { WorkflowContext } from "./context.ts";

export type PullRequestLookup =
  | { found: true; number: number; headSha: string; fromFork: boolean; how: string }
  | { found: false; reason: string };

export async function findPullRequest(
  gh: GitHubClient,
  ctx: WorkflowContext,
): Promise<PullRequestLookup> {
  const self = `${ctx.owner}/${ctx.repo}`;
  if (ctx.pullRequest && ctx.eventName.startsWith("pull_request")) {
    const pr = ctx.pullRequest;
    return {
      found: true,
      number: pr.number,
      headSha: pr.headSha,
      fromFork: pr.headRepo !== undefined && pr.headRepo !== self,
      how: `${ctx.eventName} event`,
    };
  }
  const wr = ctx.workflowRun;
  if (ctx.eventName !== "workflow_run" || !wr) {
    return {
      found: false,
      reason: `a ${ctx.eventName || "non-pull-request"} event has no pull request`,
    };
  }
  if (!wr.event.startsWith("pull_request")) {
    return {
      found: false,
      reason: `the triggering run was a ${wr.event} event, not a pull request`,
    };
  }
  const fromFork = wr.headRepo !== undefined && wr.headRepo !== self;
  const listed = wr.pullRequests.find((p) => p.headSha === wr.headSha);
  if (listed) {
    return {
      found: true,
      number: listed.number,
      headSha: wr.headSha,
      fromFork,
      how: "workflow_run.pull_requests",
    };
  }

  // GitHub answers [] (or 422 "No commit found") for a commit that only a fork has.
  const bySha = await gh
    .paginate(gh.rest.repos.listPullRequestsAssociatedWithCommit, {
      owner: ctx.owner,
      repo: ctx.repo,
      commit_sha: wr.headSha,
      per_page: 100,
    })
    .catch((error: unknown) => {
      if (httpStatus(error) === 404 || httpStatus(error) === 422) return [];
      throw error;
    });
  const open = bySha.find((p) => p.state === "open" && p.head.sha === wr.headSha);
  if (open)
    return { found: true, number: open.number, headSha: wr.headSha, fromFork, how: "head SHA" };

  const headOwner = wr.headRepo?.split("/")[0];
  if (headOwner && wr.headBranch) {
    const byHead = await gh.paginate(gh.rest.pulls.list, {
      owner: ctx.owner,
      repo: ctx.repo,
      state: "open",
      head: `${headOwner}:${wr.headBranch}`,
      per_page: 100,
    });
    const match = byHead.find((p) => p.head.sha === wr.headSha);
    if (match)
      return {
        found: true,
        number: match.number,
        headSha: wr.headSha,
        fromFork,
        how: "head branch and SHA",
      };
  }
  return {
    found: false,
    reason: `no open pull request has head commit ${wr.headSha.slice(0, 12)} (it may have been closed, or pushed to since)`,
  };
}
