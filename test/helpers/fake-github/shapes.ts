// The objects the REST API answers with, in GitHub's field names and nesting (the
// subsets of the documented schemas that clients read, with the URLs filled in).
import type { FakeArtifact, FakeComment, FakePull, FakeRun, FakeState, FakeUser } from "./state.ts";

export const SERVER_URL = "https://github.com";

export function userJson(api: string, u: FakeUser) {
  return {
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    url: `${api}/users/${encodeURIComponent(u.login)}`,
    html_url: `${SERVER_URL}/${u.login.replace("[bot]", "")}`,
    type: u.type,
    site_admin: false,
  };
}

export function repoJson(api: string, s: FakeState, fullName = s.fullName) {
  const [owner = "", name = ""] = fullName.split("/");
  const isBase = fullName === s.fullName;
  return {
    id: isBase ? s.repoId : s.repoId + 1 + fullName.length,
    node_id: `R_${fullName}`,
    name,
    full_name: fullName,
    private: false,
    owner: userJson(api, s.user(owner)),
    html_url: `${SERVER_URL}/${fullName}`,
    url: `${api}/repos/${fullName}`,
    fork: !isBase,
    default_branch: s.defaultBranch,
  };
}

const GITHUB_ACTIONS_APP = {
  id: 15368,
  slug: "github-actions",
  node_id: "MDM6QXBwMTUzNjg=",
  name: "GitHub Actions",
  description: "Automate your workflow from idea to production",
  external_url: "https://help.github.com/en/actions",
  html_url: "https://github.com/apps/github-actions",
};

export function commentJson(api: string, s: FakeState, c: FakeComment) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/repos/${s.fullName}/issues/comments/${c.id}`,
    html_url: `${SERVER_URL}/${s.fullName}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(api, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/repos/${s.fullName}/issues/${c.issueNumber}`,
    author_association: c.user.type === "Bot" ? "NONE" : "CONTRIBUTOR",
    performed_via_github_app: c.viaApp ? GITHUB_ACTIONS_APP : null,
  };
}

export function pullJson(api: string, s: FakeState, p: FakePull) {
  const headOwner = p.head.repo.split("/")[0] ?? "";
  return {
    url: `${api}/repos/${s.fullName}/pulls/${p.number}`,
    id: 900_000 + p.number,
    node_id: `PR_${p.number}`,
    html_url: `${SERVER_URL}/${s.fullName}/pull/${p.number}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userJson(api, p.user),
    draft: false,
    head: {
      label: `${headOwner}:${p.head.ref}`,
      ref: p.head.ref,
      sha: p.head.sha,
      user: userJson(api, s.user(headOwner)),
      repo: repoJson(api, s, p.head.repo),
    },
    base: {
      label: `${s.owner}:${p.base.ref}`,
      ref: p.base.ref,
      sha: p.base.sha,
      user: userJson(api, s.user(s.owner)),
      repo: repoJson(api, s),
    },
  };
}

/** The `pull_requests` of a workflow run: same-repository PRs only (empty for forks). */
function runPullRequests(api: string, s: FakeState, r: FakeRun) {
  if (!r.event.startsWith("pull_request") || r.headRepo !== s.fullName) return [];
  return s.pulls
    .filter((p) => p.head.sha === r.headSha && p.head.repo === s.fullName)
    .map((p) => ({
      url: `${api}/repos/${s.fullName}/pulls/${p.number}`,
      id: 900_000 + p.number,
      number: p.number,
      head: { ref: p.head.ref, sha: p.head.sha, repo: { id: s.repoId, url: "", name: s.repo } },
      base: { ref: p.base.ref, sha: p.base.sha, repo: { id: s.repoId, url: "", name: s.repo } },
    }));
}

export function runJson(api: string, s: FakeState, r: FakeRun) {
  const runUrl = `${api}/repos/${s.fullName}/actions/runs/${r.id}`;
  return {
    id: r.id,
    name: r.name,
    node_id: `WFR_${r.id}`,
    head_branch: r.headBranch,
    head_sha: r.headSha,
    path: r.workflowPath,
    display_title: `run ${r.runNumber}`,
    run_number: r.runNumber,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: r.workflowId,
    check_suite_id: r.id + 1,
    url: runUrl,
    html_url: `${SERVER_URL}/${s.fullName}/actions/runs/${r.id}`,
    pull_requests: runPullRequests(api, s, r),
    created_at: r.createdAt,
    updated_at: r.createdAt,
    run_attempt: r.runAttempt,
    run_started_at: r.createdAt,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${api}/repos/${s.fullName}/check-suites/${r.id + 1}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/repos/${s.fullName}/actions/workflows/${r.workflowId}`,
    head_commit: {
      id: r.headSha,
      tree_id: "f".repeat(40),
      message: "a commit",
      timestamp: r.createdAt,
      author: { name: "A", email: "a@example.com" },
      committer: { name: "A", email: "a@example.com" },
    },
    repository: repoJson(api, s),
    head_repository: repoJson(api, s, r.headRepo),
  };
}

export function artifactJson(api: string, s: FakeState, a: FakeArtifact) {
  const run = s.run(a.runId);
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.sizeInBytes,
    url: `${api}/repos/${s.fullName}/actions/artifacts/${a.id}`,
    archive_download_url: `${api}/repos/${s.fullName}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    expires_at: a.expiresAt,
    digest: a.digest,
    workflow_run: run
      ? {
          id: run.id,
          repository_id: s.repoId,
          head_repository_id: s.repoId,
          head_branch: run.headBranch,
          head_sha: run.headSha,
        }
      : null,
  };
}
