// Processes that die with meshbench, even when meshbench is killed outright (SIGKILL,
// OOM) and no cleanup of ours can run. On Linux, util-linux's `setpriv --pdeathsig`
// asks the kernel to send SIGKILL to the process when its parent dies, then execs it (same
// pid, so the sampler still reads the real process). Where setpriv is missing, meshbench's
// own services still exit on their stdin lifeline; a sidecar proxy would survive.
import { execFileSync } from "node:child_process";
import { childEnv } from "../../tools/child-env.ts";
import { findExecutable } from "../../tools/find-executable.ts";

let setpriv: string | null | undefined;

function pdeathsigLauncher(): string | null {
  if (setpriv === undefined) {
    setpriv = null;
    const path = process.platform === "linux" ? findExecutable("setpriv") : undefined;
    if (path) {
      try {
        // --pdeathsig came with util-linux 2.33: check rather than assume.
        const help = execFileSync(path, ["--help"], { encoding: "utf8", env: childEnv() });
        if (help.includes("--pdeathsig")) setpriv = path;
      } catch {
        // unusable: go without
      }
    }
  }
  return setpriv;
}

export function dieWithParent(
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  const launcher = pdeathsigLauncher();
  return launcher
    ? { command: launcher, args: ["--pdeathsig", "SIGKILL", "--", command, ...args] }
    : { command, args: [...args] };
}
