// Cleanup from outside: `meshbench workload up` (the local platform behind a CLI) with
// HAProxy sidecars is sent SIGTERM or SIGINT, or killed outright; afterwards none of the
// processes it started is alive and none of their ports accepts connections.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { findExecutable } from "../../src/tools/find-executable.ts";
import { openPorts, waitGone } from "../helpers/platform.ts";

if (!findExecutable("haproxy")) {
  throw new Error("these tests run HAProxy: install it (sudo apt-get install -y haproxy)");
}

interface Up {
  child: ChildProcess;
  pids: number[];
  ports: number[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

/** Starts `meshbench workload up` and waits (bounded) for its meshbench-up line. */
async function up(args: string[], { ownGroup = false } = {}): Promise<Up> {
  const child = spawn(process.execPath, ["src/cli/main.ts", "workload", "up", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: ownGroup,
  });
  started.push(child);
  const exit = new Promise<Up["exit"] extends Promise<infer T> ? T : never>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no meshbench-up line in 30 s:\n${stderr}`)),
      30_000,
    );
    createInterface({ input: child.stdout! }).on("line", (l) => {
      if (l.startsWith("meshbench-up ")) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    exit.then(() => reject(new Error(`workload up exited early:\n${stderr}`)));
  });
  const info = JSON.parse(line.slice("meshbench-up ".length)) as {
    instances: Array<{ baseUrl: string }>;
    processes: Array<{ pid: number; port: number | null; class: string }>;
  };
  const ports = info.processes.flatMap((p) => (p.port === null ? [] : [p.port]));
  expect(info.processes.filter((p) => p.class === "data-plane")).toHaveLength(3);
  expect(ports).toHaveLength(6);
  expect(await openPorts(ports)).toEqual(ports);
  return { child, pids: info.processes.map((p) => p.pid), ports, exit };
}

describe("cleanup when meshbench is told to stop", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("%s: every process gone, every port closed", async (signal, code) => {
    const u = await up(["--instances", "1", "--mesh", "haproxy-sidecar"]);
    u.child.kill(signal);
    expect(await u.exit).toEqual({ code, signal: null });
    expect(await waitGone(u.pids)).toEqual([]);
    expect(await openPorts(u.ports)).toEqual([]);
  });

  it("Ctrl-C in a terminal (SIGINT to the whole process group): the same", async () => {
    const u = await up(["--instances", "1", "--mesh", "haproxy-sidecar"], { ownGroup: true });
    process.kill(-u.child.pid!, "SIGINT");
    expect(await u.exit).toEqual({ code: 130, signal: null });
    expect(await waitGone(u.pids)).toEqual([]);
    expect(await openPorts(u.ports)).toEqual([]);
  });

  it("SIGKILL (no cleanup can run): the processes die with it", async () => {
    const u = await up(["--instances", "1", "--mesh", "haproxy-sidecar"]);
    u.child.kill("SIGKILL");
    await u.exit;
    expect(await waitGone(u.pids)).toEqual([]);
    expect(await openPorts(u.ports)).toEqual([]);
    // Its temporary directory (sidecar configs) goes too: the reaper removes it.
    const left = () =>
      readdirSync(tmpdir()).filter((d) => d.startsWith(`meshbench-up-${u.child.pid}-`));
    await expect.poll(left, { timeout: 10_000 }).toEqual([]);
  });
});
