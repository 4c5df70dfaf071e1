// A forgotten bare-metal cluster costs money by the hour, so every cluster has a maximum
// lifetime (default 6 h), recorded in its state directory when it is created and passed to
// the module as the expiry tag. checkLifetime() is what the next meshbench step calls: an
// expired cluster is destroyed there and then. cleanupTerraformLeftovers() is `meshbench
// cleanup --provider terraform`: it destroys the clusters of runs that were killed before
// they could destroy their own (expired, or owned by a process of this machine that is
// gone), and leaves alone those whose run is still going.
import { readdir } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { join, resolve } from "node:path";
import { ValueError } from "../../kube/names.ts";
import { formatDuration } from "../../scenario/duration.ts";
import { type DestroyOptions, destroyTerraformStateDir } from "./destroy.ts";
import { type ClusterRecord, RECORD_FILE, readRecord } from "./state-dir.ts";

export const DEFAULT_MAX_LIFETIME_MS = 6 * 3_600_000;
const MIN_LIFETIME_MS = 5 * 60_000;
const MAX_LIFETIME_MS = 7 * 24 * 3_600_000;

export function checkMaxLifetime(field: string, ms: unknown): number {
  if (
    typeof ms === "number" &&
    Number.isInteger(ms) &&
    ms >= MIN_LIFETIME_MS &&
    ms <= MAX_LIFETIME_MS
  )
    return ms;
  throw new ValueError(
    `${field}: ${JSON.stringify(ms)} is not allowed; allowed: from 5 minutes to 7 days (in milliseconds here; the scenario writes e.g. 6h)`,
  );
}

/**
 * Where the CLI keeps state directories by default: $XDG_STATE_HOME/meshbench/terraform/<run id>.
 */
export function defaultStateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "meshbench", "terraform");
}

export type LifetimeStatus =
  | { state: "none" }
  | { state: "alive"; runId: string; expiresAt: string; remainingMs: number }
  | { state: "expired-destroyed"; runId: string; expiresAt: string; maxLifetimeMs: number };

/**
 * Why every run after the guard fired is not attempted: the cluster is gone. One reason for
 * all of them, so the report shows at a glance where the matrix ended and why.
 */
export function lifetimeExceeded(status: { expiresAt: string; maxLifetimeMs: number }): string {
  return `cluster lifetime exceeded (maxLifetime ${formatDuration(status.maxLifetimeMs)}, expired ${status.expiresAt}): destroyed; raise cluster.maxLifetime if the scenario needs longer`;
}

/**
 * Call before each step that uses the cluster. An expired cluster is destroyed (the caller
 * must then stop: the cluster is gone); a failed destroy throws, loudly.
 */
export async function checkLifetime(
  stateDir: string,
  options: DestroyOptions & { now?: Date } = {},
): Promise<LifetimeStatus> {
  const record = await readRecord(stateDir);
  if (!record) return { state: "none" };
  const now = options.now ?? new Date();
  const remainingMs = Date.parse(record.expiresAt) - now.getTime();
  if (remainingMs > 0)
    return { state: "alive", runId: record.runId, expiresAt: record.expiresAt, remainingMs };
  options.log?.(
    `cluster of run ${record.runId} passed its maximum lifetime (expired ${record.expiresAt}); destroying it`,
  );
  await destroyTerraformStateDir(stateDir, options);
  return {
    state: "expired-destroyed",
    runId: record.runId,
    expiresAt: record.expiresAt,
    maxLifetimeMs: record.maxLifetimeMs,
  };
}

export interface LeftoverResult {
  stateDir: string;
  runId?: string;
  action: "destroyed" | "kept" | "failed" | "nothing";
  reason: string;
}

export class TerraformCleanupError extends Error {
  readonly results: LeftoverResult[];
  constructor(results: LeftoverResult[]) {
    const failed = results.filter((r) => r.action === "failed");
    super(
      `meshbench cleanup: ${failed.length} cluster(s) could not be destroyed and are probably still running:\n\n${failed.map((r) => r.reason).join("\n\n")}`,
    );
    this.name = "TerraformCleanupError";
    this.results = results;
  }
}

/** True unless the process is certainly gone (kill(pid, 0) answers ESRCH). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function verdict(
  record: ClusterRecord,
  now: Date,
  o: { all?: boolean; isAlive: (pid: number) => boolean },
): { destroy: boolean; reason: string } {
  if (o.all) return { destroy: true, reason: "all state directories requested" };
  if (Date.parse(record.expiresAt) <= now.getTime())
    return { destroy: true, reason: `expired ${record.expiresAt}` };
  if (record.phase === "destroy-failed")
    return { destroy: true, reason: "an earlier destroy failed" };
  if (record.owner.hostname === hostname() && !o.isAlive(record.owner.pid))
    return { destroy: true, reason: `its run (pid ${record.owner.pid}) is gone` };
  const where =
    record.owner.hostname === hostname()
      ? `pid ${record.owner.pid} on this machine`
      : `a process on ${record.owner.hostname}`;
  return {
    destroy: false,
    reason: `in use by ${where} until ${record.expiresAt}; pass all to destroy it anyway`,
  };
}

async function stateDirsUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  const dirs: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const names = await readdir(join(root, e.name)).catch(() => [] as string[]);
    if (names.includes(RECORD_FILE)) dirs.push(join(root, e.name));
  }
  return dirs.sort();
}

/**
 * Destroys leftovers: given state directories, or every one under a root directory. Tries
 * them all, then throws a TerraformCleanupError naming each that failed.
 */
export async function cleanupTerraformLeftovers(
  target: readonly string[] | { root: string },
  options: DestroyOptions & { now?: Date; all?: boolean; isAlive?: (pid: number) => boolean } = {},
): Promise<LeftoverResult[]> {
  // Absolute: what is reported is a directory to copy into a command, from anywhere.
  const dirs =
    "root" in target ? await stateDirsUnder(resolve(target.root)) : target.map((d) => resolve(d));
  const now = options.now ?? new Date();
  const results: LeftoverResult[] = [];
  for (const stateDir of dirs) {
    let record: ClusterRecord | null;
    try {
      record = await readRecord(stateDir);
    } catch (error) {
      results.push({ stateDir, action: "failed", reason: (error as Error).message });
      continue;
    }
    if (!record) {
      results.push({ stateDir, action: "nothing", reason: "no cluster recorded there" });
      continue;
    }
    const v = verdict(record, now, { all: options.all, isAlive: options.isAlive ?? processAlive });
    if (!v.destroy) {
      options.log?.(`keeping cluster of run ${record.runId} (${stateDir}): ${v.reason}`);
      results.push({ stateDir, runId: record.runId, action: "kept", reason: v.reason });
      continue;
    }
    options.log?.(`cluster of run ${record.runId} (${stateDir}): ${v.reason}; destroying it`);
    try {
      const done = await destroyTerraformStateDir(stateDir, options);
      results.push({ stateDir, runId: record.runId, action: done, reason: v.reason });
    } catch (error) {
      results.push({
        stateDir,
        runId: record.runId,
        action: "failed",
        reason: (error as Error).message,
      });
    }
  }
  if (results.some((r) => r.action === "failed")) throw new TerraformCleanupError(results);
  return results;
}
