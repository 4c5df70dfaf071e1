// The git data API as meshbench's history writer uses it: refs (GET one, create, update
// fast-forward only), commits, recursive trees (blobs inline or by sha, `sha: null`
// deletes) and blobs, with GitHub's status codes: 404 for a ref that does not exist, 422
// "Update is not a fast forward" for a PATCH that would lose commits, 422 "Reference
// already exists" for a POST of one that does.
import { apiError, json, type Route, readJson } from "./http.ts";
import { allowed } from "./rest.ts";
import type { FakeState } from "./state.ts";

const DOCS = {
  getRef: "https://docs.github.com/rest/git/refs#get-a-reference",
  createRef: "https://docs.github.com/rest/git/refs#create-a-reference",
  updateRef: "https://docs.github.com/rest/git/refs#update-a-reference",
  trees: "https://docs.github.com/rest/git/trees#create-a-tree",
};

/** The git data API answers base64 in lines of 60 characters, as GitHub does. */
function wrapBase64(buf: Buffer): string {
  return (buf.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + (buf.length ? "\n" : "");
}

export function gitRoutes(s: FakeState, api: () => string): Route[] {
  const R = `/repos/${s.owner}/${s.repo}`;
  const refJson = (name: string, sha: string) => ({
    ref: `refs/heads/${name}`,
    node_id: `REF_${name}`,
    url: `${api()}${R}/git/refs/heads/${name}`,
    object: { sha, type: "commit", url: `${api()}${R}/git/commits/${sha}` },
  });

  return [
    {
      method: "GET",
      pattern: new RegExp(`^${R}/git/ref/heads/(.+)$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "read")) return;
        const name = decodeURIComponent(req.params[0]!);
        const sha = s.branches.get(name);
        if (!sha) return apiError(res, 404, "Not Found", DOCS.getRef);
        json(res, 200, refJson(name, sha));
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/git/commits/([0-9a-f]{40})$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "read")) return;
        const commit = s.commits.get(req.params[0]!);
        if (!commit) return apiError(res, 404, "Not Found");
        const tree = s.treeSha(commit.tree);
        json(res, 200, {
          sha: commit.sha,
          url: `${api()}${R}/git/commits/${commit.sha}`,
          message: commit.message,
          tree: { sha: tree, url: `${api()}${R}/git/trees/${tree}` },
          parents: commit.parents.map((sha) => ({ sha, url: `${api()}${R}/git/commits/${sha}` })),
        });
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^${R}/git/trees/([0-9a-f]{40})$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "read")) return;
        const tree = s.trees.get(req.params[0]!);
        if (!tree) return apiError(res, 404, "Not Found");
        const recursive = req.url.searchParams.has("recursive");
        const dirs = new Set<string>();
        const blobs = [...tree].filter(([path]) => recursive || !path.includes("/"));
        for (const [path] of tree) {
          const parts = path.split("/").slice(0, -1);
          for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
        }
        json(res, 200, {
          sha: req.params[0],
          url: `${api()}${R}/git/trees/${req.params[0]}`,
          tree: [
            ...[...dirs]
              .filter((d) => recursive || !d.includes("/"))
              .map((path) => ({ path, mode: "040000", type: "tree", sha: "0".repeat(40) })),
            ...blobs.map(([path, sha]) => ({
              path,
              mode: "100644",
              type: "blob",
              sha,
              size: s.blobs.get(sha)?.length ?? 0,
              url: `${api()}${R}/git/blobs/${sha}`,
            })),
          ],
          truncated: false,
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
        if (!allowed(req, res, "contents", "write", DOCS.trees)) return;
        const body = readJson<{
          base_tree?: string;
          tree?: {
            path: string;
            mode: string;
            type: string;
            content?: string;
            sha?: string | null;
          }[];
        }>(req);
        if (!Array.isArray(body.tree)) return apiError(res, 422, "Invalid tree info", DOCS.trees);
        if (body.base_tree !== undefined && !s.trees.has(body.base_tree)) {
          return apiError(res, 422, "Invalid tree info", DOCS.trees);
        }
        const tree = new Map(body.base_tree ? s.trees.get(body.base_tree) : undefined);
        for (const entry of body.tree) {
          if (entry.type !== "blob") {
            return apiError(res, 422, "Invalid tree info (fake: blobs only)", DOCS.trees);
          }
          if (entry.sha === null) tree.delete(entry.path);
          else if (typeof entry.content === "string")
            tree.set(entry.path, s.putBlob(Buffer.from(entry.content)));
          else if (entry.sha && s.blobs.has(entry.sha)) tree.set(entry.path, entry.sha);
          else return apiError(res, 422, "Invalid tree info", DOCS.trees);
        }
        const sha = s.treeSha(tree);
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
        if ((body.parents ?? []).some((p) => !s.commits.has(p))) {
          return apiError(res, 422, "Parent SHA does not exist or is not a commit object");
        }
        const sha = s.commit(body.message, tree, body.parents ?? []);
        json(res, 201, { sha, message: body.message, url: `${api()}${R}/git/commits/${sha}` });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^${R}/git/refs$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write", DOCS.createRef)) return;
        const body = readJson<{ ref?: string; sha?: string }>(req);
        const name = body.ref?.match(/^refs\/heads\/(.+)$/)?.[1];
        if (!name || !body.sha || !s.commits.has(body.sha)) {
          return apiError(res, 422, "Reference update failed", DOCS.createRef);
        }
        if (s.branches.has(name)) {
          return apiError(res, 422, "Reference already exists", DOCS.createRef);
        }
        s.branches.set(name, body.sha);
        json(res, 201, refJson(name, body.sha));
      },
    },
    {
      method: "PATCH",
      pattern: new RegExp(`^${R}/git/refs/heads/(.+)$`),
      handler: (req, res) => {
        if (!allowed(req, res, "contents", "write", DOCS.updateRef)) return;
        const name = decodeURIComponent(req.params[0]!);
        const body = readJson<{ sha?: string; force?: boolean }>(req);
        const head = s.branches.get(name);
        // GitHub answers a missing ref with 422 here, not 404.
        if (!head) return apiError(res, 422, "Reference does not exist", DOCS.updateRef);
        if (!body.sha || !s.commits.has(body.sha)) {
          return apiError(res, 422, "Object does not exist", DOCS.updateRef);
        }
        if (!body.force && !s.descends(body.sha, head)) {
          return apiError(res, 422, "Update is not a fast forward", DOCS.updateRef);
        }
        s.branches.set(name, body.sha);
        json(res, 200, refJson(name, body.sha));
      },
    },
  ];
}
