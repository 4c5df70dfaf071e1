// The artifact service that @actions/artifact v2+ talks to inside a job: twirp JSON RPCs
// under /twirp/github.actions.results.api.v1.ArtifactService/ authenticated by the
// ACTIONS_RUNTIME_TOKEN (a JWT whose `scp` claim names the run and job), and the Azure
// block blob endpoint its signed URLs point at (@azure/storage-blob stages blocks with
// `comp=block` and commits them with `comp=blocklist`; a single PUT also works).
import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FakeRequest, Route } from "./http.ts";
import { blobUrl } from "./rest.ts";
import type { FakeArtifact, FakeRun, FakeState } from "./state.ts";

const SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService";

/** A runtime token for a job of `run`: an unsigned-looking JWT with the Actions.Results scope. */
export function runtimeToken(run: FakeRun, jobBackendId: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return [
    b64({ typ: "JWT", alg: "RS256", x5t: "fake" }),
    b64({
      scp: `Actions.ExampleScope Actions.Results:${run.backendId}:${jobBackendId}`,
      iss: "https://token.actions.githubusercontent.com",
      aud: "vso:fake",
      nbf: now - 60,
      exp: now + 6 * 3600,
    }),
    randomBytes(32).toString("base64url"),
  ].join(".");
}

function twirp(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

const twirpError = (res: ServerResponse, status: number, code: string, msg: string) =>
  twirp(res, status, { code, msg });

/** The run and job a runtime token speaks for, from its `scp` claim. */
function caller(s: FakeState, req: FakeRequest): { run: FakeRun; job: string } | undefined {
  const jwt = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  const payload = jwt?.split(".")[1];
  if (!payload) return undefined;
  try {
    const scp = String(JSON.parse(Buffer.from(payload, "base64url").toString()).scp ?? "");
    for (const scope of scp.split(" ")) {
      const [kind, runBackend, job] = scope.split(":");
      if (kind !== "Actions.Results" || !job) continue;
      const run = s.runs.find((r) => r.backendId === runBackend);
      if (run) return { run, job };
    }
  } catch {}
  return undefined;
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  const text = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:fake\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(text),
    "x-ms-error-code": code,
    "x-ms-version": "2025-01-05",
  });
  res.end(text);
}

function blobCreated(res: ServerResponse, extra: Record<string, string> = {}): void {
  res.writeHead(201, {
    "content-length": 0,
    "x-ms-request-id": globalThis.crypto.randomUUID(),
    "x-ms-version": "2025-01-05",
    "x-ms-request-server-encrypted": "true",
    date: new Date().toUTCString(),
    ...extra,
  });
  res.end();
}

export function artifactServiceRoutes(s: FakeState, base: () => string): Route[] {
  const rpc = (
    method: string,
    handler: (
      body: Record<string, unknown>,
      who: { run: FakeRun; job: string },
      res: ServerResponse,
    ) => void,
  ): Route => ({
    method: "POST",
    pattern: new RegExp(`^${SERVICE}/${method}$`),
    handler: (req, res) => {
      const who = caller(s, req);
      if (!who) return twirpError(res, 401, "unauthenticated", "invalid runtime token");
      const body = JSON.parse(req.body.toString("utf8") || "{}") as Record<string, unknown>;
      if (body.workflow_run_backend_id !== who.run.backendId) {
        return twirpError(res, 403, "permission_denied", "run backend id does not match token");
      }
      handler(body, who, res);
    },
  });
  const live = (runId: number) =>
    s.artifacts.filter((a) => a.runId === runId && a.finalized && !a.expired);
  const listed = (a: FakeArtifact) => ({
    workflow_run_backend_id: s.run(a.runId)?.backendId,
    workflow_job_run_backend_id: a.jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.sizeInBytes),
    created_at: a.createdAt,
    ...(a.digest ? { digest: a.digest } : {}),
  });
  const blobArtifact = (
    req: FakeRequest,
    res: ServerResponse,
    sigOf: "uploadSig" | "downloadSig",
  ) => {
    const a = s.artifacts.find((x) => x.id === Number(req.params[0]));
    if (!a || req.url.searchParams.get("sig") !== a[sigOf]) {
      xmlError(res, 403, "AuthenticationFailed", "Server failed to authenticate the request.");
      return undefined;
    }
    return a;
  };

  return [
    rpc("CreateArtifact", (body, who, res) => {
      const name = String(body.name ?? "");
      if (!name) return twirpError(res, 400, "invalid_argument", "name is required");
      if (live(who.run.id).some((a) => a.name === name)) {
        return twirpError(
          res,
          409,
          "already_exists",
          "an artifact with this name already exists on the workflow run",
        );
      }
      // An unfinished upload of the same name (a failed earlier try) is replaced.
      const stale = s.artifacts.findIndex(
        (a) => a.runId === who.run.id && a.name === name && !a.finalized,
      );
      if (stale >= 0) s.artifacts.splice(stale, 1);
      const a = s.newArtifact(who.run.id, String(body.workflow_job_run_backend_id), name);
      if (typeof body.mime_type === "string") a.mimeType = body.mime_type;
      if (typeof body.expires_at === "string") a.expiresAt = body.expires_at;
      s.artifacts.push(a);
      twirp(res, 200, {
        ok: true,
        signed_upload_url: blobUrl(base(), a.id, name, a.uploadSig, "cw"),
      });
    }),
    rpc("FinalizeArtifact", (body, who, res) => {
      const a = s.artifacts.find(
        (x) => x.runId === who.run.id && x.name === body.name && !x.finalized,
      );
      if (!a?.blob) return twirpError(res, 404, "not_found", "artifact not found or not uploaded");
      if (Number(body.size) !== a.blob.length) {
        return twirpError(res, 400, "invalid_argument", `size ${body.size} != ${a.blob.length}`);
      }
      const digest = `sha256:${createHash("sha256").update(a.blob).digest("hex")}`;
      if (body.hash !== undefined && body.hash !== digest) {
        return twirpError(res, 400, "invalid_argument", "hash does not match the uploaded blob");
      }
      a.finalized = true;
      a.sizeInBytes = a.blob.length;
      a.digest = digest;
      a.createdAt = s.now().toISOString();
      twirp(res, 200, { ok: true, artifact_id: String(a.id) });
    }),
    rpc("ListArtifacts", (body, who, res) => {
      const found = live(who.run.id)
        .filter((a) => body.name_filter === undefined || a.name === body.name_filter)
        .filter((a) => body.id_filter === undefined || String(a.id) === String(body.id_filter));
      twirp(res, 200, { artifacts: found.map(listed) });
    }),
    rpc("GetSignedArtifactURL", (body, who, res) => {
      const a = live(who.run.id).find((x) => x.name === body.name);
      if (!a) return twirpError(res, 404, "not_found", "artifact not found");
      twirp(res, 200, { signed_url: blobUrl(base(), a.id, a.name, a.downloadSig, "r") });
    }),
    rpc("DeleteArtifact", (body, who, res) => {
      const i = s.artifacts.findIndex(
        (a) => a.runId === who.run.id && a.name === body.name && a.finalized,
      );
      if (i < 0) return twirpError(res, 404, "not_found", "artifact not found");
      const [a] = s.artifacts.splice(i, 1);
      twirp(res, 200, { ok: true, artifact_id: String(a!.id) });
    }),

    // --- blob storage --------------------------------------------------------------
    {
      method: "PUT",
      pattern: /^\/blob\/actions-results\/(\d+)\/[^/]+\.zip$/,
      handler: (req, res) => {
        const a = blobArtifact(req, res, "uploadSig");
        if (!a) return;
        if (a.finalized) return xmlError(res, 409, "BlobImmutable", "blob is sealed");
        const comp = req.url.searchParams.get("comp");
        if (comp === "block") {
          const id = req.url.searchParams.get("blockid");
          if (!id) return xmlError(res, 400, "InvalidQueryParameterValue", "blockid missing");
          a.staged.set(id, req.body);
          return blobCreated(res, { "x-ms-content-crc64": "AAAAAAAAAAA=" });
        }
        if (comp === "blocklist") {
          const ids = [
            ...req.body.toString("utf8").matchAll(/<(?:Latest|Uncommitted)>([^<]+)<\//g),
          ].map((m) => m[1]!);
          const parts: Buffer[] = [];
          for (const id of ids) {
            const part = a.staged.get(id);
            if (!part)
              return xmlError(res, 400, "InvalidBlockList", "The specified block list is invalid.");
            parts.push(part);
          }
          a.blob = Buffer.concat(parts);
          a.staged.clear();
          return blobCreated(res, {
            etag: `"0x${Date.now().toString(16)}"`,
            "last-modified": new Date().toUTCString(),
          });
        }
        if (comp === null && req.headers["x-ms-blob-type"] === "BlockBlob") {
          a.blob = req.body;
          return blobCreated(res, { etag: `"0x${Date.now().toString(16)}"` });
        }
        xmlError(res, 400, "InvalidHeaderValue", "x-ms-blob-type must be BlockBlob");
      },
    },
    {
      method: "GET",
      pattern: /^\/blob\/actions-results\/(\d+)\/[^/]+\.zip$/,
      handler: (req, res) => {
        const a = blobArtifact(req, res, "downloadSig");
        if (!a) return;
        if (!a.blob)
          return xmlError(res, 404, "BlobNotFound", "The specified blob does not exist.");
        res.writeHead(200, {
          "content-type": a.mimeType,
          "content-length": a.blob.length,
          "content-disposition": `attachment; filename="${a.name}.zip"; filename*=UTF-8''${encodeURIComponent(a.name)}.zip`,
          "x-ms-blob-type": "BlockBlob",
          "x-ms-version": "2025-01-05",
        });
        res.end(a.blob);
      },
    },
  ];
}
