// Whether to post the PR comment, from the `comment` input, the verdict and the PR found.
//   never          never comment
//   always         comment on every PR run (a read-only token gives a warning)
//   auto           as always, but in a fork's `pull_request` run, whose token is read-only,
//                  skip quietly: the two-workflow pattern comments from `workflow_run`
//   on-regression  create the comment only when the verdict is `regressed`; an existing
//                  one is still updated, so a fixed regression does not leave a stale alarm
import type { PullRequestLookup } from "./pull-request.ts";

export const COMMENT_MODES = ["auto", "always", "on-regression", "never"] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

export const VERDICTS = ["pass", "regressed", "inconclusive", "no-baseline"] as const;
export type OverallVerdict = (typeof VERDICTS)[number];

export interface CommentDecision {
  post: boolean;
  createIfMissing: boolean;
  reason: string;
}

export function decideComment(
  mode: CommentMode,
  verdict: OverallVerdict,
  pr: PullRequestLookup,
  eventName: string,
): CommentDecision {
  if (mode === "never") return { post: false, createIfMissing: false, reason: "comment: never" };
  if (!pr.found) return { post: false, createIfMissing: false, reason: pr.reason };
  if (mode === "auto" && pr.fromFork && eventName.startsWith("pull_request")) {
    return {
      post: false,
      createIfMissing: false,
      reason: `#${pr.number} comes from a fork, whose pull_request token is read-only; comment from a workflow_run workflow instead (README › Fork pull requests)`,
    };
  }
  if (mode === "on-regression") {
    return {
      post: true,
      createIfMissing: verdict === "regressed",
      reason:
        verdict === "regressed"
          ? "regressed"
          : `verdict ${verdict}: only an existing comment is updated`,
    };
  }
  return { post: true, createIfMissing: true, reason: `comment: ${mode}` };
}
