// What the fake GitHub knows: one repository (plus the forks PRs come from), the tokens
// that may call it and who they are, issue comments, pull requests, workflow runs, their
// artifacts, and a tiny git object store for the contents and git data APIs. Tests seed
// it directly and read it back to assert what the code under test did.
import { createHash, randomBytes } from "node:crypto";

export type Access = "none" | "read" | "write";

export interface FakeUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface FakeToken {
  /**
   * `installation`: a GitHub App installation token such as the workflow's GITHUB_TOKEN
   * (it acts as `github-actions[bot]` and cannot call GET /user); `user`: a personal
   * access token (GET /user answers its login, every permission is write).
   */
  kind: "user" | "installation";
  user: FakeUser;
  permissions: Record<"contents" | "issues" | "pull_requests" | "actions", Access>;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FakePull {
  number: number;
  state: "open" | "closed";
  title: string;
  user: FakeUser;
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
}

export interface FakeRun {
  id: number;
  workflowId: number;
  workflowPath: string;
  name: string;
  headBranch: string;
  headSha: string;
  /** owner/name of the repository the head commit lives in (a fork for fork PRs). */
  headRepo: string;
  event: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | "skipped" | null;
  runNumber: number;
  runAttempt: number;
  createdAt: string;
  /** The artifact service's id for this run (carried in ACTIONS_RUNTIME_TOKEN). */
  backendId: string;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  jobBackendId: string;
  name: string;
  mimeType: string;
  /** The uploaded bytes (the zip); null until the blob is committed. */
  blob: Buffer | null;
  /** Blocks staged with `comp=block`, not yet committed. */
  staged: Map<string, Buffer>;
  finalized: boolean;
  sizeInBytes: number;
  digest: string | null;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  uploadSig: string;
  downloadSig: string;
}

interface GitCommit {
  sha: string;
  message: string;
  parents: string[];
  /** path → blob sha */
  tree: Map<string, string>;
}

export const GITHUB_ACTIONS_BOT: FakeUser = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

export const ALL_WRITE = {
  contents: "write",
  issues: "write",
  pull_requests: "write",
  actions: "write",
} as const;
export const ALL_READ = {
  contents: "read",
  issues: "read",
  pull_requests: "read",
  actions: "read",
} as const;

const DAY_MS = 86_400_000;

export class FakeState {
  readonly owner: string;
  readonly repo: string;
  readonly repoId = 700_001;
  defaultBranch = "main";
  /** What time it is for the fake (expiry, timestamps); tests may move it. */
  now = () => new Date();

  readonly tokens = new Map<string, FakeToken>();
  readonly comments: FakeComment[] = [];
  readonly pulls: FakePull[] = [];
  readonly runs: FakeRun[] = [];
  readonly artifacts: FakeArtifact[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly commits = new Map<string, GitCommit>();
  readonly branches = new Map<string, string>();
  /** Every tree seen (posted, or of a commit read): sha → path → blob sha. */
  readonly trees = new Map<string, Map<string, string>>();

  private nextId = 1000;

  constructor(fullName: string) {
    const [owner, repo] = fullName.split("/");
    if (!owner || !repo) throw new Error(`repository must be owner/name, got ${fullName}`);
    this.owner = owner;
    this.repo = repo;
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  id(): number {
    return this.nextId++;
  }

  /** A GITHUB_TOKEN-like installation token; `readOnly` is what a fork PR's job gets. */
  addInstallationToken(token: string, { readOnly = false } = {}): void {
    this.tokens.set(token, {
      kind: "installation",
      user: GITHUB_ACTIONS_BOT,
      permissions: readOnly ? { ...ALL_READ } : { ...ALL_WRITE },
    });
  }

  /** A personal access token of `login` (every permission). */
  addUserToken(token: string, login: string): FakeUser {
    const user: FakeUser = { login, id: this.id(), type: "User" };
    this.tokens.set(token, { kind: "user", user, permissions: { ...ALL_WRITE } });
    return user;
  }

  user(login: string): FakeUser {
    for (const t of this.tokens.values()) if (t.user.login === login) return t.user;
    return { login, id: this.id(), type: login.endsWith("[bot]") ? "Bot" : "User" };
  }

  addComment(issueNumber: number, body: string, user: FakeUser): FakeComment {
    const at = this.now().toISOString();
    const comment: FakeComment = {
      id: this.id(),
      issueNumber,
      body,
      user,
      viaApp: user.type === "Bot",
      createdAt: at,
      updatedAt: at,
    };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber);
  }

  addPull(spec: {
    number: number;
    headSha: string;
    headRef?: string;
    /** owner/name of the head repository; a fork when it is not this repository. */
    headRepo?: string;
    baseRef?: string;
    state?: "open" | "closed";
  }): FakePull {
    const pull: FakePull = {
      number: spec.number,
      state: spec.state ?? "open",
      title: `PR ${spec.number}`,
      user: this.user(spec.headRepo ? (spec.headRepo.split("/")[0] ?? "someone") : "someone"),
      head: {
        ref: spec.headRef ?? `feature-${spec.number}`,
        sha: spec.headSha,
        repo: spec.headRepo ?? this.fullName,
      },
      base: { ref: spec.baseRef ?? this.defaultBranch, sha: "b".repeat(40) },
    };
    this.pulls.push(pull);
    return pull;
  }

  addRun(spec: Partial<FakeRun> & { id?: number }): FakeRun {
    const id = spec.id ?? this.id();
    const run: FakeRun = {
      id,
      workflowId: 161_335,
      workflowPath: ".github/workflows/bench.yml",
      name: "bench",
      headBranch: this.defaultBranch,
      headSha: createHash("sha1").update(String(id)).digest("hex"),
      headRepo: this.fullName,
      event: "push",
      status: "completed",
      conclusion: "success",
      runNumber: this.runs.length + 1,
      runAttempt: 1,
      createdAt: this.now().toISOString(),
      backendId: randomUUID(),
      ...spec,
    };
    this.runs.push(run);
    return run;
  }

  run(id: number): FakeRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** An artifact as if a job of `runId` had uploaded `zip` (finalized). */
  addArtifact(
    runId: number,
    name: string,
    zip: Buffer,
    { expired = false, createdAt }: { expired?: boolean; createdAt?: string } = {},
  ): FakeArtifact {
    const created = createdAt ?? this.now().toISOString();
    const artifact: FakeArtifact = {
      ...this.newArtifact(runId, randomUUID(), name),
      blob: zip,
      finalized: true,
      sizeInBytes: zip.length,
      digest: `sha256:${createHash("sha256").update(zip).digest("hex")}`,
      createdAt: created,
      expiresAt: new Date(Date.parse(created) + (expired ? -1 : 90) * DAY_MS).toISOString(),
      expired,
    };
    this.artifacts.push(artifact);
    return artifact;
  }

  newArtifact(runId: number, jobBackendId: string, name: string): FakeArtifact {
    const at = this.now().toISOString();
    return {
      id: this.id(),
      runId,
      jobBackendId,
      name,
      mimeType: "application/zip",
      blob: null,
      staged: new Map(),
      finalized: false,
      sizeInBytes: 0,
      digest: null,
      createdAt: at,
      expiresAt: new Date(Date.parse(at) + 90 * DAY_MS).toISOString(),
      expired: false,
      uploadSig: randomBytes(18).toString("base64url"),
      downloadSig: randomBytes(18).toString("base64url"),
    };
  }

  /** Artifacts of a run as the REST API lists them: finalized ones, expired included. */
  runArtifacts(runId: number): FakeArtifact[] {
    return this.artifacts.filter((a) => a.runId === runId && a.finalized);
  }

  // --- git objects -------------------------------------------------------------------

  putBlob(content: Buffer): string {
    const sha = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
    this.blobs.set(sha, content);
    return sha;
  }

  commit(message: string, tree: Map<string, string>, parents: string[]): string {
    const sha = createHash("sha1")
      .update(`${message}\0${parents.join(",")}\0${[...tree].join(";")}\0${this.id()}`)
      .digest("hex");
    this.commits.set(sha, { sha, message, parents, tree });
    return sha;
  }

  /** A tree's sha from its entries (as git's is), remembered so it can be read back. */
  treeSha(tree: Map<string, string>): string {
    const entries = [...tree].sort(([a], [b]) => a.localeCompare(b));
    const sha = createHash("sha1")
      .update(`tree\0${entries.join(";")}`)
      .digest("hex");
    this.trees.set(sha, new Map(tree));
    return sha;
  }

  /** Whether commit `sha` is `ancestor` or has it among its ancestors. */
  descends(sha: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (next === ancestor) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return false;
  }

  /** The file at `path` on `branch`: undefined when the branch or the file is missing. */
  file(branch: string, path: string): { sha: string; content: Buffer } | undefined {
    const head = this.branches.get(branch);
    const blobSha = head ? this.commits.get(head)?.tree.get(path) : undefined;
    const content = blobSha ? this.blobs.get(blobSha) : undefined;
    return blobSha && content ? { sha: blobSha, content } : undefined;
  }

  /** Commits `content` at `path` on `branch` (created, orphan, when missing), as another writer would. */
  writeFile(branch: string, path: string, content: string, message = "update"): string {
    const head = this.branches.get(branch);
    const tree = new Map(head ? this.commits.get(head)?.tree : []);
    tree.set(path, this.putBlob(Buffer.from(content)));
    const sha = this.commit(message, tree, head ? [head] : []);
    this.branches.set(branch, sha);
    return sha;
  }
}

function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}
