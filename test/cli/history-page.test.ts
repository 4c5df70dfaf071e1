// `meshbench history-page` as a user runs it: a child process reading a checkout of the
// history branch (yearly files and a pre-rotation file) or the branch itself from git, a
// bad line named by file and line, the page written.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { historyLine } from "../../src/github/history-format.ts";
import { historyEntry } from "../helpers/history.ts";
import { runMeshbench } from "../helpers/process.ts";

const run = promisify(execFile);
let checkout: string;
beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), "meshbench-history-cli-"));
  await mkdir(join(checkout, "history", "smoke"), { recursive: true });
  await writeFile(
    join(checkout, "history", "smoke.jsonl"),
    `${historyLine(historyEntry(1, 1000, new Date("2025-12-01T06:00:00Z")))}\nnot json\n`,
  );
  await writeFile(
    join(checkout, "history", "smoke", "2026.jsonl"),
    `${historyLine(historyEntry(2, 1100))}\n${historyLine(historyEntry(3, 1200))}\n`,
  );
});

describe("meshbench history-page", () => {
  it("writes the page from a checkout of the branch, naming a bad line by file and line", async () => {
    const out = join(checkout, "site");
    const r = await runMeshbench(
      ["history-page", "--history", join(checkout, "history"), "--out", out],
      { cwd: checkout },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("smoke.jsonl:2: not JSON");
    expect(r.stdout).toMatch(/History page of 3 run\(s\) from 2 file\(s\)/);
    expect(await readdir(out)).toContain("index.html");
  });

  it("reads the branch from git without a checkout", async () => {
    const repo = await mkdtemp(join(tmpdir(), "meshbench-history-git-"));
    const git = (...args: string[]) => run("git", args, { cwd: repo });
    await git("init", "-q", "-b", "main");
    await git("checkout", "-q", "--orphan", "meshbench-history");
    await mkdir(join(repo, "history", "smoke"), { recursive: true });
    await writeFile(
      join(repo, "history", "smoke", "2026.jsonl"),
      `${historyLine(historyEntry(2, 1100))}\n`,
    );
    await git("add", ".");
    await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "history");
    await git("checkout", "-q", "-b", "main-work");
    const r = await runMeshbench(
      ["history-page", "--branch", "meshbench-history", "--out", join(repo, "site")],
      { cwd: repo },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/History page of 1 run\(s\) from 1 file\(s\)/);
  });

  it("refuses both sources, or neither, and a bad --days", async () => {
    for (const args of [
      ["--out", "x"],
      ["--history", "a", "--branch", "b", "--out", "x"],
      ["--history", "a", "--out", "x", "--days", "0"],
    ]) {
      const r = await runMeshbench(["history-page", ...args], { cwd: checkout });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/history-page: /);
    }
  });
});
