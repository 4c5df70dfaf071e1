// The sticky PR comment, driven through the real Octokit against the fake GitHub.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.ts";
import {
  COMMENT_LIMIT_CHARS,
  commentMarker,
  upsertStickyComment,
} from "../../src/github/comment.ts";
import {
  type FakeGitHub,
  GITHUB_ACTIONS_BOT,
  startFakeGitHub,
} from "../helpers/fake-github/index.ts";
import { captureStdout } from "../helpers/github-env.ts";

let fake: FakeGitHub;
const WRITE = "ghs_write_token_0123456789";
const FORK = "ghs_fork_readonly_token_0123";
const PAT = "ghp_alice_personal_token_0123";
const PR = 7;
const target = () => ({ owner: fake.state.owner, repo: fake.state.repo, issueNumber: PR });
const marker = commentMarker("smoke");

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.addInstallationToken(WRITE);
  fake.state.addInstallationToken(FORK, { readOnly: true });
  fake.state.addUserToken(PAT, "alice");
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.state.comments.length = 0;
  fake.state.pulls.length = 0;
  fake.requests.length = 0;
  fake.state.addPull({ number: PR, headSha: "a".repeat(40) });
});

let out: ReturnType<typeof captureStdout> | undefined;
afterEach(() => out?.stop());

const gh = (token: string) => createGitHubClient(token, { apiUrl: fake.url });

describe("sticky PR comment", () => {
  it("creates the comment on the first call and updates the same one on the second", async () => {
    const first = await upsertStickyComment(gh(WRITE), target(), { marker, body: "p99 +3 %" });
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(gh(WRITE), target(), { marker, body: "p99 +4 %" });
    expect(second).toMatchObject({ action: "updated", id: (first as { id: number }).id });

    const comments = fake.state.commentsOn(PR);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(`${marker}\np99 +4 %`);
    expect(comments[0]!.user.login).toBe(GITHUB_ACTIONS_BOT.login);
  });

  it("makes no API write when the body is unchanged", async () => {
    await upsertStickyComment(gh(WRITE), target(), { marker, body: "same" });
    fake.requests.length = 0;
    const again = await upsertStickyComment(gh(WRITE), target(), { marker, body: "same" });
    expect(again.action).toBe("unchanged");
    expect(fake.restWrites()).toEqual([]);
  });

  it("leaves alone a comment with the marker written by someone else, and one quoting it", async () => {
    const theirs = fake.state.addComment(
      PR,
      `${marker}\nI copied your marker`,
      fake.state.user("mallory"),
    );
    const quote = fake.state.addComment(PR, `> ${marker}\n> quoted`, GITHUB_ACTIONS_BOT);
    const result = await upsertStickyComment(gh(WRITE), target(), { marker, body: "ours" });
    expect(result.action).toBe("created");
    expect(theirs.body).toBe(`${marker}\nI copied your marker`);
    expect(quote.body).toBe(`> ${marker}\n> quoted`);
    expect(fake.state.commentsOn(PR)).toHaveLength(3);
  });

  it("pages through every comment: the marker comment is found past the first 30 (and 100)", async () => {
    const ours = fake.state.addComment(PR, `${marker}\nold`, GITHUB_ACTIONS_BOT);
    for (let i = 0; i < 130; i++) fake.state.addComment(PR, `chatter ${i}`, fake.state.user("bob"));
    // Make ours the last one listed: the fake lists in creation order.
    fake.state.comments.push(...fake.state.comments.splice(fake.state.comments.indexOf(ours), 1));

    const result = await upsertStickyComment(gh(WRITE), target(), { marker, body: "new" });
    expect(result).toMatchObject({ action: "updated", id: ours.id });
    const pages = fake.requests.filter(
      (r) => r.method === "GET" && r.path.endsWith(`/issues/${PR}/comments`),
    );
    expect(pages.length).toBe(2); // 131 comments at 100 a page, following the Link header
    expect(fake.state.commentsOn(PR)).toHaveLength(131);
  });

  it("finds the token's identity with GET /user for a personal access token", async () => {
    const bots = await upsertStickyComment(gh(WRITE), target(), { marker, body: "from the bot" });
    const alices = await upsertStickyComment(gh(PAT), target(), { marker, body: "from alice" });
    expect(bots.action).toBe("created");
    // alice's token does not see the bot's comment as its own: it makes its own.
    expect(alices.action).toBe("created");
    expect(
      fake.state
        .commentsOn(PR)
        .map((c) => c.user.login)
        .sort(),
    ).toEqual(["alice", "github-actions[bot]"]);
    expect(
      await upsertStickyComment(gh(PAT), target(), { marker, body: "from alice" }),
    ).toMatchObject({
      action: "unchanged",
    });
  });

  it("turns a 403 on a fork's read-only token into a warning that explains the two-workflow pattern", async () => {
    out = captureStdout();
    const result = await upsertStickyComment(gh(FORK), target(), { marker, body: "x" });
    out.stop();
    expect(result.action).toBe("forbidden");
    const warning = out.lines().find((l) => l.startsWith("::warning::"));
    expect(warning).toContain("pull request #7");
    expect(warning).toContain("workflow_run");
    expect(warning).toContain("command: report");
    expect(fake.state.commentsOn(PR)).toHaveLength(0);
  });

  it("only updates when createIfMissing is false and there is nothing to update", async () => {
    const result = await upsertStickyComment(gh(WRITE), target(), {
      marker,
      body: "x",
      createIfMissing: false,
    });
    expect(result.action).toBe("skipped");
    expect(fake.restWrites()).toEqual([]);
  });

  it("keeps a huge report under GitHub's limit and links the full report", async () => {
    const row = "| istio | 1.23 ms | 4.56 ms | 7.89 ms | 123 MiB |";
    const body = `## meshbench\n\n${Array.from({ length: 4000 }, () => row).join("\n")}`;
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT_CHARS);
    const result = await upsertStickyComment(gh(WRITE), target(), {
      marker,
      body,
      fullReportUrl: "https://github.com/acme/shop/actions/runs/1",
    });
    // The fake answers 422 "body is too long" above 65,536 characters, as GitHub does.
    expect(result).toMatchObject({ action: "created", truncated: true });
    const [comment] = fake.state.commentsOn(PR);
    expect([...comment!.body].length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS);
    expect(comment!.body.startsWith(marker)).toBe(true);
    expect(comment!.body).toContain(
      "[the full report](https://github.com/acme/shop/actions/runs/1)",
    );
  });

  it("says what to do when the token is rejected", async () => {
    await expect(
      upsertStickyComment(gh("ghp_not_a_real_token"), target(), { marker, body: "x" }),
    ).rejects.toThrow(/github-token was rejected \(401 Bad credentials\)/);
  });
});
