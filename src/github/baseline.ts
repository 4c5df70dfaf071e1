// The baseline a report compares against:
//   auto  the newest successful run of the workflow on the default branch that still has
//         this scenario's results artifacts — this workflow's (under workflow_run, the
//         triggering one's), or another named by `workflow` (a weekly run on the default
//         branch keeps a baseline fresh for pull-request workflows that run less
//         often); runs are paged newest first; runs from forks or pull requests are
//         never taken (a PR from a fork's "main" is on branch "main"
//         too); runs whose artifacts all expired are skipped and counted, since artifacts
//         live 90 days by default
//   none  no comparison
//   path  a results directory on disk
// Finding none is an answer with a reason (the verdict becomes `no-baseline`), not an error.
import { lstat } from "node:fs/promises";
import { join } from "node:path";
import {
  type DownloadedArtifact,
  type DownloadLimits,
  downloadArtifacts,
  isResultsArtifact,
  listRunArtifacts,
  onlyScenario,
} from "./artifacts.ts";
import { apiMessage, type GitHubClient, httpStatus } from "./client.ts";
import { runUrl, type WorkflowContext } from "./context.ts";

export type BaselineSpec = { kind: "auto" } | { kind: "none" } | { kind: "path"; path: string };

export interface BaselineRun {
  id: number;
  url: string;
  headSha: string;
  createdAt: string;
  event: string;
}

export type BaselineResult =
  | {
      found: true;
      /** A directory holding the baseline's results (one subdirectory per artifact for `auto`). */
      dir: string;
      /** Human-readable: "run 123 (abc1234, 2026-11-20) on main", or the path. */
      description: string;
      run?: BaselineRun;
      artifacts: DownloadedArtifact[];
      refused: { name: string; reason: string }[];
      notes: string[];
    }
  | { found: false; reason: string; notes: string[] };

export interface BaselineOptions {
  gh: GitHubClient;
  token: string;
  ctx: WorkflowContext;
  prefix: string;
  scenario: string;
  /** Where downloaded baseline artifacts go (a new directory per artifact inside). */
  into: string;
  /** Runs looked at before giving up (default 100). */
  maxRuns?: number;
  /** Branch to take the baseline from (default: the repository's default branch). */
  branch?: string;
  /**
   * The workflow whose runs hold baselines: a file name in .github/workflows (`weekly.yml`)
   * or a numeric id. Default: this run's workflow (under workflow_run, the triggering one).
   */
  workflow?: string;
  limits?: Partial<DownloadLimits>;
}

export async function findBaseline(
  spec: BaselineSpec,
  options: BaselineOptions,
): Promise<BaselineResult> {
  if (spec.kind === "none") return { found: false, reason: "baseline: none", notes: [] };
  if (spec.kind === "path") return localBaseline(spec.path);
  try {
    return await latestSuccessfulRun(options);
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 && options.workflow !== undefined) {
      return {
        found: false,
        reason: `could not look for a baseline: no workflow ${options.workflow} in ${options.ctx.owner}/${options.ctx.repo} (${apiMessage(error)}); baseline-workflow takes a file name in .github/workflows, e.g. weekly.yml, or a workflow id`,
        notes: [],
      };
    }
    const hint = status === 403 || status === 404 ? " (the token needs `actions: read`)" : "";
    return {
      found: false,
      reason: `could not look for a baseline: ${apiMessage(error)}${hint}`,
      notes: [],
    };
  }
}

async function localBaseline(path: string): Promise<BaselineResult> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isDirectory()) {
    return {
      found: false,
      reason: `baseline path ${path} is not a directory: give a results directory written by meshbench run`,
      notes: [],
    };
  }
  return { found: true, dir: path, description: path, artifacts: [], refused: [], notes: [] };
}

async function latestSuccessfulRun(o: BaselineOptions): Promise<BaselineResult> {
  const { gh, ctx } = o;
  const self = `${ctx.owner}/${ctx.repo}`;
  const workflowId = o.workflow ?? (await workflowOf(gh, ctx));
  const ofWorkflow = o.workflow === undefined ? "this workflow" : `workflow ${o.workflow}`;
  const branch =
    o.branch ??
    ctx.defaultBranch ??
    (await gh.rest.repos.get({ owner: ctx.owner, repo: ctx.repo })).data.default_branch;
  const maxRuns = o.maxRuns ?? 100;
  const notes: string[] = [];
  let looked = 0;
  let expiredRuns = 0;
  let withoutArtifacts = 0;

  const pages = gh.paginate.iterator(gh.rest.actions.listWorkflowRuns, {
    owner: ctx.owner,
    repo: ctx.repo,
    workflow_id: workflowId,
    branch,
    status: "success",
    exclude_pull_requests: true,
    per_page: 50,
  });
  scan: for await (const page of pages) {
    for (const run of page.data) {
      if (looked >= maxRuns) break scan;
      if (run.id === ctx.runId || run.id === ctx.workflowRun?.id) continue;
      if (run.event.startsWith("pull_request") || run.head_repository?.full_name !== self) continue;
      looked++;
      const from = { gh, token: o.token, owner: ctx.owner, repo: ctx.repo, runId: run.id };
      const listed = (await listRunArtifacts(from)).filter((a) =>
        isResultsArtifact(a.name, o.prefix, o.scenario),
      );
      if (listed.length === 0) {
        withoutArtifacts++;
        continue;
      }
      if (listed.every((a) => a.expired)) {
        expiredRuns++;
        continue;
      }
      const dir = join(o.into, `run-${run.id}`);
      const got = await onlyScenario(
        await downloadArtifacts({
          into: dir,
          from,
          select: (name) => isResultsArtifact(name, o.prefix, o.scenario),
          ...(o.limits ? { limits: o.limits } : {}),
        }),
        o.scenario,
      );
      for (const l of got.leftOut)
        notes.push(`run ${run.id}: artifact ${l.name} left out: ${l.reason}`);
      if (got.artifacts.length === 0 && got.refused.length === 0) {
        withoutArtifacts++;
        continue;
      }
      if (got.artifacts.length === 0) {
        notes.push(
          `run ${run.id}: no usable artifacts (${got.refused.map((r) => `${r.name}: ${r.reason}`).join("; ")})`,
        );
        continue;
      }
      if (expiredRuns) notes.push(`${expiredRuns} newer run(s) skipped: their artifacts expired`);
      const found: BaselineRun = {
        id: run.id,
        url: runUrl(ctx, run.id),
        headSha: run.head_sha,
        createdAt: run.created_at,
        event: run.event,
      };
      return {
        found: true,
        dir,
        description: `run ${run.id} (${run.head_sha.slice(0, 7)}, ${run.created_at.slice(0, 10)}) on ${branch}`,
        run: found,
        artifacts: got.artifacts,
        refused: got.refused,
        notes,
      };
    }
  }
  const details = [
    `looked at ${looked} run${looked === 1 ? "" : "s"}${looked >= maxRuns ? " (the limit)" : ""}`,
  ];
  if (expiredRuns) {
    details.push(
      `${expiredRuns} had only expired artifacts — artifacts are kept 90 days by default, so run the workflow on ${branch} (e.g. on a schedule) to keep a baseline fresh`,
    );
  }
  if (withoutArtifacts) details.push(`${withoutArtifacts} had none for this scenario`);
  return {
    found: false,
    reason: `no successful run of ${ofWorkflow} on ${branch} has ${o.prefix}-${o.scenario}-* artifacts (${details.join("; ")})`,
    notes,
  };
}

/**
 * The workflow whose runs hold baselines: the triggering one for `workflow_run`, else this run's.
 */
async function workflowOf(gh: GitHubClient, ctx: WorkflowContext): Promise<number> {
  if (ctx.eventName === "workflow_run" && ctx.workflowRun) return ctx.workflowRun.workflowId;
  const { data } = await gh.rest.actions.getWorkflowRun({
    owner: ctx.owner,
    repo: ctx.repo,
    run_id: ctx.runId,
  });
  return data.workflow_id;
}
