// Secrets: masked before use, written 0600, removed in post; and a whole step run the way
// a runner runs it (a child process with the runner's environment and files) prints no
// token, runtime token or kubeconfig credential anywhere: stdout, stderr, the summary,
// the outputs, the saved state. Values the runner masks (::add-mask::) may only appear
// after their mask.
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  loadTeardownState,
  maskKubeconfig,
  saveTeardownState,
  writeKubeconfig,
} from "../../src/github/secrets.ts";
import { setActionOutputs, writeJobSummary } from "../../src/github/summary.ts";
import { type FakeGitHub, startFakeGitHub, zip } from "../helpers/fake-github/index.ts";
import { captureStdout, runnerFiles, stubEnv } from "../helpers/github-env.ts";
import { runProcess } from "../helpers/process.ts";

const KUBE_TOKEN = "kube-bearer-9f8e7d6c5b4a39281706";
const CLIENT_KEY = "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUtleQ==";
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: LS0tLS1DQQ==
users:
- name: bench
  user:
    token: ${KUBE_TOKEN}
    client-key-data: ${CLIENT_KEY}
contexts:
- name: bench
  context: { cluster: bench, user: bench }
current-context: bench
`;

/** The mask commands and everything else, from @actions/core's stdout. */
function masks(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("::add-mask::"))
    .map((l) => l.slice("::add-mask::".length).trim());
}

describe("secrets in process", () => {
  let out: ReturnType<typeof captureStdout> | undefined;
  afterEach(() => {
    out?.stop();
    vi.unstubAllEnvs();
  });

  it("masks a kubeconfig's credentials and the whole text, not its harmless lines", () => {
    out = captureStdout();
    maskKubeconfig(KUBECONFIG);
    out.stop();
    const masked = masks(out.text());
    expect(masked).toContain(KUBE_TOKEN);
    expect(masked).toContain(CLIENT_KEY);
    expect(masked).not.toContain("kind: Config");
  });

  it("writes the kubeconfig 0600 and records its path for post", async () => {
    const runner = await runnerFiles();
    stubEnv(runner.env);
    out = captureStdout();
    const path = await writeKubeconfig(runner.env.RUNNER_TEMP!, KUBECONFIG);
    out.stop();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toBe(KUBECONFIG);
    // post sees the state through STATE_<name>, which the runner sets from GITHUB_STATE.
    vi.stubEnv(
      "STATE_meshbench-teardown",
      parseState(await runner.read("state"))["meshbench-teardown"]!,
    );
    expect(loadTeardownState()).toMatchObject({ kubeconfigPath: path });
  });

  it("carries a bare-metal cluster's state directory from main to post, with what was saved before", async () => {
    const runner = await runnerFiles();
    stubEnv(runner.env);
    out = captureStdout();
    saveTeardownState({ kindCluster: "meshbench-smoke" });
    saveTeardownState({ terraformStateDir: "/runner/temp/meshbench-terraform/mb-1" });
    out.stop();
    vi.stubEnv(
      "STATE_meshbench-teardown",
      parseState(await runner.read("state"))["meshbench-teardown"]!,
    );
    expect(loadTeardownState()).toMatchObject({
      kindCluster: "meshbench-smoke",
      terraformStateDir: "/runner/temp/meshbench-terraform/mb-1",
    });
  });

  it("keeps the job summary under the limit with what the step already wrote, and sets outputs", async () => {
    const runner = await runnerFiles();
    stubEnv(runner.env);
    await writeFile(runner.env.GITHUB_STEP_SUMMARY!, "x".repeat(900));
    const result = await writeJobSummary(`# report\n${"| a | b |\n".repeat(200)}`, {
      limit: 2000,
      fullReportUrl: "https://example.com/report",
    });
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(await runner.read("summary"))).toBeLessThanOrEqual(2000);
    setActionOutputs({ verdict: "no-baseline", "report-dir": "/r" });
    const outputs = await runner.read("output");
    expect(outputs).toMatch(/^verdict<<ghadelimiter_.*\nno-baseline\n/m);
    expect(outputs).toMatch(/^report-dir<<ghadelimiter_.*\n\/r\n/m);
  });
});

/** GITHUB_STATE / GITHUB_OUTPUT files: `name<<delimiter\nvalue\ndelimiter` blocks. */
function parseState(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

describe("a whole step in a child process", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub();
  });
  afterAll(() => fake.close());

  function step(phase: "main" | "post", env: Record<string, string>) {
    return runProcess(
      process.execPath,
      [join(import.meta.dirname, "../helpers/action-step.ts"), phase],
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } },
    );
  }

  it("prints no secret, and post removes the kubeconfig main wrote", async () => {
    const token = "ghs_SECRET_github_token_abcdef0123456789";
    fake.state.addInstallationToken(token);
    const baseline = fake.state.addRun({
      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    fake.state.addArtifact(
      baseline.id,
      "meshbench-smoke-istio",
      zip([{ name: "smoke/istio/r1/run.json", data: "{}" }]),
    );
    const current = fake.state.addRun({
      event: "pull_request",
      headBranch: "bump",
      status: "in_progress",
      conclusion: null,
    });
    fake.state.addPull({ number: 5, headSha: current.headSha, headRef: "bump" });
    const runner = await runnerFiles();
    const eventPath = join(await mkdtemp(join(tmpdir(), "event-")), "event.json");
    await writeFile(
      eventPath,
      JSON.stringify({
        pull_request: {
          number: 5,
          head: { sha: current.headSha, repo: { full_name: "acme/shop" } },
          base: { ref: "main" },
        },
        repository: { default_branch: "main" },
      }),
    );
    const jobEnv = fake.jobEnv(current);
    const env = {
      ...jobEnv,
      ...runner.env,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      RUNNER_DEBUG: "1",
      "INPUT_GITHUB-TOKEN": token,
      INPUT_KUBECONFIG: KUBECONFIG,
    };

    const main = await step("main", env);
    expect(main.stderr).toBe("");
    expect(main.stdout).not.toMatch(/^::error::/m);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain("comment: created");
    expect(main.stdout).toMatch(new RegExp(`baseline: run ${baseline.id} `));

    const state = parseState(await runner.read("state"));
    const teardown = JSON.parse(state["meshbench-teardown"]!) as { kubeconfigPath: string };
    expect((await stat(teardown.kubeconfigPath)).mode & 0o777).toBe(0o600);
    const post = await step("post", {
      ...env,
      "STATE_meshbench-teardown": state["meshbench-teardown"]!,
    });
    expect(post.code).toBe(0);
    await expect(stat(teardown.kubeconfigPath)).rejects.toThrow(/ENOENT/);

    // Everything the steps printed or left in the runner's files.
    const logs = [main.stdout, main.stderr, post.stdout, post.stderr];
    const files = await Promise.all(
      (["summary", "output", "state"] as const).map((f) => runner.read(f)),
    );
    const printed = [...logs, ...files]
      .join("\n")
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"));
    const never = [token, KUBE_TOKEN, CLIENT_KEY, jobEnv.ACTIONS_RUNTIME_TOKEN!];
    for (const secret of never) {
      expect(printed.filter((l) => l.includes(secret))).toEqual([]);
    }
    // Secrets that did have to travel (the runner masks them) were masked first.
    const mainMasks = masks(main.stdout);
    for (const secret of [token, KUBE_TOKEN, CLIENT_KEY]) expect(mainMasks).toContain(secret);
    // The artifact service's signed URLs: masked by @actions/artifact before any debug line shows them.
    const lines = main.stdout.split("\n");
    for (const a of fake.state.artifacts) {
      for (const sig of [a.uploadSig, a.downloadSig]) {
        const firstUse = lines.findIndex((l) => l.includes(sig) && !l.startsWith("::add-mask::"));
        if (firstUse < 0) continue;
        const masked = lines.findIndex((l) => l.startsWith("::add-mask::") && l.includes(sig));
        expect(masked).toBeGreaterThanOrEqual(0);
        expect(masked).toBeLessThan(firstUse);
      }
    }
  });
});
