// Runs tofu/terraform on a run's module and state directory: an argument vector (no
// shell), the module chosen with -chdir, state and variables as files in the state
// directory, plugins in TF_DATA_DIR there too (so two runs of one module never share
// anything), no prompts, bounded in time. init/apply/destroy stream their progress to the
// log, as a bare-metal apply can take half an hour; `output -json` is never logged (it
// holds the kubeconfig or the SSH key), nor is what apply prints after "Outputs:".
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { statePaths } from "./state-dir.ts";

export type TerraformStep = "init" | "apply" | "output" | "destroy";

/** For apply and destroy: no prompt, and wait for a lock another step holds rather than fail. */
const changing = (p: ReturnType<typeof statePaths>) => [
  "-auto-approve",
  "-input=false",
  "-no-color",
  "-lock-timeout=300s",
  `-state=${p.tfstate}`,
  `-var-file=${p.tfvars}`,
];

export function terraformArgs(step: TerraformStep, module: string, stateDir: string): string[] {
  const p = statePaths(stateDir);
  // The paths after -chdir are absolute (statePaths), so the module's own may be too.
  const chdir = `-chdir=${resolve(module)}`;
  switch (step) {
    case "init":
      return [chdir, "init", "-input=false", "-no-color"];
    case "apply":
      return [chdir, "apply", ...changing(p)];
    case "output":
      return [chdir, "output", "-json", "-no-color", `-state=${p.tfstate}`];
    case "destroy":
      return [chdir, "destroy", ...changing(p)];
  }
}

export function terraformEnv(base: NodeJS.ProcessEnv, stateDir: string): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_DATA_DIR: statePaths(stateDir).dataDir,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
}

export class TerraformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformError";
  }
}

const MAX_KEEP = 8 * 1024 * 1024;

/** The command as a user would type it to repeat it (for messages). */
export function commandLine(binary: string, args: readonly string[], stateDir: string): string {
  return `TF_DATA_DIR=${statePaths(stateDir).dataDir} ${binary} ${args.join(" ")}`;
}

export function runTerraform(
  binary: string,
  step: TerraformStep,
  o: {
    module: string;
    stateDir: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    log?: (line: string) => void;
    /** Stops the step as its time limit does: SIGINT, so that it saves state and unlocks. */
    signal?: AbortSignal;
  },
): Promise<string> {
  const args = terraformArgs(step, o.module, o.stateDir);
  const name = binary.split("/").pop();
  const stream = step !== "output" && o.log;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: terraformEnv(o.env, o.stateDir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    let quiet = false;
    child.stdout.on("data", (d: Buffer) => {
      const text = d.toString("utf8");
      if (stdout.length < MAX_KEEP) stdout += text;
      if (stream && !quiet) {
        const lines = (pending + text).split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) {
          // apply ends by printing the outputs; one not marked sensitive (a kubeconfig,
          // a key) would be printed in clear, so the log stops there.
          if (l.trim() === "Outputs:") {
            quiet = true;
            pending = "";
            o.log!(`${name}: (outputs not shown)`);
            break;
          }
          if (l.trim()) o.log!(`${name}: ${l}`);
        }
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < MAX_KEEP) stderr += d.toString("utf8");
    });
    let timedOut = false;
    let interrupted = false;
    // SIGINT first: terraform then stops cleanly, writes what it made to the state and
    // releases the lock; SIGKILL only if it has not ended 30 s later.
    const stop = () => {
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 30_000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      reject(new TerraformError(`${name} ${step}: cannot run ${binary}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      if (stream && !quiet && pending.trim()) o.log!(`${name}: ${pending}`);
      if (code === 0 && !timedOut && !interrupted) return resolve(stdout);
      const why = timedOut
        ? `timed out after ${Math.round(o.timeoutMs / 1000)}s`
        : interrupted
          ? "interrupted"
          : code === null
            ? `killed by ${signal}`
            : `exit ${code}`;
      const tail = stderr.trim().split("\n").slice(-15).join("\n    ");
      reject(new TerraformError(`${name} ${step} failed (${why})${tail ? `:\n    ${tail}` : ""}`));
    });
  });
}
