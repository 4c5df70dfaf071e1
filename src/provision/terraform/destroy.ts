// Destroying a run's cluster from its state directory alone, so that any step can do it:
// the provider's destroy(), the Action's post step, the lifetime guard, `meshbench cleanup`.
// Bare-metal APIs refuse deletes now and then (a server still provisioning, a lock, a rate
// limit), so `destroy` is retried with growing pauses. If it still fails, the error says
// loudly what is probably still running (and costing money), from the state file, and how
// to remove it; the state directory is kept for exactly that. After a successful destroy
// the directory is removed, which is what makes a second destroy a no-op.
import { constants } from "node:fs";
import { access, readFile, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { findTerraform } from "./binary.ts";
import { commandLine, runTerraform, terraformArgs } from "./run.ts";
import { readRecord, statePaths, updateRecord } from "./state-dir.ts";
import { RUN_ID_VAR } from "./vars.ts";

export interface DestroyOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Tries in all (default 4), and the pauses between them (default 20 s, 1 min, 3 min). */
  retry?: { attempts?: number; delaysMs?: number[] };
  /** Per try (default 30 minutes). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_DESTROY_DELAYS_MS = [20_000, 60_000, 180_000];

export class TerraformDestroyError extends Error {
  readonly stateDir: string;
  readonly resources: string[];
  constructor(message: string, stateDir: string, resources: string[]) {
    super(message);
    this.name = "TerraformDestroyError";
    this.stateDir = stateDir;
    this.resources = resources;
  }
}

/** What the state says exists: `aws_instance.node[0] (id i-0abc…)`, managed resources only. */
export async function resourcesInState(tfstate: string): Promise<string[] | null> {
  let state: {
    resources?: {
      mode?: string;
      module?: string;
      type?: string;
      name?: string;
      instances?: { index_key?: string | number; attributes?: { id?: unknown } }[];
    }[];
  };
  try {
    state = JSON.parse(await readFile(tfstate, "utf8"));
  } catch {
    return null;
  }
  const out: string[] = [];
  for (const r of state.resources ?? []) {
    if (r.mode !== "managed") continue;
    for (const i of r.instances ?? []) {
      const index =
        i.index_key === undefined
          ? ""
          : typeof i.index_key === "number"
            ? `[${i.index_key}]`
            : `["${i.index_key}"]`;
      const id = typeof i.attributes?.id === "string" ? ` (id ${i.attributes.id})` : "";
      out.push(`${r.module ? `${r.module}.` : ""}${r.type}.${r.name}${index}${id}`);
    }
  }
  return out;
}

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/**
 * Destroys what the state directory's module created and removes the directory.
 * "nothing": there was nothing to destroy (no record, or nothing applied yet).
 */
export async function destroyTerraformStateDir(
  given: string,
  options: DestroyOptions = {},
): Promise<"destroyed" | "nothing"> {
  // Absolute in what tofu gets and in the messages (a command to copy works from anywhere).
  const stateDir = resolve(given);
  const log = options.log ?? (() => {});
  const record = await readRecord(stateDir);
  if (!record) return "nothing"; // never created here, or already destroyed and removed
  if (record.phase === "preparing") {
    // Creation stopped before apply: no resource can exist.
    await rm(stateDir, { recursive: true, force: true });
    return "nothing";
  }
  const env = options.env ?? process.env;
  const attempts = Math.max(1, options.retry?.attempts ?? 4);
  let last: Error | null = null;
  let binary = record.binary;
  let tries = attempts;
  if (!(await executable(binary))) {
    try {
      binary = await findTerraform(env);
    } catch (error) {
      // Nothing to destroy with: still report what is running, below.
      last = error as Error;
      tries = 0;
    }
  }
  const delays = options.retry?.delaysMs ?? DEFAULT_DESTROY_DELAYS_MS;
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const common = {
    module: record.module,
    stateDir,
    env,
    timeoutMs: options.timeoutMs ?? 1_800_000,
    log,
  };
  await updateRecord(stateDir, { phase: "destroying" });
  log(`destroying cluster of run ${record.runId} (module ${record.module})`);
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      // Plugins are needed to destroy; a state directory moved here from elsewhere has none.
      if (!(await stat(statePaths(stateDir).dataDir).catch(() => null)))
        await runTerraform(binary, "init", common);
      await runTerraform(binary, "destroy", common);
      await rm(stateDir, { recursive: true, force: true });
      log(`destroyed cluster of run ${record.runId}`);
      return "destroyed";
    } catch (error) {
      last = error as Error;
      if (attempt < attempts) {
        const wait = delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
        log(
          `destroy attempt ${attempt} of ${attempts} failed; retrying in ${Math.round(wait / 1000)}s: ${last.message.split("\n").slice(-1)[0]?.trim()}`,
        );
        await sleep(wait);
      }
    }
  }

  const resources = await resourcesInState(statePaths(stateDir).tfstate);
  await updateRecord(stateDir, { phase: "destroy-failed", lastError: last?.message ?? "" });
  const listed =
    resources === null
      ? `  (no readable state at ${statePaths(stateDir).tfstate}: look for resources tagged ${RUN_ID_VAR}=${record.runId})`
      : resources.length
        ? resources.map((r) => `  ${r}`).join("\n")
        : "  (the state lists none; check for resources tagged with the run id anyway)";
  throw new TerraformDestroyError(
    [
      `meshbench could NOT destroy the cluster of run ${record.runId} ${tries ? `after ${tries} attempt${tries === 1 ? "" : "s"}` : `(${record.binary} is gone, and no tofu or terraform is on the PATH)`}; it is probably still running and costing money.`,
      `Last error: ${last?.message}`,
      `Still in the state (${statePaths(stateDir).tfstate}):`,
      listed,
      "Remove them, then check in the provider's console that they are gone:",
      `  meshbench cleanup --provider terraform --state-dir ${stateDir}`,
      `  or by hand: ${commandLine(binary, terraformArgs("destroy", record.module, stateDir), stateDir)}`,
      `  or in the provider's console: resources tagged ${RUN_ID_VAR}=${record.runId} (expiry ${record.expiresAt})`,
      `The state directory ${stateDir} is kept until they are destroyed.`,
    ].join("\n"),
    stateDir,
    resources ?? [],
  );
}
