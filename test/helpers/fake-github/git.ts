// The contents API (GET/PUT one file on a branch, optimistic concurrency by blob sha) and
// the git data API calls that create an orphan branch (tree → commit → ref).
import { apiError, type FakeRequest, json, type Route, readJson } from "./http.ts";
import { allowed } from "./rest.ts";
import { SERVER_URL } from "./shapes.ts";
import type { FakeState } from "./state.ts";

const DOCS = {
  get: "https://docs.github.com/rest/repos/contents#get-repository-content",
  put: "https://docs.github.com/rest/repos/contents#create-or-update-file-contents",
  refs: "https://docs.github.com/rest/git/refs#create-a-reference",
};

/** The contents API answers base64 in lines of 60 characters, as GitHub does. */
function wrapBase64(buf: Buffer): string {
  return (buf.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + (buf.length ? "\n" : "");
}

/** Contents above 1 MB come back with `encoding: "none"` and no content (GitHub's rule). */
const CONTENTS_INLINE_LIMIT = 1024 * 1024;

export function gitRoutes(s: FakeState, api: () => string): Route[] {
  const R = `/repos/${s.owner}/${s.repo}`;
  const fileJson = (path: string, sha: string, content: Buffer, ref: string) => ({
    type: "file",
    name: path.split("/").pop(),
    path,
    sha,
    size: content.length,
    url: `${api()}${R}/contents/${path}?ref=${ref}`,
    html_url: `${SERVER_URL}/${s.fullName}/blob/${ref}/${path}`,
    git_url: `${api()}${R}/git/blobs/${sha}`,
    download_url: `https://raw.githubusercontent.com/${s.fullName}/${ref}/${path}`,
    ...(content.length > CONTENTS_INLINE_LIMIT
      ? { encoding: "none", content: "" }
      : { encoding: "base64", content: wrapBase64(content) }),
  });
  const pathOf = (req: FakeRequest) => decodeURIComponent(req.params[0] ?? "");

  return [
    {
      method: "GET",
      pattern: new RegExp(`^${R}/contents/(.+)$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "read", DOCS.get)) return;
        const ref = req.url.searchParams.get("ref") ?? s.defaultBranch;
        if (!s.branches.has(ref)) {
          return apiError(res, 404, `No commit found for the ref ${ref}`, DOCS.get);
        }
        const path = pathOf(req);
        const file = s.file(ref, path);
        if (!file) return apiError(res, 404, "Not Found", DOCS.get);
        json(res, 200, fileJson(path, file.sha, file.content, ref));
      },
    },
    {
      method: "PUT",
      pattern: new RegExp(`^${R}/contents/(.+)$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write", DOCS.put)) return;
        const body = readJson<{
          message?: string;
          content?: string;
          sha?: string;
          branch?: string;
        }>(req);
        const branch = body.branch ?? s.defaultBranch;
        const path = pathOf(req);
        if (typeof body.message !== "string" || typeof body.content !== "string") {
          return apiError(res, 422, 'Invalid request.\n\n"message", "content" weren\'t supplied.');
        }
        if (!s.branches.has(branch)) return apiError(res, 404, `Branch ${branch} not found`);
        const existing = s.file(branch, path);
        if (existing && body.sha === undefined) {
          return apiError(res, 422, 'Invalid request.\n\n"sha" wasn\'t supplied.', DOCS.put);
        }
        if (existing && body.sha !== existing.sha) {
          return apiError(res, 409, `${path} does not match ${body.sha}`, DOCS.put);
        }
        const content = Buffer.from(body.content, "base64");
        const commitSha = s.writeFile(branch, path, content.toString("utf8"), body.message);
        const file = s.file(branch, path)!;
        json(res, existing ? 200 : 201, {
          content: fileJson(path, file.sha, content, branch),
          commit: {
            sha: commitSha,
            message: body.message,
            html_url: `${SERVER_URL}/${s.fullName}/commit/${commitSha}`,
          },
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/git/blobs/([0-9a-f]{40})$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "read")) return;
        const sha = req.params[0]!;
        const blob = s.blobs.get(sha);
        if (!blob) return apiError(res, 404, "Not Found");
        json(res, 200, {
          sha,
          node_id: `B_${sha}`,
          size: blob.length,
          url: `${api()}${R}/git/blobs/${sha}`,
          content: wrapBase64(blob),
          encoding: "base64",
        });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/git/trees$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write")) return;
        const body = readJson<{
          base_tree?: string;
          tree?: { path: string; mode: string; type: string; content?: string }[];
        }>(req);
        if (!Array.isArray(body.tree)) return apiError(res, 422, "Invalid tree info");
        const base = body.base_tree ? s.trees.get(body.base_tree) : undefined;
        const tree = new Map(base);
        for (const entry of body.tree) {
          if (entry.type !== "blob" || typeof entry.content !== "string") {
            return apiError(res, 422, "Invalid tree info (fake: inline blob content only)");
          }
          tree.set(entry.path, s.putBlob(Buffer.from(entry.content)));
        }
        const sha = s.commit("(tree)", tree, []);
        s.trees.set(sha, tree);
        json(res, 201, { sha, url: `${api()}${R}/git/trees/${sha}`, tree: [], truncated: false });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/git/commits$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write")) return;
        const body = readJson<{ message?: string; tree?: string; parents?: string[] }>(req);
        const tree = body.tree ? s.trees.get(body.tree) : undefined;
        if (!tree || typeof body.message !== "string") {
          return apiError(res, 422, "Tree SHA does not exist");
        }
        const sha = s.commit(body.message, tree, body.parents ?? []);
        json(res, 201, { sha, message: body.message, url: `${api()}${R}/git/commits/${sha}` });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/git/refs$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write", DOCS.refs)) return;
        const body = readJson<{ ref?: string; sha?: string }>(req);
        const name = body.ref?.match(/^refs\/heads\/(.+)$/)?.[1];
        if (!name || !body.sha || !s.commits.has(body.sha)) {
          return apiError(res, 422, "Reference update failed", DOCS.refs);
        }
        if (s.branches.has(name)) return apiError(res, 422, "Reference already exists", DOCS.refs);
        s.branches.set(name, body.sha);
        json(res, 201, {
          ref: body.ref,
          url: `${api()}${R}/git/refs/heads/${name}`,
          object: { sha: body.sha, type: "commit" },
        });
      },
    },
  ];
}
