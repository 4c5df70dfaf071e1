// Runs a CLI (kind, kubectl, a mesh's) with an argument vector, never through a shell,
// bounded in time, with the allowlisted environment (child-env.ts); a failure names the
// command and shows the end of its stderr.
import { execFile } from "node:child_process";
import { childEnv } from "./child-env.ts";

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  readonly code: number | null;
  constructor(message: string, code: number | null) {
    super(message);
    this.name = "CommandError";
    this.code = code;
  }
}

export function run(
  command: string,
  args: string[],
  options: {
    timeoutMs?: number;
    /** What the child's environment is drawn from (default process.env), through childEnv. */
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    signal?: AbortSignal;
  } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        encoding: "utf8",
        timeout: options.timeoutMs ?? 600_000,
        env: childEnv(options.env),
        cwd: options.cwd,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const tail = `${stderr}`.trim().split("\n").slice(-10).join("\n    ");
        const what = `${command} ${args.join(" ")}`;
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const why =
          e.code === "ENOENT"
            ? "not found"
            : e.code === "ABORT_ERR"
              ? "stopped (interrupted)"
              : e.killed
                ? `timed out after ${Math.round((options.timeoutMs ?? 600_000) / 1000)}s`
                : `exit ${e.code}`;
        reject(
          new CommandError(
            `${what}: ${why}${tail ? `\n    ${tail}` : ""}`,
            typeof e.code === "number" ? e.code : null,
          ),
        );
      },
    );
  });
}
