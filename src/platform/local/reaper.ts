// The last resort for when meshbench itself is killed outright (kill -9, the OOM killer)
// and none of its cleanup can run. At prepare the local platform starts this small process
// (reaper-main.ts: `reaper TOKEN DIR`), in a session of its own and not tied to meshbench's life,
// holding nothing but a pipe from meshbench on its stdin. It waits for that pipe to close
// (meshbench closes it at the end of its cleanup; the kernel closes it when meshbench dies,
// however it dies), then kills every process carrying the run's token (owned.ts: the whole
// tree, even a daemon that left its process group) and removes the run's temporary folder.
//
// A reaper rather than a cgroup per component: creating cgroups needs root or a delegated
// cgroup v2 subtree, which GitHub's runners and most containers do not give a job; the
// environment label needs nothing and also finds a process that left its group.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { childEnv } from "../../tools/child-env.ts";
import { killOwned } from "./owned.ts";
import { reaperSelfCommand } from "./self.ts";

const TOKEN = /^\d+\.[0-9a-f]+$/;

export interface Reaper {
  pid: number;
  /** Tells it the run is over: it sweeps (nothing should be left) and exits. */
  close(): Promise<void>;
}

export async function startReaper(token: string, dir: string): Promise<Reaper> {
  const self = reaperSelfCommand();
  const child: ChildProcess = spawn(self.command, [...self.args, token, dir], {
    stdio: ["pipe", "ignore", "ignore"],
    env: childEnv(),
    // Its own session: neither a Ctrl-C in the terminal nor a signal to meshbench's group
    // reaches it, and it is no part of anything the run signals.
    detached: true,
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e) => reject(new Error(`cannot start the reaper: ${e.message}`)));
  });
  child.stdin!.on("error", () => {}); // EPIPE if it is gone: nothing to tell it then
  return {
    pid: child.pid!,
    close: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `reaper TOKEN DIR` (started by startReaper, not by people). */
export async function reaperCommand(argv: string[]): Promise<number> {
  const [token, dir] = argv;
  if (token === undefined || !TOKEN.test(token) || dir === undefined || !isRunDir(dir)) {
    process.stderr.write("usage: meshbench reaper TOKEN DIR (started by the local platform)\n");
    return 2;
  }
  // Only the end of stdin ends it: a stray SIGINT or SIGHUP must not leave the run unswept.
  for (const signal of ["SIGINT", "SIGHUP", "SIGTERM"] as const) process.on(signal, () => {});
  await new Promise<void>((resolve) => {
    process.stdin.on("end", resolve).on("close", resolve).on("error", resolve).resume();
  });
  killOwned({ token });
  rmSync(dir, { recursive: true, force: true });
  return 0;
}

/** Only a run's own temporary folder (<tmpdir>/meshbench-…) is ever removed. */
function isRunDir(dir: string): boolean {
  const full = resolve(dir);
  return dirname(full) === resolve(tmpdir()) && basename(full).startsWith("meshbench-");
}
