// Running @actions/* code in a test process: the runner's environment variables (stubbed
// for this test file, restored after), the files the runner provides (GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, GITHUB_STATE, RUNNER_TEMP), and what the step printed to stdout.
// @actions/github reads GITHUB_API_URL when it is first imported, so tests that drive
// @actions/artifact stub the environment first and import the code under test after.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import type { FakeGitHub, FakeRun } from "./fake-github/index.ts";

export interface RunnerFiles {
  dir: string;
  env: Record<string, string>;
  read(name: "output" | "summary" | "state"): Promise<string>;
}

/** Fresh runner files in a temp directory, and the env variables that point at them. */
export async function runnerFiles(): Promise<RunnerFiles> {
  const dir = await mkdtemp(join(tmpdir(), "meshbench-runner-"));
  const files = { output: "output", summary: "step_summary.md", state: "state" } as const;
  // The runner creates these files before the step starts; @actions/core appends to them.
  for (const name of Object.values(files)) await writeFile(join(dir, name), "");
  return {
    dir,
    env: {
      GITHUB_OUTPUT: join(dir, files.output),
      GITHUB_STEP_SUMMARY: join(dir, files.summary),
      GITHUB_STATE: join(dir, files.state),
      RUNNER_TEMP: join(dir, "tmp"),
      GITHUB_WORKSPACE: join(dir, "workspace"),
    },
    read: (name) => readFile(join(dir, files[name]), "utf8").catch(() => ""),
  };
}

export function stubEnv(env: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
}

/**
 * Stubs the environment of a job of `run` on the fake, with fresh runner files, then imports
 * the GitHub client and context (after the environment: see above). Import the module under
 * test after this, and call `endJob` after all.
 */
export async function startJob(fake: FakeGitHub, run: FakeRun) {
  stubEnv({ ...fake.jobEnv(run), ...(await runnerFiles()).env });
  return {
    client: await import("../../src/github/client.ts"),
    context: await import("../../src/github/context.ts"),
  };
}

export type GitHubJob = Awaited<ReturnType<typeof startJob>>;

/** Restores the environment `startJob` stubbed and stops the fake. */
export async function endJob(fake: FakeGitHub): Promise<void> {
  vi.unstubAllEnvs();
  await fake.close();
}

/** Collects what is written to stdout (where @actions/core writes its commands) until stopped. */
export function captureStdout(): { text(): string; lines(): string[]; stop(): void } {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    text: () => chunks.join(""),
    lines: () => chunks.join("").split("\n"),
    stop: () => {
      process.stdout.write = original;
    },
  };
}
