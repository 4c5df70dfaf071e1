// Finding the PR a run belongs to, and deciding whether to comment on it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.ts";
import { decideComment } from "../../src/github/comment-policy.ts";
import { readRunContext, type WorkflowContext } from "../../src/github/context.ts";
import { findPullRequest, type PullRequestLookup } from "../../src/github/pull-request.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github/index.ts";

let fake: FakeGitHub;
const TOKEN = "ghs_reporter_token_0001";
const SHA = "c0ffee".padEnd(40, "0");

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.addInstallationToken(TOKEN);
  fake.state.addPull({ number: 11, headSha: "1".repeat(40), headRef: "bump-linkerd" });
  fake.state.addPull({ number: 12, headSha: SHA, headRef: "main", headRepo: "mallory/shop" });
  fake.state.addPull({
    number: 13,
    headSha: "2".repeat(40),
    headRef: "main",
    headRepo: "mallory/shop",
    state: "closed",
  });
});
afterAll(() => fake.close());

function context(eventName: string, payload: unknown): WorkflowContext {
  return readRunContext(
    {
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_RUN_ID: "99",
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: "/event.json",
      GITHUB_API_URL: fake.url,
    },
    () => JSON.stringify(payload),
  );
}
const gh = () => createGitHubClient(TOKEN, { apiUrl: fake.url });
const workflowRun = (over: Record<string, unknown>) => ({
  workflow_run: {
    id: 500,
    workflow_id: 161335,
    event: "pull_request",
    conclusion: "success",
    head_sha: SHA,
    head_branch: "main",
    head_repository: { full_name: "mallory/shop" },
    pull_requests: [],
    ...over,
  },
});

describe("findPullRequest", () => {
  it("takes the PR from a pull_request event, and knows a fork's", async () => {
    const ctx = context("pull_request", {
      pull_request: {
        number: 12,
        head: { sha: SHA, repo: { full_name: "mallory/shop" } },
        base: { ref: "main" },
      },
    });
    expect(await findPullRequest(gh(), ctx)).toMatchObject({
      found: true,
      number: 12,
      fromFork: true,
    });
  });

  it("uses workflow_run.pull_requests for a PR from this repository", async () => {
    const ctx = context(
      "workflow_run",
      workflowRun({
        head_sha: "1".repeat(40),
        head_branch: "bump-linkerd",
        head_repository: { full_name: "acme/shop" },
        pull_requests: [{ number: 11, head: { sha: "1".repeat(40) } }],
      }),
    );
    expect(await findPullRequest(gh(), ctx)).toMatchObject({
      found: true,
      number: 11,
      fromFork: false,
    });
  });

  it("finds a fork's PR by head SHA when workflow_run.pull_requests is empty", async () => {
    const ctx = context("workflow_run", workflowRun({}));
    const found = await findPullRequest(gh(), ctx);
    expect(found).toMatchObject({
      found: true,
      number: 12,
      fromFork: true,
      how: "head branch and SHA",
    });
  });

  it("does not take an open PR whose head moved on since the measured commit", async () => {
    const ctx = context("workflow_run", workflowRun({ head_sha: "3".repeat(40) }));
    const found = await findPullRequest(gh(), ctx);
    expect(found).toMatchObject({ found: false });
    expect((found as { reason: string }).reason).toMatch(
      /no open pull request has head commit 333333333333/,
    );
  });

  it("has no PR for schedule events or a push-triggered run", async () => {
    expect(await findPullRequest(gh(), context("schedule", {}))).toMatchObject({ found: false });
    const push = await findPullRequest(
      gh(),
      context("workflow_run", workflowRun({ event: "push" })),
    );
    expect(push).toMatchObject({ found: false, reason: expect.stringMatching(/push event/) });
  });
});

describe("decideComment", () => {
  const fork: PullRequestLookup = {
    found: true,
    number: 12,
    headSha: SHA,
    fromFork: true,
    how: "",
  };
  const own: PullRequestLookup = { ...fork, number: 11, fromFork: false };
  const none: PullRequestLookup = { found: false, reason: "a schedule event has no pull request" };

  it("never, or no PR: no comment, with the reason", () => {
    expect(decideComment("never", "regressed", own, "pull_request").post).toBe(false);
    expect(decideComment("always", "pass", none, "schedule")).toMatchObject({
      post: false,
      reason: "a schedule event has no pull request",
    });
  });

  it("auto skips a fork's pull_request run (read-only token) but comments from workflow_run", () => {
    expect(decideComment("auto", "pass", fork, "pull_request")).toMatchObject({ post: false });
    expect(decideComment("auto", "pass", fork, "workflow_run")).toMatchObject({
      post: true,
      createIfMissing: true,
    });
    expect(decideComment("always", "pass", fork, "pull_request")).toMatchObject({ post: true });
  });

  it("on-regression creates only for a regression, but still updates an existing comment", () => {
    expect(decideComment("on-regression", "regressed", own, "pull_request")).toMatchObject({
      post: true,
      createIfMissing: true,
    });
    expect(decideComment("on-regression", "pass", own, "pull_request")).toMatchObject({
      post: true,
      createIfMissing: false,
    });
  });
});

describe("readRunContext", () => {
  it("says what is missing outside a runner", () => {
    expect(() => readRunContext({})).toThrow(/GITHUB_REPOSITORY is "", expected owner\/name/);
    expect(() => readRunContext({ GITHUB_REPOSITORY: "a/b" })).toThrow(/GITHUB_RUN_ID/);
  });

  it("ignores payload fields that do not have the expected shape", () => {
    const ctx = context("pull_request", {
      pull_request: { number: "12; rm -rf /" },
      repository: { default_branch: "trunk" },
    });
    expect(ctx.pullRequest).toBeUndefined();
    expect(ctx.defaultBranch).toBe("trunk");
  });
});
