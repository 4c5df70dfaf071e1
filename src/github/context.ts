// Where this step runs: repository, run, event, API URLs, read once from the runner's
// environment and the event payload. The payload comes from GitHub, but for pull requests
// from forks parts of it (branch names, titles) are chosen by the PR's author: only the
// fields meshbench needs are read, each validated.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { z } from "zod";

export interface PullRequestFacts {
  number: number;
  headSha: string;
  /** owner/name of the repository the PR's commits come from. */
  headRepo: string | undefined;
  baseRef: string;
}

export interface WorkflowRunFacts {
  /** The run that triggered this `workflow_run` workflow (where the results were uploaded). */
  id: number;
  workflowId: number;
  /** The event that started that run (`pull_request`, `push`…). */
  event: string;
  conclusion: string | null;
  headSha: string;
  headBranch: string | null;
  /** owner/name of the head repository (a fork for fork PRs). */
  headRepo: string | undefined;
  /** Empty for pull requests from forks (GitHub leaves them out). */
  pullRequests: { number: number; headSha: string }[];
}

export interface WorkflowContext {
  owner: string;
  repo: string;
  runId: number;
  runAttempt: number;
  eventName: string;
  sha: string;
  ref: string;
  apiUrl: string;
  serverUrl: string;
  /** `owner/repo/.github/workflows/x.yml@ref` (GITHUB_WORKFLOW_REF). */
  workflowRef: string | undefined;
  /** The runner's per-job scratch directory (RUNNER_TEMP), else the OS's. */
  tempDir: string;
  defaultBranch: string | undefined;
  pullRequest: PullRequestFacts | undefined;
  workflowRun: WorkflowRunFacts | undefined;
}

const repoName = z.object({ full_name: z.string() }).nullish();

const PullRequestPayload = z.object({
  number: z.number().int().positive(),
  head: z.object({ sha: z.string(), repo: repoName }),
  base: z.object({ ref: z.string() }),
});

const WorkflowRunPayload = z.object({
  id: z.number().int().positive(),
  workflow_id: z.number().int(),
  event: z.string(),
  conclusion: z.string().nullable(),
  head_sha: z.string(),
  head_branch: z.string().nullable(),
  head_repository: repoName,
  pull_requests: z
    .array(z.object({ number: z.number().int(), head: z.object({ sha: z.string() }) }))
    .nullish(),
});

const Payload = z.object({
  repository: z.object({ default_branch: z.string() }).partial().nullish(),
  pull_request: z.unknown().optional(),
  workflow_run: z.unknown().optional(),
});

/**
 * The run context from `env` (default: this process's); the event payload from GITHUB_EVENT_PATH.
 */
export function readRunContext(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): WorkflowContext {
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) {
    throw new Error(
      `GITHUB_REPOSITORY is "${repository}", expected owner/name: this must run inside a GitHub Actions job`,
    );
  }
  const payload = readPayload(env.GITHUB_EVENT_PATH, readFile);
  const pr = PullRequestPayload.safeParse(payload.pull_request);
  const wr = WorkflowRunPayload.safeParse(payload.workflow_run);
  return {
    owner,
    repo,
    runId: positiveInt(env.GITHUB_RUN_ID, "GITHUB_RUN_ID"),
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
    eventName: env.GITHUB_EVENT_NAME ?? "",
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF ?? "",
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, ""),
    workflowRef: env.GITHUB_WORKFLOW_REF,
    tempDir: env.RUNNER_TEMP || tmpdir(),
    defaultBranch: payload.repository?.default_branch,
    pullRequest: pr.success
      ? {
          number: pr.data.number,
          headSha: pr.data.head.sha,
          headRepo: pr.data.head.repo?.full_name,
          baseRef: pr.data.base.ref,
        }
      : undefined,
    workflowRun: wr.success
      ? {
          id: wr.data.id,
          workflowId: wr.data.workflow_id,
          event: wr.data.event,
          conclusion: wr.data.conclusion,
          headSha: wr.data.head_sha,
          headBranch: wr.data.head_branch,
          headRepo: wr.data.head_repository?.full_name,
          pullRequests: (wr.data.pull_requests ?? []).map((p) => ({
            number: p.number,
            headSha: p.head.sha,
          })),
        }
      : undefined,
  };
}

function readPayload(path: string | undefined, readFile: (p: string) => string) {
  if (!path) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFile(path));
  } catch {
    return {};
  }
  const parsed = Payload.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

function positiveInt(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(
      `${name} is "${value ?? ""}", expected a run id: this must run inside a GitHub Actions job`,
    );
  }
  return n;
}

/** The web page of a workflow run. */
export function runUrl(
  ctx: Pick<WorkflowContext, "serverUrl" | "owner" | "repo">,
  runId: number,
): string {
  return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${runId}`;
}

/**
 * The page of one artifact of a run (it downloads the zip for anyone who may read the repository).
 */
export function artifactUrl(
  ctx: Pick<WorkflowContext, "serverUrl" | "owner" | "repo">,
  runId: number,
  artifactId: number,
): string {
  return `${runUrl(ctx, runId)}/artifacts/${artifactId}`;
}

/**
 * The run whose results this step reports: the triggering run for `workflow_run`, else this one.
 */
export function resultsRunId(ctx: WorkflowContext): number {
  return ctx.eventName === "workflow_run" && ctx.workflowRun ? ctx.workflowRun.id : ctx.runId;
}
