// A child process run to its end with its output captured: the one spawn-and-capture of
// the tests (the CLI, the Action's bundles, fixtures run as scripts).
import { type SpawnOptions, spawn } from "node:child_process";
import { PASS_ENV } from "../../src/tools/child-env.ts";

/**
 * Variables for a program meshbench starts (a fake tool's settings, a test's tag): set,
 * and named in MESHBENCH_PASS_ENV, since meshbench's children get an allowlisted environment.
 */
export const passEnv = (vars: Readonly<Record<string, string>>) => ({
  ...vars,
  [PASS_ENV]: Object.keys(vars).join(" "),
});

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends Omit<SpawnOptions, "stdio"> {
  /** Told all of stderr so far on each chunk, with a way to signal the child (SIGINT default). */
  onStderr?: (stderr: string, kill: (signal?: NodeJS.Signals) => void) => void;
  /**
   * "close" (default): after the child exited and its output ended. "exit": as soon as it
   * exits, for a child whose own children may still hold its output open.
   */
  until?: "close" | "exit";
}

export function runProcess(command: string, args: string[], o: RunOptions = {}): Promise<Finished> {
  const { onStderr, until = "close", ...options } = o;
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
    onStderr?.(stderr, (signal = "SIGINT") => child.kill(signal));
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on(until, (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({ code, signal, stdout, stderr }),
    );
  });
}

/** `meshbench` from the sources (src/cli/main.ts), as a user runs it. */
export const MESHBENCH = new URL("../../src/cli/main.ts", import.meta.url).pathname;

export function runMeshbench(args: string[], o: RunOptions = {}): Promise<Finished> {
  return runProcess(process.execPath, [MESHBENCH, ...args], o);
}
