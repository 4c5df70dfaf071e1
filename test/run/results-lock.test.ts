// One run per results folder: a second run refuses, naming the first's pid; the lock of
// a run killed outright is taken over. And a run warns when another run's processes are
// on the machine (they compete for the CPU). Holders are real processes.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { newOwnerToken } from "../../src/platform/local/owned.ts";
import { LocalPlatform } from "../../src/platform/local/platform.ts";
import { ProcessSet } from "../../src/platform/local/processes.ts";
import { LOCK_FILE, lockResults, ResultsLocked } from "../../src/run/results-lock.ts";

const root = mkdtempSync(join(tmpdir(), "meshbench-lock-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function run(args: string[]) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** A meshbench holding DIR's lock, in its own process. */
async function holder(dir: string) {
  const h = run(["test/fixtures/local/hold-lock.ts", dir]);
  await new Promise<void>((resolve, reject) => {
    h.child.stdout!.on("data", () => h.stdout().includes("locked") && resolve());
    h.exit.then(() => reject(new Error(`the holder exited: ${h.stderr()}`)));
  });
  return h;
}

describe("the results folder lock", () => {
  it("refuses a second run naming the first's pid, and takes over once that one was killed", async () => {
    const dir = join(root, "shared");
    const first = await holder(dir);
    const refused = await lockResults(dir).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).toBeInstanceOf(ResultsLocked);
    expect(refused!.message).toMatch(
      new RegExp(`^${dir} is in use by another meshbench run \\(pid ${first.child.pid}, since `),
    );
    expect(refused!.message).toContain("give this run another --out");

    // kill -9: no cleanup ran, the lock file is still there, but its holder is gone.
    first.child.kill("SIGKILL");
    await first.exit;
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const lock = await lockResults(dir);
    // Now it is ours: a third one is refused with our pid.
    await expect(lockResults(dir)).rejects.toThrow(`(pid ${process.pid}, since `);
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // Released: free for the next one.
    await (await lockResults(dir)).release();
  }, 60_000);

  it("meshbench run with an --out in use stops before running anything, exit 1", async () => {
    const out = join(root, "cli");
    const first = await holder(out);
    const second = run([
      "src/cli/main.ts",
      "run",
      "scenarios/local-smoke.yaml",
      "--out",
      out,
      "--chart-host",
      "none",
    ]);
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toContain(
      `meshbench: ${out} is in use by another meshbench run (pid ${first.child.pid}, since `,
    );
    expect(second.stderr()).not.toMatch(/deploying/);
  }, 60_000);
});

describe("another run on the machine", () => {
  it("is warned of at prepare, with its meshbench's pid and its processes", async () => {
    // Another run (its meshbench pid 4194303, the kernel's highest) with one process up.
    const other = new ProcessSet(newOwnerToken(4194303));
    await other.start({ name: "web-1", class: "application", command: "sleep", args: ["30"] });
    const lines: string[] = [];
    const platform = new LocalPlatform();
    try {
      await platform.prepare({ runId: "warn-test", log: (l) => lines.push(l) });
      expect(lines).toContainEqual(
        "warning: another meshbench run is active on this machine (pid 4194303, 1 processes): it competes for the CPU and skews this run's latency",
      );
    } finally {
      await platform.cleanup();
      await other.stopAll();
    }
    // Once it is gone, no warning.
    const quiet: string[] = [];
    await platform.prepare({ runId: "warn-test-2", log: (l) => quiet.push(l) });
    await platform.cleanup();
    // (other tests' runs may be about: only this one must be gone)
    expect(quiet.filter((l) => l.includes("pid 4194303"))).toEqual([]);
  }, 60_000);
});
