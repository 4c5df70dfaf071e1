// Download every artifact of a run whose name passes `select`: this run's through the
// runtime token, another run's (a baseline, or the PR run a `workflow_run` workflow
// reports on) through the REST API with a token (`actions: read`). Downloads are
// untrusted data: the zip is fetched as a file (never auto-extracted), size-checked and
// extracted by safe-zip.ts within one budget; a refused artifact is reported, not fatal.
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";
import { isResultsArtifact } from "./artifact-names.ts";
import { apiMessage, type GitHubClient, httpStatus } from "./client.ts";
import { resultsRunId, type WorkflowContext } from "./context.ts";
import { type ExtractLimits, extractEntries, listZip, UnsafeArchiveError } from "./safe-zip.ts";

export interface DownloadLimits extends ExtractLimits {
  /** Size of one artifact's zip as listed and as downloaded. */
  maxZipBytes: number;
  /** Artifacts taken from one run. */
  maxArtifacts: number;
  /** All the zips taken from one run together, as listed and as downloaded. */
  maxTotalBytes: number;
  /** All the artifacts of one run together, once extracted: bytes and entries. */
  maxTotalExtractedBytes: number;
  maxTotalEntries: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  maxZipBytes: 200 * MiB,
  maxExtractedBytes: 1024 * MiB,
  maxEntries: 20_000,
  maxArtifacts: 500,
  maxTotalBytes: 2048 * MiB,
  maxTotalExtractedBytes: 2048 * MiB,
  maxTotalEntries: 100_000,
};

/** The results of one run are more than the download takes in all (the limits' totals). */
export class DownloadCapError extends Error {
  constructor(amount: number, cap: number, what: string, unit: "bytes" | "entries" = "bytes") {
    const capText =
      unit === "entries"
        ? `${cap}-entry`
        : `${formatBytes(cap)}${formatBytes(cap).endsWith("-byte") ? "" : ` (${cap}-byte)`}`;
    super(
      `${what} add up to ${amount} ${unit}, over the ${capText} total that one report downloads: ` +
        "a results artifact holds run.json and .hlog files, usually a few MiB; check that results-dir holds only meshbench results, or split the scenario",
    );
    this.name = "DownloadCapError";
  }
}

const formatBytes = (n: number) =>
  n >= 1024 * MiB && n % (1024 * MiB) === 0
    ? `${n / (1024 * MiB)} GiB`
    : n >= MiB && n % MiB === 0
      ? `${n / MiB} MiB`
      : `${n}-byte`;

/** Another run's artifacts, read through the REST API. */
export interface OtherRun {
  gh: GitHubClient;
  /** The token `gh` was made with; @actions/artifact needs it too (`actions: read`). */
  token: string;
  owner: string;
  repo: string;
  runId: number;
}

export interface ListedArtifact {
  id: number;
  name: string;
  size: number;
  expired: boolean;
}

export interface DownloadedArtifact {
  id: number;
  name: string;
  /** Size of its zip as downloaded. */
  zipBytes: number;
  /** Where its files are: `<into>/<name>/`. */
  dir: string;
  files: string[];
}

export interface DownloadResult {
  artifacts: DownloadedArtifact[];
  /** Artifacts not taken, with why (expired, too large, unsafe archive). */
  refused: { name: string; reason: string }[];
}

export interface DownloadOptions {
  into: string;
  select: (name: string) => boolean;
  /** Omitted: this workflow run's artifacts. */
  from?: OtherRun;
  limits?: Partial<DownloadLimits>;
}

/** Artifacts of another run, expired ones included (they are listed with `expired: true`). */
export async function listRunArtifacts(run: OtherRun): Promise<ListedArtifact[]> {
  try {
    const all = await run.gh.paginate(run.gh.rest.actions.listWorkflowRunArtifacts, {
      owner: run.owner,
      repo: run.repo,
      run_id: run.runId,
      per_page: 100,
    });
    return all.map((a) => ({ id: a.id, name: a.name, size: a.size_in_bytes, expired: a.expired }));
  } catch (error) {
    throw new Error(readRunError(run, error), { cause: error });
  }
}

function readRunError(run: OtherRun, error: unknown): string {
  const status = httpStatus(error);
  const hint =
    status === 403 || status === 404
      ? "; the token needs `actions: read` on this repository (add it to the job's permissions)"
      : "";
  return `could not list the artifacts of run ${run.runId} in ${run.owner}/${run.repo}: ${apiMessage(error)}${hint}`;
}

export async function downloadArtifacts(options: DownloadOptions): Promise<DownloadResult> {
  const limits = { ...DEFAULT_DOWNLOAD_LIMITS, ...options.limits };
  const client = new DefaultArtifactClient();
  const { from } = options;
  const listed: ListedArtifact[] = from
    ? await listRunArtifacts(from)
    : (await client.listArtifacts({ latest: true })).artifacts.map((a) => ({
        id: a.id,
        name: a.name,
        size: a.size,
        expired: false,
      }));
  const refused: DownloadResult["refused"] = [];
  const wanted = listed
    .filter((a) => options.select(a.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (wanted.length > limits.maxArtifacts) {
    for (const a of wanted.splice(limits.maxArtifacts)) {
      refused.push({ name: a.name, reason: `more than ${limits.maxArtifacts} artifacts` });
    }
  }
  const source = from ? `the artifacts of run ${from.runId}` : "this run's artifacts";
  // Checked before anything is fetched, from the sizes listed; then again as downloaded.
  const listedTotal = wanted.filter((a) => !a.expired).reduce((sum, a) => sum + a.size, 0);
  if (listedTotal > limits.maxTotalBytes)
    throw new DownloadCapError(listedTotal, limits.maxTotalBytes, `${source} (as listed)`);
  await mkdir(options.into, { recursive: true });
  const artifacts: DownloadedArtifact[] = [];
  let downloaded = 0;
  const extracted = { bytes: 0, entries: 0, source };
  for (const a of wanted) {
    const reason = await downloadOne(client, a, options.into, limits, from, extracted).then(
      (got) => {
        artifacts.push(got);
        downloaded += got.zipBytes;
        if (downloaded > limits.maxTotalBytes)
          throw new DownloadCapError(downloaded, limits.maxTotalBytes, `${source} (as downloaded)`);
        return undefined;
      },
      (error: unknown) => {
        if (error instanceof UnsafeArchiveError || error instanceof RefusedArtifact)
          return error.message;
        throw error;
      },
    );
    if (reason) {
      core.warning(`artifact "${a.name}" was not used: ${reason}`);
      refused.push({ name: a.name, reason });
    }
  }
  return { artifacts, refused };
}

class RefusedArtifact extends Error {}

async function downloadOne(
  client: DefaultArtifactClient,
  a: ListedArtifact,
  into: string,
  limits: DownloadLimits,
  from: OtherRun | undefined,
  /** What the artifacts before this one extracted (added to once this one is admitted). */
  extracted: { bytes: number; entries: number; source: string },
): Promise<DownloadedArtifact> {
  // The name comes from the other run's uploader: it becomes a directory, so it must be one
  // segment.
  if (!a.name || a.name === "." || a.name === ".." || /[\\/\0]/.test(a.name)) {
    throw new RefusedArtifact(`its name ${JSON.stringify(a.name)} is not a safe directory name`);
  }
  if (a.expired)
    throw new RefusedArtifact(
      "it has expired (artifacts are kept 90 days unless retention-days says otherwise)",
    );
  if (a.size > limits.maxZipBytes) {
    throw new RefusedArtifact(`its ${a.size} bytes exceed the ${limits.maxZipBytes}-byte limit`);
  }
  const scratch = await mkdtemp(join(into, ".download-"));
  try {
    await client.downloadArtifact(a.id, {
      path: scratch,
      skipDecompress: true,
      ...(from
        ? {
            findBy: {
              token: from.token,
              workflowRunId: from.runId,
              repositoryOwner: from.owner,
              repositoryName: from.repo,
            },
          }
        : {}),
    });
    const [zipName] = await readdir(scratch);
    if (!zipName) throw new RefusedArtifact("the download produced no file");
    const zipPath = join(scratch, zipName);
    const { size } = await stat(zipPath);
    if (size > limits.maxZipBytes)
      throw new RefusedArtifact(`its ${size} bytes exceed the ${limits.maxZipBytes}-byte limit`);
    const dir = join(into, a.name);
    if (await lstat(dir).catch(() => undefined)) throw new RefusedArtifact(`${dir} already exists`);
    const zip = await readFile(zipPath);
    const entries = listZip(zip, limits);
    // The budget across all artifacts, from the sizes listed (extraction holds each entry
    // to its listed size): like the download total, more fails the step.
    const bytes = extracted.bytes + entries.reduce((sum, e) => sum + e.size, 0);
    const count = extracted.entries + entries.length;
    const what = `${extracted.source} (extracted)`;
    if (bytes > limits.maxTotalExtractedBytes)
      throw new DownloadCapError(bytes, limits.maxTotalExtractedBytes, what);
    if (count > limits.maxTotalEntries)
      throw new DownloadCapError(count, limits.maxTotalEntries, what, "entries");
    const files = await extractEntries(zip, entries, dir);
    extracted.bytes = bytes;
    extracted.entries = count;
    return { id: a.id, name: a.name, zipBytes: size, dir, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Scenario names the run.json files of a downloaded artifact state (unreadable ones state none).
 */
async function scenariosIn(a: DownloadedArtifact): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of a.files) {
    if (basename(file) !== "run.json") continue;
    try {
      const run = JSON.parse(await readFile(join(a.dir, file), "utf8")) as { scenario?: unknown };
      if (typeof run?.scenario === "string") names.add(run.scenario);
    } catch {
      // Not JSON: the report's reader names the file and skips it.
    }
  }
  return names;
}

export interface ScenarioDownload extends DownloadResult {
  /** Artifacts whose name matched but whose runs are another scenario's, with why. */
  leftOut: { name: string; reason: string }[];
}

/**
 * Keeps the artifacts whose runs are of `scenario`, and removes the others from disk: those
 * whose run.json files all name another scenario (reporting `smoke`, the artifacts of
 * `smoke-big` match the name `<prefix>-smoke-*` too). An artifact whose runs name no
 * scenario at all is kept, for the report's reader to validate and report.
 */
export async function onlyScenario(
  got: DownloadResult,
  scenario: string,
): Promise<ScenarioDownload> {
  const artifacts: DownloadedArtifact[] = [];
  const leftOut: ScenarioDownload["leftOut"] = [];
  for (const a of got.artifacts) {
    const names = await scenariosIn(a);
    if (names.size === 0 || names.has(scenario)) {
      artifacts.push(a);
      continue;
    }
    await rm(a.dir, { recursive: true, force: true });
    // Names come from untrusted files: quoted (no line breaks) and cut short.
    const theirs = [...names].map((n) => JSON.stringify(n.slice(0, 80))).join(", ");
    leftOut.push({
      name: a.name,
      reason: `its runs are of scenario ${theirs}, not "${scenario}" (only the artifact names start alike)`,
    });
  }
  return { ...got, artifacts, leftOut };
}

/**
 * The results artifacts `command: report` works on: this run's, or — in a `workflow_run`
 * workflow (the fork-safe pattern) — the triggering run's, read with the token.
 */
export async function downloadRunResults(options: {
  ctx: WorkflowContext;
  gh: GitHubClient;
  token: string;
  prefix: string;
  scenario?: string;
  into: string;
  limits?: Partial<DownloadLimits>;
}): Promise<ScenarioDownload & { runId: number }> {
  const { ctx, prefix, scenario } = options;
  const runId = resultsRunId(ctx);
  const from =
    runId === ctx.runId
      ? undefined
      : { gh: options.gh, token: options.token, owner: ctx.owner, repo: ctx.repo, runId };
  const result = await downloadArtifacts({
    into: options.into,
    select: (name) => isResultsArtifact(name, prefix, scenario),
    ...(from ? { from } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const kept = scenario ? await onlyScenario(result, scenario) : { ...result, leftOut: [] };
  return { ...kept, runId };
}
