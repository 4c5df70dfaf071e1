// `command: report`: every results artifact of this run (or, under workflow_run, of the
// run that triggered it), compared with the baseline; the report uploaded, the job
// summary written, one PR comment kept up to date, history appended for scheduled runs,
// the outputs set. Downloaded artifacts are untrusted data: the download is size-limited
// and traversal-safe, and every run.json is schema-validated by the report's reader.

import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  downloadRunResults,
  HISTORY_PAGE_EXTENSIONS,
  historyPageArtifactName,
  REPORT_EXTENSIONS,
  reportArtifactName,
  unusedArtifactName,
  uploadArtifact,
} from "../github/artifacts.ts";
import { findBaseline } from "../github/baseline.ts";
import type { GitHubClient } from "../github/client.ts";
import { createGitHubClient } from "../github/client.ts";
import { commentMarker, upsertStickyComment } from "../github/comment.ts";
import { decideComment, type OverallVerdict } from "../github/comment-policy.ts";
import { artifactUrl, runUrl, type WorkflowContext } from "../github/context.ts";
import {
  appendHistory,
  DEFAULT_HISTORY_BRANCH,
  type HistoryLocation,
  readHistory,
} from "../github/history.ts";
import { type HistoryEntry, trendSeries } from "../github/history-format.ts";
import { findPullRequest, type PullRequestLookup } from "../github/pull-request.ts";
import { info, warning } from "../github/runtime.ts";
import { setActionOutputs, writeJobSummary } from "../github/summary.ts";
import { readForExport, writeExports } from "../interop/write.ts";
import { generateReport, type ReportOutcome } from "../report/generate.ts";
import { writeHistoryPage } from "../report/history-site.ts";
import { renderCompact } from "../report/markdown.ts";
import { type TrendInput, trendSection } from "../report/trends.ts";
import { defuseMarkdown } from "../report/untrusted.ts";
import type { CapacityFile } from "../results/capacity-file.ts";
import { loadScenario } from "../scenario/load.ts";
import type { CapacityVerdict } from "../stats/capacity-verdict.ts";
import { type Comparison, regressions } from "../stats/compare.ts";
import { costConfig, type Prices } from "../stats/cost.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";
import { actionGate } from "./gate.ts";
import { type HistoryGate, historyEntry } from "./history-entry.ts";
import type { ActionInputs } from "./inputs.ts";
import { overallVerdict } from "./verdict.ts";

/** Events with no pull request whose reports feed the history branch. */
const HISTORY_EVENTS = ["schedule", "workflow_dispatch"];

export interface ReportStepResult {
  verdict: OverallVerdict;
  regressed: { mesh: string; metric: string }[];
}

/** `istio 1.25.0: latency.p50, latency.p99, cpu.dataPlane and 12 more`, one group per mesh. */
function byMesh(regressed: readonly { mesh: string; metric: string }[]): string {
  const groups = new Map<string, string[]>();
  for (const r of regressed) groups.set(r.mesh, [...(groups.get(r.mesh) ?? []), r.metric]);
  return [...groups]
    .map(([mesh, metrics]) => {
      const shown = metrics.slice(0, 3).join(", ");
      // Mesh names come from run files a fork can write: defused like the report's text.
      const name = defuseMarkdown(mesh);
      return metrics.length > 3
        ? `${name} (${shown} and ${metrics.length - 3} more)`
        : `${name} (${shown})`;
    })
    .join("; ");
}

export function verdictLine(
  verdict: OverallVerdict,
  baseline: string,
  regressed: readonly { mesh: string; metric: string }[],
): string {
  switch (verdict) {
    case "regressed":
      return `**meshbench: regressed** against ${baseline}: ${byMesh(regressed)}`;
    case "pass":
      return `**meshbench: pass** against ${baseline}: no metric got worse beyond its threshold and the noise.`;
    case "inconclusive":
      return `**meshbench: inconclusive** against ${baseline}: some changes could not be told from noise, or runs were not comparable (see below).`;
    case "no-baseline":
      return `**meshbench: no baseline** — ${baseline}. The figures below are this run's alone.`;
  }
}

/** `base`, or `base-2`, `base-3` … : the first that did not exist, made now. */
async function newDirectory(base: string): Promise<string> {
  await mkdir(dirname(base), { recursive: true });
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/** This run's results artifacts of the scenario, downloaded into `workDir`; none is an error. */
async function downloadCurrent(
  inputs: ActionInputs,
  ctx: WorkflowContext,
  gh: GitHubClient,
  scenario: string,
  workDir: string,
) {
  const prefix = inputs.artifactPrefix;
  const current = await downloadRunResults({
    ctx,
    gh,
    token: inputs.githubToken,
    prefix,
    scenario,
    into: workDir,
  });
  for (const r of current.refused) warning(`artifact ${r.name} refused: ${r.reason}`);
  for (const r of current.leftOut) info(`artifact ${r.name} left out: ${r.reason}`);
  if (current.artifacts.length === 0) {
    throw new Error(
      `no results artifacts named ${prefix}-${scenario}-* in run ${current.runId}: the command: run jobs upload them; check that they ran before this job (needs:) and used the same artifact-prefix`,
    );
  }
  info(`results: ${current.artifacts.map((a) => a.name).join(", ")}`);
  return current;
}

async function downloadBaseline(
  inputs: ActionInputs,
  ctx: WorkflowContext,
  gh: GitHubClient,
  scenario: string,
) {
  const baseline = await findBaseline(inputs.baseline, {
    gh,
    token: inputs.githubToken,
    ctx,
    prefix: inputs.artifactPrefix,
    scenario,
    into: await mkdtemp(join(ctx.tempDir, "meshbench-baseline-")),
    ...(inputs.baselineWorkflow ? { workflow: inputs.baselineWorkflow } : {}),
  });
  for (const note of baseline.notes) info(note);
  if (baseline.found)
    for (const r of baseline.refused) warning(`baseline artifact ${r.name} refused: ${r.reason}`);
  return baseline;
}

/** Where this report's history goes, and what is there already; null when it keeps none. */
interface History {
  at: HistoryLocation;
  past: HistoryEntry[];
  /** This run as a history line, from the report's own summary (pure: the same each call). */
  entryOf(
    scenarios: readonly ScenarioSummary[],
    gate: HistoryGate,
    capacity: readonly CapacityFile[],
  ): HistoryEntry | null;
}

/** Scheduled reports (no pull request) on the default branch draw trends from history. */
async function openHistory(
  gh: GitHubClient,
  ctx: WorkflowContext,
  scenario: string,
  pr: PullRequestLookup,
): Promise<History | null> {
  const keeps =
    !pr.found && HISTORY_EVENTS.includes(ctx.eventName) && (await onDefaultBranch(gh, ctx));
  if (!keeps) return null;
  const at = { owner: ctx.owner, repo: ctx.repo, branch: DEFAULT_HISTORY_BRANCH, scenario };
  const now = new Date();
  const run = { id: ctx.runId, url: runUrl(ctx, ctx.runId), sha: ctx.sha, ref: ctx.ref };
  return {
    at,
    past: await readPastHistory(gh, at),
    entryOf: (scenarios, gate, capacity) => {
      const summary = scenarios.find((s) => s.scenario === scenario);
      const search = capacity.find((c) => c.scenario === scenario);
      return summary
        ? historyEntry(summary, { ...run, event: ctx.eventName }, now, gate, search)
        : null;
    },
  };
}

/** What regressed, per mesh: each metric, and capacity where its search regressed. */
export function regressedMetrics(
  comparison: Comparison,
  capacity: readonly CapacityVerdict[],
): { mesh: string; metric: string }[] {
  return [
    ...regressions(comparison).map((r) => ({ mesh: r.mesh.label, metric: r.metric.metric })),
    ...capacity
      .filter((v) => v.verdict === "regressed")
      .map((v) => ({ mesh: v.mesh, metric: "capacity" })),
  ];
}

/** The report's first line: the verdict, against what, and what regressed. */
function headline(outcome: ReportOutcome, baseline: Awaited<ReturnType<typeof downloadBaseline>>) {
  const verdict: OverallVerdict = baseline.found
    ? overallVerdict(outcome.comparison, outcome.capacityVerdicts ?? [])
    : "no-baseline";
  const regressed = outcome.comparison
    ? regressedMetrics(outcome.comparison, outcome.capacityVerdicts ?? [])
    : [];
  const against = baseline.found ? baseline.description : baseline.reason;
  return { verdict, regressed, head: verdictLine(verdict, against, regressed) };
}

async function postComment(
  inputs: ActionInputs,
  ctx: WorkflowContext,
  gh: GitHubClient,
  o: {
    scenario: string;
    verdict: OverallVerdict;
    pr: PullRequestLookup;
    body: string;
    fullReportUrl: string;
  },
): Promise<void> {
  const decision = decideComment(inputs.comment, o.verdict, o.pr, ctx.eventName);
  if (!decision.post || !o.pr.found) {
    info(`no PR comment: ${decision.reason}`);
    return;
  }
  const comment = await upsertStickyComment(
    gh,
    { owner: ctx.owner, repo: ctx.repo, issueNumber: o.pr.number },
    {
      marker: commentMarker(o.scenario),
      body: o.body,
      fullReportUrl: o.fullReportUrl,
      createIfMissing: decision.createIfMissing,
      ...(inputs.commentAuthor ? { author: inputs.commentAuthor } : {}),
    },
  );
  info(
    `PR #${o.pr.number} comment: ${"id" in comment ? `${comment.action} ${comment.url}` : `${comment.action}: ${comment.reason}`}`,
  );
}

/**
 * The report is done and uploaded: a history that cannot be written (usually a missing
 * `contents: write`) does not fail the job, whose measurement stands, but it is never
 * silent: a warning annotation on the run and a line in the job summary say so.
 */
async function writeHistory(gh: GitHubClient, at: HistoryLocation, entry: HistoryEntry) {
  try {
    const appended = await appendHistory(gh, at, entry);
    const moved = appended.migrated
      ? `; moved ${appended.migrated} entries from the pre-rotation file`
      : "";
    info(
      `history: appended to ${at.branch}:${appended.path} (${appended.commitSha.slice(0, 7)})${moved}`,
    );
  } catch (error) {
    const why = (error as Error).message;
    warning(`history not written, the report and outputs are unaffected: ${why}`);
    await writeJobSummary(
      `> [!WARNING]\n> **History not written** to \`${at.branch}\`: ${defuseMarkdown(why)}\n> The report above is complete; this run is missing from the history branch.`,
    );
  }
}

export async function reportStep(
  inputs: ActionInputs,
  ctx: WorkflowContext,
): Promise<ReportStepResult> {
  const { scenario } = await loadScenario(inputs.scenario);
  const gh = createGitHubClient(inputs.githubToken, ctx);
  // A directory of this step's own: a second report step in the job (another scenario, or
  // a self-hosted runner's surviving workspace) must not find the first one's files there.
  const workDir = await newDirectory(join(inputs.resultsDir, `report-${scenario.name}`));
  const current = await downloadCurrent(inputs, ctx, gh, scenario.name, workDir);
  const baseline = await downloadBaseline(inputs, ctx, gh, scenario.name);
  const pr = await findPullRequest(gh, ctx);
  const history = await openHistory(gh, ctx, scenario.name, pr);
  const gate = await actionGate(inputs.thresholds, inputs.calibration);
  const noisePct = gate.calibration?.noisePct;
  const judged = (comparison: Comparison | null): HistoryGate => ({
    comparison,
    ...(noisePct ? { noisePct } : {}),
  });

  const reportDir = join(workDir, "report");
  const cost = costConfig(
    scenario.cost,
    inputs.prices
      ? {
          prices: inputs.prices,
          source: "the prices given to the Action (price-vcpu-hour, price-gib-hour)",
        }
      : undefined,
  );
  const outcome = await generateReport({
    resultsDirs: current.artifacts.map((a) => a.dir),
    ...(baseline.found ? { baselineDir: baseline.dir, baselineLabel: baseline.description } : {}),
    outDir: reportDir,
    gate,
    cost,
    chartHost: inputs.chartHost ?? "none",
    shortUrls: false,
    force: false,
    extraSections: (analysis) => {
      const entry = history?.entryOf(
        analysis.scenarios,
        judged(analysis.comparison),
        analysis.capacity,
      );
      if (!history || !entry) return [];
      const trend = trendSection(trendInput(scenario.name, [...history.past, entry]));
      return trend ? [trend] : [];
    },
  });
  for (const problem of outcome.problems) warning(problem);
  const { verdict, regressed, head } = headline(outcome, baseline);

  const uploaded = await uploadArtifact({
    name: await unusedArtifactName(reportArtifactName(inputs.artifactPrefix, scenario.name)),
    dir: reportDir,
    extensions: REPORT_EXTENSIONS,
  });
  const fullReportUrl = artifactUrl(ctx, ctx.runId, uploaded.id);
  const markdown = await readFile(outcome.files.markdown, "utf8");
  // The comment: the verdict line first, what changed, the rest folded; what it must leave
  // out links the uploaded report.
  const compact = renderCompact(outcome.sections, outcome.images, {
    lead: head,
    fullReport: `in [the report artifact](${fullReportUrl}) (report.md, report.html)`,
  });
  await writeJobSummary(`${head}\n\n${markdown}`, { fullReportUrl });
  await postComment(inputs, ctx, gh, {
    scenario: scenario.name,
    verdict,
    pr,
    body: `${compact}\n[Full report and charts](${fullReportUrl}) · [run](${runUrl(ctx, ctx.runId)})`,
    fullReportUrl,
  });
  setActionOutputs({
    "results-dir": workDir,
    "report-dir": reportDir,
    verdict,
    "summary-json": outcome.files.summary,
    ...(await exportsBeside(inputs, current.artifacts, workDir, cost.prices)),
  });
  const entry = history?.entryOf(outcome.scenarios, judged(outcome.comparison), outcome.capacity);
  if (history && entry) {
    await writeHistory(gh, history.at, entry);
    await publishHistoryPage(inputs, ctx, join(workDir, "history-page"), [...history.past, entry]);
  }
  return { verdict, regressed };
}

/** The `export` input's formats written into `workDir/exports`: outputs `export-FORMAT`. */
async function exportsBeside(
  inputs: ActionInputs,
  artifacts: readonly { dir: string }[],
  workDir: string,
  prices: Prices,
): Promise<Record<string, string>> {
  if (inputs.exports.length === 0) return {};
  // At the report's prices, so the exported cost is the one the report shows.
  const { scenarios } = await readForExport(
    artifacts.map((a) => a.dir),
    {},
    prices,
  );
  const written = await writeExports(scenarios, inputs.exports, join(workDir, "exports"));
  for (const [format, path] of Object.entries(written)) info(`export ${format}: ${path}`);
  return Object.fromEntries(Object.entries(written).map(([f, path]) => [`export-${f}`, path]));
}

/**
 * The history page of this scenario, uploaded as an artifact (for repositories without
 * Pages) and named by the `history-page-dir` output (for a Pages deployment step). A page
 * that cannot be built is a warning: the report stands.
 */
async function publishHistoryPage(
  inputs: ActionInputs,
  ctx: WorkflowContext,
  dir: string,
  entries: HistoryEntry[],
): Promise<void> {
  try {
    const page = await writeHistoryPage(dir, entries);
    const uploaded = await uploadArtifact({
      name: await unusedArtifactName(
        historyPageArtifactName(inputs.artifactPrefix, entries[0]!.scenario),
      ),
      dir,
      extensions: HISTORY_PAGE_EXTENSIONS,
    });
    setActionOutputs({ "history-page-dir": dir });
    info(
      `history page: ${page.total} run(s), artifact ${uploaded.name} ${artifactUrl(ctx, ctx.runId, uploaded.id)}`,
    );
  } catch (error) {
    warning(`history page not published, the report is unaffected: ${(error as Error).message}`);
  }
}

/**
 * History is the default branch's over time: a workflow_dispatch run on another branch
 * (or a schedule in a fork's copy of the workflow on another branch) does not add to it.
 */
async function onDefaultBranch(gh: GitHubClient, ctx: WorkflowContext): Promise<boolean> {
  let branch = ctx.defaultBranch;
  if (!branch) {
    try {
      branch = (await gh.rest.repos.get({ owner: ctx.owner, repo: ctx.repo })).data.default_branch;
    } catch (error) {
      warning(
        `history left alone: the default branch could not be read (${(error as Error).message})`,
      );
      return false;
    }
  }
  if (ctx.ref === `refs/heads/${branch}`) return true;
  info(
    `history left alone: this run is on ${ctx.ref || "no ref"}, and only reports of the default branch (${branch}) are history`,
  );
  return false;
}

/** Earlier history lines; an unreadable branch is a warning, never a failed report. */
async function readPastHistory(gh: GitHubClient, at: HistoryLocation): Promise<HistoryEntry[]> {
  try {
    const { entries, problems } = await readHistory(gh, at);
    for (const p of problems) warning(`history ${p.file}: ${p.line}: ${p.message}`);
    return entries;
  } catch (error) {
    warning(
      `history ${at.branch} of ${at.scenario} could not be read (${(error as Error).message}); trends are left out`,
    );
    return [];
  }
}

function trendInput(scenario: string, entries: HistoryEntry[]): TrendInput {
  return {
    scenario,
    p99Ms: trendSeries(entries, scenario, (m) => m.latencyUs.p99 / 1000),
    dataPlaneMiB: trendSeries(entries, scenario, (m) =>
      m.dataPlaneMemoryBytes == null ? null : m.dataPlaneMemoryBytes / 2 ** 20,
    ),
  };
}
