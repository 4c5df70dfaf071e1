// Baseline lookup against the fake GitHub: runs paged newest first, only trusted
// successful runs of the same workflow on the default branch, expired artifacts skipped
// and said so, and "none found" as a reason rather than an error.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WorkflowContext } from "../../src/github/context.ts";
import {
  type FakeGitHub,
  type FakeRun,
  startFakeGitHub,
  zip,
} from "../helpers/fake-github/index.ts";
import { captureStdout, endJob, type GitHubJob, startJob } from "../helpers/github-env.ts";

type Baseline = typeof import("../../src/github/baseline.ts");

const TOKEN = "ghs_baseline_reader_0042";
let fake: FakeGitHub;
let current: FakeRun;
let lib: Baseline;
let job: GitHubJob;
let work: string;

const results = (mesh: string, p99: number) =>
  zip([{ name: `smoke/${mesh}/r1/run.json`, data: JSON.stringify({ mesh, p99 }), deflate: true }]);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.addInstallationToken(TOKEN);
  current = fake.state.addRun({
    event: "pull_request",
    headBranch: "bump",
    status: "in_progress",
    conclusion: null,
  });
  job = await startJob(fake, current);
  lib = await import("../../src/github/baseline.ts");
  work = await mkdtemp(join(tmpdir(), "meshbench-baseline-"));
});
afterAll(() => endJob(fake));
beforeEach(() => {
  fake.state.runs.splice(0, fake.state.runs.length, current);
  fake.state.artifacts.length = 0;
});

function ctx(over: Partial<WorkflowContext> = {}): WorkflowContext {
  return { ...job.context.readRunContext(process.env), defaultBranch: "main", ...over };
}
async function find(
  spec: Parameters<Baseline["findBaseline"]>[0] = { kind: "auto" },
  over: Partial<WorkflowContext> = {},
  workflow?: string,
) {
  const out = captureStdout();
  try {
    return await lib.findBaseline(spec, {
      gh: job.client.createGitHubClient(TOKEN, { apiUrl: fake.url }),
      token: TOKEN,
      ctx: ctx(over),
      prefix: "meshbench",
      scenario: "smoke",
      into: await mkdtemp(join(work, "b-")),
      ...(workflow ? { workflow } : {}),
    });
  } finally {
    out.stop();
  }
}

describe("baseline: auto", () => {
  it("takes the newest successful, trusted run of this workflow on main that still has the artifacts", async () => {
    const s = fake.state;
    const older = s.addRun({ createdAt: hoursAgo(50) });
    s.addArtifact(older.id, "meshbench-smoke-istio", results("istio", 1));
    const chosen = s.addRun({ createdAt: hoursAgo(40) });
    s.addArtifact(chosen.id, "meshbench-smoke-istio", results("istio", 2));
    s.addArtifact(chosen.id, "meshbench-smoke-linkerd", results("linkerd", 2));
    s.addArtifact(chosen.id, "meshbench-report-smoke", zip([{ name: "report.md", data: "#" }]));
    const otherScenario = s.addRun({ createdAt: hoursAgo(30) });
    s.addArtifact(otherScenario.id, "meshbench-soak-istio", results("istio", 3));
    const expired = s.addRun({ createdAt: hoursAgo(20) });
    s.addArtifact(expired.id, "meshbench-smoke-istio", results("istio", 4), { expired: true });
    const failed = s.addRun({ createdAt: hoursAgo(10), conclusion: "failure" });
    s.addArtifact(failed.id, "meshbench-smoke-istio", results("istio", 5));
    // A fork's PR from its own "main" branch is on branch "main" too: never a baseline.
    const forkMain = s.addRun({
      createdAt: hoursAgo(5),
      event: "pull_request",
      headRepo: "mallory/shop",
    });
    s.addArtifact(forkMain.id, "meshbench-smoke-istio", results("istio", 666));
    const otherWorkflow = s.addRun({
      createdAt: hoursAgo(1),
      workflowId: 999,
      workflowPath: ".github/workflows/x.yml",
    });
    s.addArtifact(otherWorkflow.id, "meshbench-smoke-istio", results("istio", 7));

    const found = await find();
    if (!found.found) throw new Error(found.reason);
    expect(found.run?.id).toBe(chosen.id);
    expect(found.description).toMatch(
      new RegExp(`^run ${chosen.id} \\([0-9a-f]{7}, \\d{4}-\\d\\d-\\d\\d\\) on main$`),
    );
    expect(found.artifacts.map((a) => a.name)).toEqual([
      "meshbench-smoke-istio",
      "meshbench-smoke-linkerd",
    ]);
    expect(found.notes).toEqual(["1 newer run(s) skipped: their artifacts expired"]);
    const runJson = await readFile(
      join(found.dir, "meshbench-smoke-istio/smoke/istio/r1/run.json"),
      "utf8",
    );
    expect(JSON.parse(runJson)).toEqual({ mesh: "istio", p99: 2 });
  });

  it("pages through the runs (50 a page) to an older one", async () => {
    const base = fake.state.addRun({ createdAt: hoursAgo(200) });
    fake.state.addArtifact(base.id, "meshbench-smoke-bare", results("bare", 1));
    for (let i = 0; i < 60; i++) fake.state.addRun({ createdAt: hoursAgo(100 - i) });
    const found = await find();
    expect(found).toMatchObject({ found: true, run: { id: base.id } });
    const pages = fake.requests.filter(
      (r) => r.path.endsWith("/runs") && r.path.includes("/workflows/"),
    );
    expect(pages.at(-1)?.query).toContain("page=2");
  });

  it("gives a reason, not an error, when every candidate's artifacts expired", async () => {
    const run = fake.state.addRun({ createdAt: hoursAgo(24 * 100) });
    fake.state.addArtifact(run.id, "meshbench-smoke-istio", results("istio", 1), { expired: true });
    const found = await find();
    expect(found.found).toBe(false);
    expect(found.found ? "" : found.reason).toMatch(
      /no successful run of this workflow on main has meshbench-smoke-\* artifacts \(looked at 1 run; 1 had only expired artifacts — artifacts are kept 90 days by default/,
    );
  });

  it("looks in the triggering workflow's runs when reporting from workflow_run", async () => {
    const run = fake.state.addRun({
      workflowId: 4242,
      workflowPath: ".github/workflows/bench-pr.yml",
    });
    fake.state.addArtifact(run.id, "meshbench-smoke-istio", results("istio", 1));
    const wr = {
      id: current.id,
      workflowId: 4242,
      event: "pull_request",
      conclusion: "success",
      headSha: "a".repeat(40),
      headBranch: "bump",
      headRepo: "mallory/shop",
      pullRequests: [],
    };
    const found = await find(
      { kind: "auto" },
      { eventName: "workflow_run", runId: 1, workflowRun: wr },
    );
    expect(found).toMatchObject({ found: true, run: { id: run.id } });
  });

  it("looks in another workflow's runs when one is named (a weekly run keeps the baseline fresh)", async () => {
    const own = fake.state.addRun({ createdAt: hoursAgo(24 * 100) });
    fake.state.addArtifact(own.id, "meshbench-smoke-istio", results("istio", 1), { expired: true });
    const weekly = fake.state.addRun({
      createdAt: hoursAgo(24 * 3),
      event: "schedule",
      workflowId: 5151,
      workflowPath: ".github/workflows/weekly.yml",
    });
    fake.state.addArtifact(weekly.id, "meshbench-smoke-istio", results("istio", 2));
    expect(await find()).toMatchObject({ found: false });
    expect(await find({ kind: "auto" }, {}, "weekly.yml")).toMatchObject({
      found: true,
      run: { id: weekly.id, event: "schedule" },
    });
    expect(await find({ kind: "auto" }, {}, "5151")).toMatchObject({ found: true });
    const missing = await find({ kind: "auto" }, {}, "nightly.yml");
    expect(missing.found ? "" : missing.reason).toMatch(
      /no workflow nightly\.yml in acme\/shop .*baseline-workflow takes a file name/,
    );
  });

  it("skips a run that only has another scenario's artifacts whose names start alike", async () => {
    const older = fake.state.addRun({ createdAt: hoursAgo(30) });
    fake.state.addArtifact(
      older.id,
      "meshbench-smoke-bare",
      zip([{ name: "bare/r1/run.json", data: JSON.stringify({ scenario: "smoke", p99: 1 }) }]),
    );
    const bigOnly = fake.state.addRun({ createdAt: hoursAgo(2) });
    fake.state.addArtifact(
      bigOnly.id,
      "meshbench-smoke-big-bare",
      zip([{ name: "bare/r1/run.json", data: JSON.stringify({ scenario: "smoke-big", p99: 9 }) }]),
    );
    const found = await find();
    expect(found).toMatchObject({ found: true, run: { id: older.id } });
    expect(found.notes).toEqual([
      `run ${bigOnly.id}: artifact meshbench-smoke-big-bare left out: its runs are of scenario "smoke-big", not "smoke" (only the artifact names start alike)`,
    ]);
  });

  it("reports a token that cannot read Actions as the reason", async () => {
    fake.state.tokens.get(TOKEN)!.permissions.actions = "none";
    try {
      const found = await find();
      expect(found.found ? "" : found.reason).toMatch(
        /Resource not accessible by integration.*actions: read/,
      );
    } finally {
      fake.state.tokens.get(TOKEN)!.permissions.actions = "write";
    }
  });
});

describe("baseline: none and a path", () => {
  it("none is no baseline, by choice", async () => {
    expect(await find({ kind: "none" })).toEqual({
      found: false,
      reason: "baseline: none",
      notes: [],
    });
  });

  it("a path must be a directory", async () => {
    expect(await find({ kind: "path", path: work })).toMatchObject({ found: true, dir: work });
    const missing = await find({ kind: "path", path: join(work, "nope") });
    expect(missing.found ? "" : missing.reason).toMatch(/nope is not a directory/);
  });
});
