// The REST API paths meshbench calls, answered the way api.github.com answers them:
// status codes, error messages, pagination, and permissions of installation tokens
// (a fork PR's read-only GITHUB_TOKEN gets "Resource not accessible by integration").
import type { ServerResponse } from "node:http";
import {
  apiError,
  type FakeRequest,
  type Handler,
  json,
  notAccessible,
  paginate,
  type Route,
  readJson,
} from "./http.ts";
import { artifactJson, commentJson, pullJson, repoJson, runJson, userJson } from "./shapes.ts";
import type { Access, FakeState, FakeToken } from "./state.ts";

type Scope = keyof FakeToken["permissions"];

const DOCS = {
  user: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
  comments: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
  artifacts: "https://docs.github.com/rest/actions/artifacts#download-an-artifact",
  runs: "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow",
};

/** Whether `req` may act with `level` on `scope`; answers 401/403 itself when not. */
export function allowed(
  req: FakeRequest,
  res: ServerResponse,
  scope: Scope,
  level: Exclude<Access, "none">,
  docs?: string,
): boolean {
  if (!req.token) {
    if (req.hadAuthorization) apiError(res, 401, "Bad credentials");
    else apiError(res, 401, "Requires authentication");
    return false;
  }
  const has = req.token.permissions[scope];
  if (has === "write" || (has === "read" && level === "read")) return true;
  notAccessible(res, docs);
  return false;
}

export function restRoutes(s: FakeState, api: () => string): Route[] {
  const R = `/repos/${s.owner}/${s.repo}`;
  const route = (method: string, path: string, handler: Handler): Route => ({
    method,
    pattern: new RegExp(`^${path.replaceAll("{}", "([^/]+)")}$`),
    handler,
  });
  /** Answers with the request's page of `items`, each as `toJson` writes it. */
  const listPage = <T>(
    req: FakeRequest,
    res: ServerResponse,
    items: T[],
    toJson: (item: T) => unknown,
  ) => {
    const page = paginate(req, api(), items);
    json(res, 200, page.items.map(toJson), page.headers);
  };

  return [
    route("GET", "/user", (req, res) => {
      if (!req.token) {
        return apiError(
          res,
          401,
          req.hadAuthorization ? "Bad credentials" : "Requires authentication",
          DOCS.user,
        );
      }
      // Installation tokens (GITHUB_TOKEN) have no user: this is GitHub's answer.
      if (req.token.kind === "installation") return notAccessible(res, DOCS.user);
      json(res, 200, { ...userJson(api(), req.token.user), name: req.token.user.login });
    }),

    route("GET", R, (req, res) => {
      if (!allowed(req, res, "contents", "read")) return;
      json(res, 200, repoJson(api(), s));
    }),

    // --- issue comments ------------------------------------------------------------
    route("GET", `${R}/issues/(\\d+)/comments`, (req, res) => {
      if (!allowed(req, res, "issues", "read")) return;
      const n = Number(req.params[0]);
      if (!s.pulls.some((p) => p.number === n)) return apiError(res, 404, "Not Found");
      listPage(req, res, s.commentsOn(n), (c) => commentJson(api(), s, c));
    }),
    route("POST", `${R}/issues/(\\d+)/comments`, (req, res) => {
      if (!allowed(req, res, "issues", "write", DOCS.comments)) return;
      const n = Number(req.params[0]);
      if (!s.pulls.some((p) => p.number === n)) return apiError(res, 404, "Not Found");
      const body = readJson<{ body?: unknown }>(req).body;
      if (!validBody(res, body)) return;
      const c = s.addComment(n, body, req.token!.user);
      json(res, 201, commentJson(api(), s, c), {
        location: commentJson(api(), s, c).url,
      });
    }),
    route("PATCH", `${R}/issues/comments/(\\d+)`, (req, res) => {
      if (!allowed(req, res, "issues", "write", DOCS.comments)) return;
      const c = s.comments.find((x) => x.id === Number(req.params[0]));
      if (!c) return apiError(res, 404, "Not Found");
      // Only the author (or a maintainer; not modelled) may edit a comment.
      if (c.user.login !== req.token!.user.login) {
        return apiError(res, 403, "You must have push access to edit this comment");
      }
      const body = readJson<{ body?: unknown }>(req).body;
      if (!validBody(res, body)) return;
      c.body = body;
      c.updatedAt = s.now().toISOString();
      json(res, 200, commentJson(api(), s, c));
    }),

    // --- pull requests -------------------------------------------------------------
    route("GET", `${R}/commits/([0-9a-f]{7,40})/pulls`, (req, res) => {
      if (!allowed(req, res, "pull_requests", "read")) return;
      // A fork's commits are not in this repository, so their PRs are not found here.
      const sha = req.params[0]!;
      const found = s.pulls.filter((p) => p.head.sha === sha && p.head.repo === s.fullName);
      listPage(req, res, found, (p) => pullJson(api(), s, p));
    }),
    route("GET", `${R}/pulls`, (req, res) => {
      if (!allowed(req, res, "pull_requests", "read")) return;
      const q = req.url.searchParams;
      const state = q.get("state") ?? "open";
      const head = q.get("head");
      const found = s.pulls
        .filter((p) => state === "all" || p.state === state)
        .filter((p) => !head || `${p.head.repo.split("/")[0]}:${p.head.ref}` === head)
        .filter((p) => !q.get("base") || p.base.ref === q.get("base"))
        .sort((a, b) => b.number - a.number);
      listPage(req, res, found, (p) => pullJson(api(), s, p));
    }),

    // --- workflow runs and artifacts -------------------------------------------------
    route("GET", `${R}/actions/runs/(\\d+)`, (req, res) => {
      if (!allowed(req, res, "actions", "read")) return;
      const run = s.run(Number(req.params[0]));
      if (!run) return apiError(res, 404, "Not Found");
      json(res, 200, runJson(api(), s, run));
    }),
    route("GET", `${R}/actions/workflows/([^/]+)/runs`, (req, res) => {
      if (!allowed(req, res, "actions", "read", DOCS.runs)) return;
      const id = decodeURIComponent(req.params[0]!);
      const matchesWorkflow = (r: (typeof s.runs)[number]) =>
        String(r.workflowId) === id || r.workflowPath.endsWith(`/${id}`);
      if (!s.runs.some(matchesWorkflow)) return apiError(res, 404, "Not Found", DOCS.runs);
      const q = req.url.searchParams;
      const status = q.get("status");
      const runs = s.runs
        .filter(matchesWorkflow)
        .filter((r) => !q.get("branch") || r.headBranch === q.get("branch"))
        .filter((r) => !q.get("event") || r.event === q.get("event"))
        .filter((r) => !q.get("head_sha") || r.headSha === q.get("head_sha"))
        // `status` takes a status (completed, in_progress…) or a conclusion (success…).
        .filter((r) => !status || r.status === status || r.conclusion === status)
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
      const page = paginate(req, api(), runs);
      json(
        res,
        200,
        { total_count: runs.length, workflow_runs: page.items.map((r) => runJson(api(), s, r)) },
        page.headers,
      );
    }),
    route("GET", `${R}/actions/runs/(\\d+)/artifacts`, (req, res) => {
      if (!allowed(req, res, "actions", "read")) return;
      const runId = Number(req.params[0]);
      if (!s.run(runId)) return apiError(res, 404, "Not Found");
      const name = req.url.searchParams.get("name");
      const artifacts = s
        .runArtifacts(runId)
        .filter((a) => !name || a.name === name)
        .sort((a, b) => b.id - a.id);
      const page = paginate(req, api(), artifacts);
      json(
        res,
        200,
        {
          total_count: artifacts.length,
          artifacts: page.items.map((a) => artifactJson(api(), s, a)),
        },
        page.headers,
      );
    }),
    route("GET", `${R}/actions/artifacts/(\\d+)/(zip)`, (req, res) => {
      if (!allowed(req, res, "actions", "read", DOCS.artifacts)) return;
      const a = s.artifacts.find((x) => x.id === Number(req.params[0]) && x.finalized);
      if (!a) return apiError(res, 404, "Not Found", DOCS.artifacts);
      if (a.expired) return apiError(res, 410, "Artifact has expired", DOCS.artifacts);
      // GitHub redirects to a short-lived signed blob URL.
      res.writeHead(302, { location: blobUrl(api(), a.id, a.name, a.downloadSig, "r") });
      res.end();
    }),
  ];
}

/** The signed blob-storage URL of an artifact (`sp=cw` to upload, `r` to read). */
export function blobUrl(base: string, id: number, name: string, sig: string, sp: string): string {
  const u = new URL(`/blob/actions-results/${id}/${encodeURIComponent(name)}.zip`, base);
  u.searchParams.set("sv", "2025-01-05");
  u.searchParams.set("se", new Date(Date.now() + 3_600_000).toISOString());
  u.searchParams.set("sr", "b");
  u.searchParams.set("sp", sp);
  u.searchParams.set("sig", sig);
  return u.href;
}

const COMMENT_LIMIT = 65_536;

function validBody(res: ServerResponse, body: unknown): body is string {
  if (typeof body !== "string" || body.length === 0) {
    apiError(res, 422, 'Invalid request.\n\nNo subschema in "anyOf" matched.');
    return false;
  }
  // GitHub counts characters (code points), not UTF-16 units or bytes.
  if ([...body].length > COMMENT_LIMIT) {
    apiError(res, 422, "Validation Failed", DOCS.comments, {
      errors: [
        {
          resource: "IssueComment",
          code: "custom",
          field: "body",
          message: `body is too long (maximum is ${COMMENT_LIMIT} characters)`,
        },
      ],
    });
    return false;
  }
  return true;
}
