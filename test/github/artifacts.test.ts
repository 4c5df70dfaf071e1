// Artifacts through the real @actions/artifact against the fake artifact service and REST
// API: upload (block blob staging, finalize), download of this run's artifacts and of
// another run's (findBy), immutable names, and untrusted archives refused whole.
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeGitHub,
  type FakeRun,
  startFakeGitHub,
  type ZipEntry,
  zip,
} from "../helpers/fake-github/index.ts";
import { captureStdout, endJob, type GitHubJob, startJob } from "../helpers/github-env.ts";

type Artifacts = typeof import("../../src/github/artifacts.ts");
type DownloadLimits = import("../../src/github/artifacts.ts").DownloadLimits;

let fake: FakeGitHub;
let run: FakeRun;
let lib: Artifacts;
let job: GitHubJob;
let work: string;
const TOKEN = "ghs_artifact_reader_token_42";

/** Adds to run `runId` one artifact per name, each a zip of its entries. */
function addZips(runId: number, archives: Record<string, ZipEntry[]>): void {
  for (const [name, entries] of Object.entries(archives)) {
    fake.state.addArtifact(runId, name, zip(entries));
  }
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.addInstallationToken(TOKEN);
  run = fake.state.addRun({ status: "in_progress", conclusion: null });
  job = await startJob(fake, run);
  // After the environment: @actions/github reads GITHUB_API_URL when first imported.
  lib = await import("../../src/github/artifacts.ts");
  work = await mkdtemp(join(tmpdir(), "meshbench-artifacts-"));
});
afterAll(() => endJob(fake));

async function resultsDir(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "smoke/linkerd/r1"), { recursive: true });
  await writeFile(
    join(dir, "smoke/linkerd/r1/run.json"),
    JSON.stringify({ schema: "meshbench/run/v1", p99: 1234 }),
  );
  // Incompressible bytes, larger than a trivial file.
  const hlog = Buffer.alloc(300_000);
  for (let i = 0; i < hlog.length; i++) hlog[i] = (i * 2654435761) >>> 24;
  await writeFile(join(dir, "smoke/linkerd/r1/latency.hlog"), hlog);
  await writeFile(join(dir, "notes.txt"), "not a result file");
  return dir;
}

const quiet = <T>(fn: () => Promise<T>) => {
  const out = captureStdout();
  return fn().finally(() => out.stop());
};

describe("artifacts", () => {
  it("names artifacts <prefix>-<scenario>-<mesh> and refuses characters the service refuses", () => {
    expect(lib.resultsArtifactName("meshbench", "smoke", "linkerd")).toBe(
      "meshbench-smoke-linkerd",
    );
    expect(() => lib.resultsArtifactName("meshbench", "a/b", "linkerd")).toThrow(
      /scenario name "a\/b"/,
    );
    expect(lib.isResultsArtifact("meshbench-smoke-istio", "meshbench", "smoke")).toBe(true);
    expect(lib.isResultsArtifact("meshbench-report-smoke", "meshbench")).toBe(false);
    expect(lib.isResultsArtifact("other-smoke-istio", "meshbench")).toBe(false);
  });

  it("round-trips a results directory: upload, then download, gives identical files", async () => {
    const dir = await resultsDir("roundtrip");
    const up = await quiet(() =>
      lib.uploadArtifact({ name: "meshbench-smoke-linkerd", dir, retentionDays: 5 }),
    );
    expect(up.files).toEqual(["smoke/linkerd/r1/latency.hlog", "smoke/linkerd/r1/run.json"]);
    const stored = fake.state.artifacts.find((a) => a.name === "meshbench-smoke-linkerd")!;
    expect(stored.finalized).toBe(true);
    expect(up.id).toBe(stored.id);
    // retention-days reached the service as the expiry time.
    expect(Date.parse(stored.expiresAt) - Date.now()).toBeGreaterThan(4 * 86_400_000);
    expect(Date.parse(stored.expiresAt) - Date.now()).toBeLessThan(6 * 86_400_000);

    const into = join(work, "roundtrip-down");
    const got = await quiet(() =>
      lib.downloadArtifacts({
        into,
        select: (n) => lib.isResultsArtifact(n, "meshbench", "smoke"),
      }),
    );
    expect(got.refused).toEqual([]);
    expect(got.artifacts.map((a) => a.name)).toEqual(["meshbench-smoke-linkerd"]);
    const down = got.artifacts[0]!.dir;
    for (const f of up.files) {
      expect(await readFile(join(down, f))).toEqual(await readFile(join(dir, f)));
    }
    expect(await readdir(into)).toEqual(["meshbench-smoke-linkerd"]); // no scratch left behind
  });

  it("refuses a second upload of a name in the same run, saying how to fix it; overwrite replaces", async () => {
    const dir = await resultsDir("conflict");
    await quiet(() => lib.uploadArtifact({ name: "meshbench-smoke-istio", dir }));
    await expect(
      quiet(() => lib.uploadArtifact({ name: "meshbench-smoke-istio", dir })),
    ).rejects.toThrow(/already exists in this workflow run.*immutable.*own `mesh`/s);
    const again = await quiet(() =>
      lib.uploadArtifact({ name: "meshbench-smoke-istio", dir, overwrite: true }),
    );
    const named = fake.state.artifacts.filter((a) => a.name === "meshbench-smoke-istio");
    expect(named.map((a) => a.id)).toEqual([again.id]);
  });

  it("does not follow symlinks out of the results directory", async () => {
    const dir = await resultsDir("symlinks");
    await writeFile(join(work, "secret.json"), '{"token":"s3cr3t"}');
    await symlink(join(work, "secret.json"), join(dir, "leak.json"));
    const up = await quiet(() => lib.uploadArtifact({ name: "meshbench-smoke-symlinks", dir }));
    expect(up.files).not.toContain("leak.json");
  });

  it("says so when there is nothing to upload", async () => {
    const empty = join(work, "empty");
    await mkdir(empty, { recursive: true });
    await expect(lib.uploadArtifact({ name: "meshbench-smoke-none", dir: empty })).rejects.toThrow(
      /no files ending in \.json, \.hlog under .*results-dir/,
    );
  });

  describe("another run's artifacts (findBy)", () => {
    let other: FakeRun;
    const from = () => ({
      gh: job.client.createGitHubClient(TOKEN, { apiUrl: fake.url }),
      token: TOKEN,
      owner: fake.state.owner,
      repo: fake.state.repo,
      runId: other.id,
    });
    beforeAll(() => {
      other = fake.state.addRun({ event: "pull_request", headRepo: "mallory/shop" });
      addZips(other.id, {
        "meshbench-smoke-bare": [{ name: "smoke/bare/r1/run.json", data: "{}" }],
        "meshbench-smoke-traversal": [
          { name: "smoke/ok.json", data: "{}" },
          { name: "../../escaped.json", data: "pwned" },
        ],
        "meshbench-smoke-absolute": [{ name: "/tmp/abs.json", data: "x" }],
        "meshbench-smoke-link": [{ name: "l.json", data: "/etc/passwd", symlink: true }],
        "meshbench-smoke-bomb": [
          { name: "bomb.json", data: Buffer.alloc(5_000_000), deflate: true, claimedSize: 100 },
        ],
      });
      fake.state.addArtifact(
        other.id,
        "meshbench-smoke-old",
        zip([{ name: "a.json", data: "{}" }]),
        { expired: true },
      );
    });

    it("downloads the good ones and refuses, whole, every unsafe archive, writing nothing outside", async () => {
      const into = join(work, "untrusted", "in");
      const got = await quiet(() =>
        lib.downloadArtifacts({
          into,
          from: from(),
          select: (n) => lib.isResultsArtifact(n, "meshbench", "smoke"),
        }),
      );
      expect(got.artifacts.map((a) => a.name)).toEqual(["meshbench-smoke-bare"]);
      expect(
        await readFile(join(into, "meshbench-smoke-bare/smoke/bare/r1/run.json"), "utf8"),
      ).toBe("{}");
      const reasons = Object.fromEntries(got.refused.map((r) => [r.name, r.reason]));
      expect(reasons["meshbench-smoke-traversal"]).toMatch(
        /"\.\.\/\.\.\/escaped\.json" leaves the artifact's directory/,
      );
      expect(reasons["meshbench-smoke-absolute"]).toMatch(/absolute path/);
      expect(reasons["meshbench-smoke-link"]).toMatch(/symbolic links are not accepted/);
      expect(reasons["meshbench-smoke-bomb"]).toMatch(
        /inflates to more than its declared 100 bytes/,
      );
      expect(reasons["meshbench-smoke-old"]).toMatch(/expired.*90 days/);
      // Refused archives leave nothing: not even their good files.
      expect((await readdir(into)).sort()).toEqual(["meshbench-smoke-bare"]);
      expect(await readdir(join(work, "untrusted"))).toEqual(["in"]);
    });

    it("reports from workflow_run on the triggering run's artifacts", async () => {
      const ctx = {
        ...job.context.readRunContext(process.env),
        eventName: "workflow_run",
        workflowRun: {
          id: other.id,
          workflowId: other.workflowId,
          event: "pull_request",
          conclusion: "success",
          headSha: other.headSha,
          headBranch: "main",
          headRepo: "mallory/shop",
          pullRequests: [],
        },
      };
      const got = await quiet(() =>
        lib.downloadRunResults({
          ctx,
          gh: from().gh,
          token: TOKEN,
          prefix: "meshbench",
          scenario: "smoke",
          into: join(work, "workflow-run"),
        }),
      );
      expect(got.runId).toBe(other.id);
      expect(got.artifacts.map((a) => a.name)).toEqual(["meshbench-smoke-bare"]);
    });

    it("leaves out the artifacts of a scenario whose name only starts like this one's", async () => {
      const pr = fake.state.addRun({ event: "pull_request" });
      const runOf = (scenario: string, mesh: string) =>
        zip([{ name: `${mesh}/r1/run.json`, data: JSON.stringify({ scenario, mesh }) }]);
      fake.state.addArtifact(pr.id, "meshbench-smoke-bare", runOf("smoke", "bare"));
      fake.state.addArtifact(pr.id, "meshbench-smoke-big-bare", runOf("smoke-big", "bare"));
      // Runs that name no scenario are the report reader's to judge: kept.
      addZips(pr.id, { "meshbench-smoke-linkerd": [{ name: "linkerd/r1/run.json", data: "{}" }] });
      const into = join(work, "prefix-overlap");
      const got = await quiet(() =>
        lib.downloadRunResults({
          ctx: {
            ...job.context.readRunContext(process.env),
            eventName: "workflow_run",
            workflowRun: {
              id: pr.id,
              workflowId: pr.workflowId,
              event: "pull_request",
              conclusion: "success",
              headSha: pr.headSha,
              headBranch: "feature",
              headRepo: "acme/shop",
              pullRequests: [],
            },
          },
          gh: from().gh,
          token: TOKEN,
          prefix: "meshbench",
          scenario: "smoke",
          into,
        }),
      );
      expect(got.artifacts.map((a) => a.name)).toEqual([
        "meshbench-smoke-bare",
        "meshbench-smoke-linkerd",
      ]);
      expect(got.leftOut).toEqual([
        {
          name: "meshbench-smoke-big-bare",
          reason:
            'its runs are of scenario "smoke-big", not "smoke" (only the artifact names start alike)',
        },
      ]);
      expect((await readdir(into)).sort()).toEqual([
        "meshbench-smoke-bare",
        "meshbench-smoke-linkerd",
      ]);
    });

    it("refuses artifacts over the size limit before downloading them", async () => {
      fake.requests.length = 0;
      const got = await quiet(() =>
        lib.downloadArtifacts({
          into: join(work, "limits"),
          from: from(),
          select: (n) => n === "meshbench-smoke-bare",
          limits: { maxZipBytes: 10 },
        }),
      );
      expect(got.refused[0]!.reason).toMatch(/exceed the 10-byte limit/);
      expect(fake.requests.some((r) => r.path.endsWith("/zip"))).toBe(false);
    });

    it("refuses, before fetching anything, a run whose artifacts add up to more than the total cap", async () => {
      fake.requests.length = 0;
      await expect(
        quiet(() =>
          lib.downloadArtifacts({
            into: join(work, "total-listed"),
            from: from(),
            select: (n) => lib.isResultsArtifact(n, "meshbench", "smoke"),
            limits: { maxTotalBytes: 100 },
          }),
        ),
      ).rejects.toThrow(
        new RegExp(
          `^the artifacts of run ${other.id} \\(as listed\\) add up to \\d+ bytes, over the 100-byte total that one report downloads`,
        ),
      );
      expect(fake.requests.some((r) => r.path.endsWith("/zip"))).toBe(false);
      expect(lib.DEFAULT_DOWNLOAD_LIMITS.maxTotalBytes).toBe(2 * 1024 ** 3);
      expect(new lib.DownloadCapError(3 * 1024 ** 3, 2 * 1024 ** 3, "x").message).toContain(
        "over the 2 GiB (2147483648-byte) total",
      );
    });

    it("counts the bytes as downloaded too, when the listed sizes were smaller", async () => {
      const liar = fake.state.addRun({ event: "pull_request" });
      for (const mesh of ["bare", "linkerd"]) {
        const data = Buffer.alloc(4000);
        for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
        const a = fake.state.addArtifact(
          liar.id,
          `meshbench-smoke-${mesh}`,
          zip([{ name: `${mesh}/r1/latency.hlog`, data }]),
        );
        a.sizeInBytes = 1;
      }
      await expect(
        quiet(() =>
          lib.downloadArtifacts({
            into: join(work, "total-downloaded"),
            from: { ...from(), runId: liar.id },
            select: () => true,
            limits: { maxTotalBytes: 6000 },
          }),
        ),
      ).rejects.toThrow(
        new RegExp(
          `^the artifacts of run ${liar.id} \\(as downloaded\\) add up to \\d+ bytes, over the 6000-byte total`,
        ),
      );
    });

    it("skips, with a message, an artifact with a file `a` and an entry `a/b`", async () => {
      const clash = fake.state.addRun({ event: "pull_request" });
      addZips(clash.id, {
        "meshbench-smoke-clash": [
          { name: "a", data: "x" },
          { name: "a/b", data: "y" },
        ],
        "meshbench-smoke-fine": [{ name: "smoke/bare/r1/run.json", data: "{}" }],
      });
      const got = await quiet(() =>
        lib.downloadArtifacts({
          into: join(work, "clash"),
          from: { ...from(), runId: clash.id },
          select: () => true,
        }),
      );
      expect(got.artifacts.map((a) => a.name)).toEqual(["meshbench-smoke-fine"]);
      expect(got.refused).toEqual([
        { name: "meshbench-smoke-clash", reason: 'a/b: is inside "a", which is a file' },
      ]);
    });

    it("holds all the artifacts of a run to one extracted-bytes and one entries budget", async () => {
      const many = fake.state.addRun({ event: "pull_request" });
      for (const mesh of ["bare", "istio", "linkerd"]) {
        fake.state.addArtifact(
          many.id,
          `meshbench-smoke-${mesh}`,
          zip([
            { name: `${mesh}/r1/latency.hlog`, data: Buffer.alloc(40_000), deflate: true },
            { name: `${mesh}/r1/run.json`, data: "{}" },
          ]),
        );
      }
      const download = (limits: Partial<DownloadLimits>, into: string) =>
        quiet(() =>
          lib.downloadArtifacts({
            into: join(work, into),
            from: { ...from(), runId: many.id },
            select: () => true,
            limits,
          }),
        );
      // Each artifact is within the per-archive limits; together they are not.
      await expect(download({ maxTotalExtractedBytes: 100_000 }, "budget-bytes")).rejects.toThrow(
        new RegExp(
          `^the artifacts of run ${many.id} \\(extracted\\) add up to 120006 bytes, over the 100000-byte total`,
        ),
      );
      await expect(download({ maxTotalEntries: 5 }, "budget-entries")).rejects.toThrow(
        `the artifacts of run ${many.id} (extracted) add up to 6 entries, over the 5-entry total`,
      );
      const fits = await download({ maxTotalExtractedBytes: 120_006, maxTotalEntries: 6 }, "fits");
      expect(fits.artifacts).toHaveLength(3);
    });

    it("explains a token without actions: read", async () => {
      const forbidden = "ghs_no_actions_permission";
      fake.state.addInstallationToken(forbidden);
      fake.state.tokens.get(forbidden)!.permissions.actions = "none";
      await expect(
        lib.listRunArtifacts({
          ...from(),
          gh: job.client.createGitHubClient(forbidden, { apiUrl: fake.url }),
          token: forbidden,
        }),
      ).rejects.toThrow(/needs `actions: read`/);
    });
  });
});
