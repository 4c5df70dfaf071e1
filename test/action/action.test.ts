// The bundled Action run the way a runner runs it: `node dist/action.js` (and post.js)
// with INPUT_* variables, the event payload, the runner's files, and the GitHub API and
// artifact service of a fake GitHub on 127.0.0.1 that the real Octokit and
// @actions/artifact talk to. The job summary and the PR comment are golden files:
// after a deliberate change, UPDATE_GOLDEN=1 npx vitest run test/action/action.test.ts.
import { spawn } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeRun } from "../../src/results/run-file.ts";
import { exampleRuns } from "../helpers/example.ts";
import {
  ALL_WRITE,
  type FakeGitHub,
  type FakeRun,
  startFakeGitHub,
  zip,
} from "../helpers/fake-github/index.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { type RunnerFiles, runnerFiles } from "../helpers/github-env.ts";
import { runProcess } from "../helpers/process.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  spreadHistogram,
} from "../helpers/runs.ts";

const DIST = new URL("../../dist/", import.meta.url).pathname;
const GOLDEN = join(import.meta.dirname, "../golden");
const TOKEN = "ghs_fakeInstallationToken0123456789abcdef";

async function golden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, actual);
  expect(actual).toBe(await readFile(path, "utf8"));
}

interface Step {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runStep(
  script: "action.js" | "post.js",
  env: Record<string, string>,
  cwd: string,
): Promise<Step> {
  return runProcess(process.execPath, [join(DIST, script)], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
}

/** The results of `exampleRuns` as the matrix jobs upload them: one artifact per mesh. */
function resultArtifacts(fake: FakeGitHub, run: FakeRun, candidate: boolean): void {
  const byMesh = new Map<string, { name: string; data: string }[]>();
  for (const { path, run: result } of exampleRuns(candidate)) {
    const inside = path.replace(/^results\/smoke\//, "");
    const list = byMesh.get(result.mesh.name) ?? [];
    list.push({ name: inside, data: serializeRun(result) });
    byMesh.set(result.mesh.name, list);
  }
  for (const [mesh, files] of byMesh)
    fake.state.addArtifact(run.id, `meshbench-smoke-${mesh}`, zip(files));
}

interface Job {
  runner: RunnerFiles;
  workspace: string;
  env: Record<string, string>;
}

async function job(
  fake: FakeGitHub,
  run: FakeRun,
  inputs: Record<string, string>,
  event: object,
): Promise<Job> {
  const runner = await runnerFiles();
  const workspace = runner.env.GITHUB_WORKSPACE!;
  await mkdir(workspace, { recursive: true });
  await mkdir(runner.env.RUNNER_TEMP!, { recursive: true });
  await writeFile(
    join(workspace, "smoke.yaml"),
    "name: smoke\nplatform: local\nmeshes: [bare, linkerd, istio]\n",
  );
  const eventPath = join(runner.dir, "event.json");
  await writeFile(eventPath, JSON.stringify({ repository: { default_branch: "main" }, ...event }));
  const env: Record<string, string> = {
    ...fake.jobEnv(run),
    ...runner.env,
    GITHUB_EVENT_NAME: run.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: `refs/heads/${run.headBranch}`,
    "INPUT_GITHUB-TOKEN": TOKEN,
    INPUT_SCENARIO: "smoke.yaml",
    "INPUT_CHART-HOST": "none",
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return { runner, workspace, env };
}

/** A push job running `command: run` of a bare scenario on the fake cluster `kube`. */
async function kubeJob(fake: FakeGitHub, kube: FakeKube, sections: string): Promise<Job> {
  const run = fake.state.addRun({ event: "push", status: "in_progress", conclusion: null });
  const j = await job(
    fake,
    run,
    { command: "run", provider: "kubeconfig", kubeconfig: kube.kubeconfig },
    {},
  );
  await writeFile(
    join(j.workspace, "smoke.yaml"),
    `name: kube-smoke\nplatform: kubernetes\nmeshes: [bare]\nrepetitions: 1\n${sections}\n`,
  );
  return j;
}

/** `name<<delimiter\nvalue\ndelimiter` blocks of GITHUB_OUTPUT. */
function outputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(.+?)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
    out[m[1]!] = m[3]!;
  return out;
}

/** A fake GitHub that knows the installation token the jobs use. */
async function fakeGitHubWithToken(): Promise<FakeGitHub> {
  const fake = await startFakeGitHub();
  fake.state.addInstallationToken(TOKEN);
  return fake;
}

describe("the Action, command: report", () => {
  let fake: FakeGitHub;
  let current: FakeRun;
  let pullRequestEvent: object;
  beforeEach(async () => {
    fake = await fakeGitHubWithToken();
    fake.state.now = () => new Date("2026-11-20T10:00:00Z");
    const baseline = fake.state.addRun({ createdAt: "2026-11-19T08:00:00Z" });
    resultArtifacts(fake, baseline, false);
    current = fake.state.addRun({
      event: "pull_request",
      headBranch: "bump-istio",
      status: "in_progress",
      conclusion: null,
    });
    resultArtifacts(fake, current, true);
    fake.state.addPull({ number: 7, headSha: current.headSha, headRef: "bump-istio" });
    pullRequestEvent = {
      pull_request: {
        number: 7,
        head: { sha: current.headSha, repo: { full_name: "acme/shop" } },
        base: { ref: "main" },
      },
    };
  });
  afterEach(() => fake.close());

  it("reports a regression: summary, one sticky comment (created, then updated in place), outputs, a failed step", async () => {
    const first = await job(fake, current, { command: "report" }, pullRequestEvent);
    const r1 = await runStep("action.js", first.env, first.workspace);
    expect(r1.stdout).toContain("::error::regressed: istio 1.25.0");
    expect(r1.code).toBe(1); // fail-on-regression defaults to true
    const out = outputs(await first.runner.read("output"));
    expect(out.verdict).toBe("regressed");
    // Each report step works in a directory of its own under results-dir.
    expect(out["summary-json"]).toBe(
      join("meshbench-results", "report-smoke", "report", "summary.json"),
    );
    expect(out["report-dir"]).toBe(join(out["results-dir"]!, "report"));
    expect(
      JSON.parse(await readFile(join(first.workspace, out["summary-json"]!), "utf8")),
    ).toBeTruthy();

    const comments = fake.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    await golden("action-comment.md", comments[0]!.body);
    await golden("action-summary.md", await first.runner.read("summary"));
    // The report itself went up as an artifact, and the comment links to it.
    const report = fake.state
      .runArtifacts(current.id)
      .find((a) => a.name === "meshbench-report-smoke");
    expect(report?.finalized).toBe(true);
    expect(comments[0]!.body).toContain(`/actions/runs/${current.id}/artifacts/${report!.id}`);

    // A re-run attempt after a newer run on main: another baseline, so another body,
    // written into the same comment.
    const firstBody = comments[0]!.body;
    const newer = fake.state.addRun({ createdAt: "2026-11-19T20:00:00Z" });
    resultArtifacts(fake, newer, false);
    const again = await job(
      fake,
      { ...current, runAttempt: 2 },
      { command: "report", "fail-on-regression": "false" },
      pullRequestEvent,
    );
    const r2 = await runStep("action.js", again.env, again.workspace);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/PR #7 comment: updated /);
    const after = fake.state.commentsOn(7);
    expect(after.map((c) => c.id)).toEqual([comments[0]!.id]);
    expect(after[0]!.body).not.toBe(firstBody);
    expect(after[0]!.body).toContain(`run ${newer.id} (`);
    for (const text of [r1.stdout, r1.stderr, r2.stdout, await first.runner.read("summary")]) {
      expect(
        text.split("\n").filter((l) => !l.startsWith("::add-mask::") && l.includes(TOKEN)),
      ).toEqual([]);
    }
  }, 60_000);

  it("keeps one comment for a GitHub App installation token when comment-author names its bot", async () => {
    // An App's token (actions/create-github-app-token) cannot call GET /user either, and
    // its comments are by <slug>[bot], not github-actions[bot].
    const APP = "ghs_appInstallationToken0123456789abc";
    fake.state.tokens.set(APP, {
      kind: "installation",
      user: { login: "bench-app[bot]", id: 99_001, type: "Bot" },
      permissions: { ...ALL_WRITE },
    });
    const inputs = {
      command: "report",
      "github-token": APP,
      "comment-author": "bench-app[bot]",
      "fail-on-regression": "false",
    };
    const first = await job(fake, current, inputs, pullRequestEvent);
    expect((await runStep("action.js", first.env, first.workspace)).code).toBe(0);
    const [created] = fake.state.commentsOn(7);
    expect(created?.user.login).toBe("bench-app[bot]");
    // The next run reports against another baseline, so the body differs and is written.
    const newer = fake.state.addRun({ createdAt: "2026-11-19T20:00:00Z" });
    resultArtifacts(fake, newer, true);
    const second = await job(fake, { ...current, runAttempt: 2 }, inputs, pullRequestEvent);
    const r2 = await runStep("action.js", second.env, second.workspace);
    expect(r2.stdout).toMatch(/PR #7 comment: updated /);
    expect(fake.state.commentsOn(7).map((c) => c.id)).toEqual([created!.id]);
    expect(fake.state.commentsOn(7)[0]!.body).toContain(`run ${newer.id}`);
  }, 60_000);

  it("reports a fork's pull request from workflow_run: the triggering run's artifacts, the PR found by head SHA", async () => {
    // The fork's pull_request run measured and uploaded; its branch is the fork's "main".
    const forkRun = fake.state.addRun({
      event: "pull_request",
      headBranch: "main",
      headRepo: "mallory/shop",
    });
    resultArtifacts(fake, forkRun, true);
    fake.state.addPull({
      number: 8,
      headSha: forkRun.headSha,
      headRef: "main",
      headRepo: "mallory/shop",
    });
    // The default branch's report workflow, triggered by that run's completion.
    const reportRun = fake.state.addRun({
      event: "workflow_run",
      workflowId: 777,
      workflowPath: ".github/workflows/report.yml",
      status: "in_progress",
      conclusion: null,
    });
    const j = await job(
      fake,
      reportRun,
      { command: "report", "fail-on-regression": "false" },
      {
        workflow_run: {
          id: forkRun.id,
          workflow_id: forkRun.workflowId,
          event: "pull_request",
          conclusion: "success",
          head_sha: forkRun.headSha,
          head_branch: "main",
          head_repository: { full_name: "mallory/shop" },
          pull_requests: [], // GitHub leaves fork PRs out
        },
      },
    );
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "results: meshbench-smoke-bare, meshbench-smoke-istio, meshbench-smoke-linkerd",
    );
    expect(outputs(await j.runner.read("output")).verdict).toBe("regressed");
    // The fork's own "main" run is never its baseline: the push run on main is.
    expect(r.stdout).toMatch(/PR #8 comment: created /);
    const [comment] = fake.state.commentsOn(8);
    expect(comment?.user.login).toBe("github-actions[bot]");
    expect(comment!.body).toContain("**meshbench: regressed**");
    expect(comment!.body).not.toContain(`run ${forkRun.id} (`);
    expect(comment!.body).toContain(`/actions/runs/${reportRun.id})`);
    expect(fake.state.commentsOn(7)).toEqual([]);
    // The report went up as an artifact of the report run, not of the fork's run.
    expect(fake.state.runArtifacts(reportRun.id).map((a) => a.name)).toEqual([
      "meshbench-report-smoke",
    ]);
  }, 60_000);

  it("keeps a 20-mesh report's comment under GitHub's 65,536 characters", async () => {
    fake.state.artifacts.length = 0;
    const big = (run: FakeRun, candidate: boolean) => {
      for (let m = 0; m < 20; m++) {
        const name = m === 0 ? "bare" : `mesh-${String(m).padStart(2, "0")}`;
        const files = [];
        for (let r = 1; r <= 6; r++) {
          const lo = 500 + 40 * m + r;
          const load = loadResult({
            histogram: spreadHistogram(lo, (candidate && m % 3 === 1 ? 1.4 : 1) * 3 * lo, 2000),
          });
          const result = runResult({
            mesh: { name, version: candidate ? "2.0.0" : "1.0.0", variant: "a-long-variant-name" },
            repetition: r,
            load,
            resources: constantResources(meshContainers(1 + m / 10 + r / 1000, m > 0)),
            events: Array.from({ length: 5 }, (_, i) => ({
              atMs: Date.parse(load.startedAt) + i * 1000,
              kind: "restart" as const,
              container: `emojivoto/web-${i}/proxy-container-with-a-long-name`,
              detail: "OOMKilled after exceeding its memory limit of 128Mi",
            })),
          });
          files.push({ name: `${name}/r${r}/run.json`, data: serializeRun(result) });
        }
        fake.state.addArtifact(run.id, `meshbench-smoke-${name}`, zip(files));
      }
    };
    const baseline = fake.state.runs.find((r) => r.event === "push")!;
    big(baseline, false);
    big(current, true);
    const j = await job(
      fake,
      current,
      { command: "report", "fail-on-regression": "false" },
      pullRequestEvent,
    );
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.code).toBe(0);
    const reportDir = outputs(await j.runner.read("output"))["report-dir"]!;
    const full = await readFile(join(j.workspace, reportDir, "report.md"), "utf8");
    expect([...full].length).toBeGreaterThan(65_536); // the full report would not fit
    const [comment] = fake.state.commentsOn(7);
    expect([...comment!.body].length).toBeLessThanOrEqual(65_536);
    expect(comment!.body).toContain("**meshbench: regressed**");
    expect(comment!.body).toContain("| mesh-19 ");
  }, 120_000);

  it("says no-baseline, not an error, when no earlier run has results", async () => {
    fake.state.artifacts.splice(
      0,
      fake.state.artifacts.length,
      ...fake.state.runArtifacts(current.id),
    );
    const j = await job(fake, current, { command: "report" }, pullRequestEvent);
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.code).toBe(0);
    expect(outputs(await j.runner.read("output")).verdict).toBe("no-baseline");
    expect(fake.state.commentsOn(7)[0]!.body).toMatch(/meshbench: no baseline/);
  }, 60_000);

  it("writes the formats the export input lists and names each file in an output", async () => {
    const j = await job(
      fake,
      current,
      {
        command: "report",
        "fail-on-regression": "false",
        export: "bencher, hdr",
        "price-vcpu-hour": "1",
        "price-gib-hour": "0.5",
      },
      pullRequestEvent,
    );
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.code).toBe(0);
    const out = outputs(await j.runner.read("output"));
    expect(out["export-bencher"]).toBe(join(out["results-dir"]!, "exports", "bencher.json"));
    const bmf = JSON.parse(await readFile(join(j.workspace, out["export-bencher"]!), "utf8"));
    // This run's meshes (exampleRuns, candidate): istio's three completed runs among them.
    expect(Object.keys(bmf)).toEqual(["smoke/bare", "smoke/istio", "smoke/linkerd"]);
    expect(bmf["smoke/istio"]["p99-latency"].value).toBeGreaterThan(0);
    // The cost over bare at the prices the report used (the Action's inputs), not the default.
    const summary = JSON.parse(await readFile(join(j.workspace, out["summary-json"]!), "utf8"));
    const cost = summary.scenarios[0].cost;
    expect(cost.prices.vcpuHour).toBe(1);
    const reported = cost.meshes.find((m: { label: string }) => m.label === "istio 1.25.0");
    expect(
      bmf["smoke/istio"]["usd-per-million-requests"].value / reported.usdPerMillion,
    ).toBeCloseTo(1, 2);
    const hgrm = await readFile(
      join(j.workspace, out["export-hdr"]!, "smoke.istio_1.25.0.hgrm"),
      "utf8",
    );
    expect(hgrm).toMatch(/Total count\s+=\s+162000\]/);
  }, 60_000);

  it("runs a second report step in the same job beside the first: own directory, own artifact name", async () => {
    const j = await job(
      fake,
      current,
      { command: "report", "fail-on-regression": "false" },
      pullRequestEvent,
    );
    const first = await runStep("action.js", j.env, j.workspace);
    expect(first.code).toBe(0);
    const second = await runStep("action.js", j.env, j.workspace);
    expect(second.stdout).not.toMatch(/^::error::/m);
    expect(second.code).toBe(0);
    const dirs = [...(await j.runner.read("output")).matchAll(/^report-dir<<.*\n(.*)$/gm)].map(
      (m) => m[1],
    );
    expect(dirs).toHaveLength(2);
    expect(dirs[0]).not.toBe(dirs[1]);
    const reports = fake.state.runArtifacts(current.id).map((a) => a.name);
    expect(reports).toEqual(
      expect.arrayContaining(["meshbench-report-smoke", "meshbench-report-smoke-2"]),
    );
  }, 120_000);

  it("turns a 403 on commenting (a fork's read-only token) into a warning; the step passes unless gated", async () => {
    fake.state.tokens.clear();
    fake.state.addInstallationToken(TOKEN, { readOnly: true });
    const j = await job(
      fake,
      current,
      { command: "report", comment: "always", "fail-on-regression": "false" },
      pullRequestEvent,
    );
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.stdout).toMatch(/^::warning::.*(read-only|not accessible)/im);
    expect(r.code).toBe(0);
    expect(fake.state.commentsOn(7)).toHaveLength(0);
  }, 60_000);
});

describe("the Action, scheduled reports", () => {
  it("appends each report to the history branch and draws trends from it", async () => {
    const fake = await fakeGitHubWithToken();
    try {
      const reports: string[] = [];
      for (const day of ["2026-11-20", "2026-11-27"]) {
        fake.state.now = () => new Date(`${day}T06:00:00Z`);
        const run = fake.state.addRun({
          event: "schedule",
          status: "in_progress",
          conclusion: null,
        });
        resultArtifacts(fake, run, day === "2026-11-27");
        const j = await job(fake, run, { command: "report", baseline: "none" }, {});
        const r = await runStep("action.js", j.env, j.workspace);
        expect(r.stdout).not.toMatch(/^::error::/m);
        expect(r.stdout).toMatch(
          /history: appended to meshbench-history:history\/smoke\/2026\.jsonl/,
        );
        const out = outputs(await j.runner.read("output"));
        expect(
          await readFile(join(j.workspace, out["history-page-dir"]!, "index.html"), "utf8"),
        ).toContain("meshbench history");
        expect(fake.state.runArtifacts(run.id).map((a) => a.name)).toContain(
          "meshbench-history-page-smoke",
        );
        const dir = join(j.workspace, out["report-dir"]!);
        reports.push(
          (await readFile(join(dir, "report.md"), "utf8")) +
            (await readFile(join(dir, "report.html"), "utf8")),
        );
      }
      // One point is not a trend; the second report has two dates per mesh.
      expect(reports[0]).not.toContain("## Trends: smoke");
      expect(reports[1]).toContain("## Trends: smoke");
      expect(reports[1]).toContain("smoke: p99 latency per report");
    } finally {
      await fake.close();
    }
  }, 60_000);
});

describe("the Action, scheduled reports that do not write history", () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await fakeGitHubWithToken();
  });
  afterEach(() => fake.close());

  it("warns which permission is missing when the history cannot be written, and still sets the outputs", async () => {
    fake.state.tokens.get(TOKEN)!.permissions.contents = "read";
    const run = fake.state.addRun({ event: "schedule", status: "in_progress", conclusion: null });
    resultArtifacts(fake, run, false);
    const j = await job(fake, run, { command: "report", baseline: "none" }, {});
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^::warning::history not written, the report and outputs are unaffected: .*contents: write/m,
    );
    expect(outputs(await j.runner.read("output"))).toMatchObject({ verdict: "no-baseline" });
    expect(await j.runner.read("summary")).toMatch(
      /\*\*History not written\*\* to `meshbench-history`: .*contents: write/,
    );
    expect(fake.state.branches.has("meshbench-history")).toBe(false);
  }, 60_000);

  it("adds nothing to the history from a workflow_dispatch run on another branch", async () => {
    const run = fake.state.addRun({
      event: "workflow_dispatch",
      headBranch: "try-istio-1.26",
      status: "in_progress",
      conclusion: null,
    });
    resultArtifacts(fake, run, false);
    const j = await job(fake, run, { command: "report", baseline: "none" }, {});
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "history left alone: this run is on refs/heads/try-istio-1.26, and only reports of the default branch (main) are history",
    );
    expect(fake.state.branches.has("meshbench-history")).toBe(false);
    expect(fake.restWrites()).toEqual([]);
  }, 60_000);
});

describe("the Action, command: run, and post", () => {
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await fakeGitHubWithToken();
  });
  afterEach(() => fake.close());

  it("runs a local scenario, uploads its results as <prefix>-<scenario>-<mesh>, and writes the cell's summary", async () => {
    const run = fake.state.addRun({ event: "push", status: "in_progress", conclusion: null });
    const j = await job(fake, run, { command: "run", mesh: "bare", repetitions: "1" }, {});
    await writeFile(
      join(j.workspace, "smoke.yaml"),
      'name: smoke\nplatform: local\nmeshes: [bare, haproxy-sidecar]\nworkload: { app: emojivoto, instances: 1 }\nload: { rate: 50, duration: 3s, warmup: 1s, connections: 2, paths: ["/api/list"] }\n',
    );
    const r = await runStep("action.js", j.env, j.workspace);
    expect(r.stdout).not.toMatch(/^::error::/m);
    expect(r.code).toBe(0);
    const artifact = fake.state.runArtifacts(run.id).find((a) => a.name === "meshbench-smoke-bare");
    expect(artifact?.finalized).toBe(true);
    const summary = await j.runner.read("summary");
    expect(summary).toContain("| bare");
    expect(outputs(await j.runner.read("output"))["results-dir"]).toBe(
      join("meshbench-results", "smoke"),
    );
    const result = JSON.parse(
      await readFile(join(j.workspace, "meshbench-results/smoke/bare/r1/run.json"), "utf8"),
    );
    expect(Math.abs(result.load.achieved.requests - 100)).toBeLessThanOrEqual(1);
  }, 90_000);

  it("post removes the kubeconfig a failed main wrote", async () => {
    const run = fake.state.addRun({ event: "push", status: "in_progress", conclusion: null });
    const j = await job(
      fake,
      run,
      {
        command: "run",
        provider: "kubeconfig",
        kubeconfig:
          "apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: kube-secret-0123456789}}]\n",
        scenario: "missing.yaml",
      },
      {},
    );
    const main = await runStep("action.js", j.env, j.workspace);
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/^::error::meshbench: /m);
    expect(
      main.stdout
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::") && l.includes("kube-secret-0123456789")),
    ).toEqual([]);
    const state = outputs(await j.runner.read("state"))["meshbench-teardown"]!;
    const { kubeconfigPath } = JSON.parse(state) as { kubeconfigPath: string };
    expect((await stat(kubeconfigPath)).mode & 0o777).toBe(0o600);
    const post = await runStep(
      "post.js",
      { ...j.env, "STATE_meshbench-teardown": state },
      j.workspace,
    );
    expect(post.code).toBe(0);
    await expect(stat(kubeconfigPath)).rejects.toThrow(/ENOENT/);
  }, 30_000);

  it("post removes from a given cluster what a killed main left there, by the run's label", async () => {
    const kube = await startFakeKube({ readyAfterMs: 60_000 }); // the workload never gets ready
    try {
      const j = await kubeJob(
        fake,
        kube,
        "cluster: { provider: kubeconfig, timeouts: { deploy: 5m } }\nworkload: { app: emojivoto, instances: 2 }\nload: { rate: 10, duration: 60s, warmup: 1s, connections: 2, paths: [/api/list] }",
      );
      const child = spawn(process.execPath, [join(DIST, "action.js")], {
        cwd: j.workspace,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...j.env },
      });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      let gone = false;
      const exited = new Promise((resolve) => child.on("exit", resolve)).then(() => {
        gone = true;
      });
      const ours = () =>
        kube.store
          .list(resourceOf("namespaces"))
          .filter((n) => n.metadata.labels?.["meshbench.io/run-id"]?.startsWith("kube-smoke-"));
      const deadline = Date.now() + 30_000;
      while (ours().length < 2) {
        if (gone || Date.now() > deadline) throw new Error(`main never deployed:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Someone else's run on the same cluster (started later: main refuses leftovers),
      // which post must leave alone.
      kube.store.create(resourceOf("namespaces"), undefined, {
        metadata: {
          name: "other-run",
          labels: {
            "app.kubernetes.io/managed-by": "meshbench",
            "meshbench.io/run-id": "other-1-abc",
          },
        },
      });
      child.kill("SIGKILL"); // no finally, no signal handler: what a runner's hard stop does
      await exited;
      // The preflight passed before anything was deployed: its table is in the summary.
      const summary = await j.runner.read("summary");
      expect(summary).toContain("The preflight passed");
      expect(summary).not.toContain("❌");
      const runId = ours()[0]!.metadata.labels!["meshbench.io/run-id"]!;
      const state = outputs(await j.runner.read("state"))["meshbench-teardown"]!;
      expect(JSON.parse(state)).toMatchObject({ clusterRunIds: [runId] });

      const post = await runStep(
        "post.js",
        { ...j.env, "STATE_meshbench-teardown": state },
        j.workspace,
      );
      expect(post.stdout).not.toMatch(/^::error::/m);
      expect(post.code).toBe(0);
      expect(post.stdout).toContain(`run ${runId} was not cleaned up by main`);
      expect(ours()).toEqual([]);
      expect(kube.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
        "default",
        "kube-system",
        "other-run",
      ]);
      for (const n of kube.store.list(resourceOf("nodes")))
        expect(n.metadata.labels ?? {}).not.toHaveProperty("meshbench.io/loadgen");
      await expect(stat(JSON.parse(state).kubeconfigPath)).rejects.toThrow(/ENOENT/);
    } finally {
      await kube.close();
    }
  }, 60_000);

  it("puts a failing preflight's table in the job summary, creates nothing and fails the step", async () => {
    const kube = await startFakeKube({ metricsServer: false });
    try {
      const j = await kubeJob(
        fake,
        kube,
        "cluster: { provider: kubeconfig }\nworkload: { app: emojivoto, instances: 1 }\nload: { rate: 10, duration: 5s, warmup: 1s, connections: 2, paths: [/api/list] }",
      );
      const before = kube.snapshot();
      const main = await runStep("action.js", j.env, j.workspace);
      expect(main.code).toBe(1);
      expect(main.stdout).toMatch(/^::error::meshbench: the preflight failed \(metrics/m);
      const summary = await j.runner.read("summary");
      expect(summary).toContain("### meshbench preflight");
      expect(summary).toContain("The preflight **failed**");
      // One row per check: the failing metrics row with its fix, the others ok.
      const rows = summary.split("\n").filter((l) => /^\| (✅|⚠️|❌)/.test(l));
      const metrics = rows.find((r) => r.startsWith("| ❌ fail | metrics"));
      expect(metrics).toMatch(/metrics-server/);
      expect(rows.find((r) => r.includes("| cluster "))).toMatch(/^\| ✅ ok/);
      expect(rows.filter((r) => r.startsWith("| ❌"))).toHaveLength(1);
      expect(kube.snapshot()).toBe(before);
    } finally {
      await kube.close();
    }
  }, 60_000);

  it("post deletes the kind cluster main recorded, with the pinned kind on the PATH", async () => {
    const run = fake.state.addRun({ event: "push", status: "in_progress", conclusion: null });
    const j = await job(fake, run, { command: "run" }, {});
    const bin = join(j.runner.dir, "bin");
    await mkdir(bin);
    const log = join(j.runner.dir, "kind.log");
    await writeFile(
      join(bin, "kind"),
      `#!/bin/sh\necho "$*" >> ${log}\n[ "$1" = version ] && echo "kind v0.29.0 go1.24.2 linux/amd64"\nexit 0\n`,
      { mode: 0o755 },
    );
    const state = JSON.stringify({ kindCluster: "meshbench-smoke" });
    const post = await runStep(
      "post.js",
      { ...j.env, PATH: `${bin}:${process.env.PATH}`, "STATE_meshbench-teardown": state },
      j.workspace,
    );
    expect(post.stdout + post.stderr).not.toMatch(/^::error::/m);
    expect(post.code).toBe(0);
    expect(await readFile(log, "utf8")).toContain("delete cluster --name meshbench-smoke");
  }, 30_000);
});
