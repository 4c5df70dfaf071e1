// One run at a time per results folder. Two runs writing into the same --out overwrite
// each other's run.json and interleave latency.hlog, so a run holds <out>/.meshbench.lock
// (its pid, its process's start time, when) while it writes; a second run refuses, naming
// the holder. A lock whose holder is gone (a run killed outright) is taken over.
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readProcFile } from "../platform/local/owned.ts";
import { parseProcStat } from "../platform/local/proc.ts";

export const LOCK_FILE = ".meshbench.lock";

export interface LockHolder {
  pid: number;
  /** The holder's start time (/proc/<pid>/stat): a pid reused by another process is no holder. */
  startTicks: number | null;
  startedAt: string;
}

export class ResultsLocked extends Error {
  readonly holder: LockHolder;
  constructor(dir: string, holder: LockHolder) {
    super(
      `${dir} is in use by another meshbench run (pid ${holder.pid}, since ${holder.startedAt}): ` +
        "two runs in one results folder would overwrite each other's results; " +
        "wait for it to end, or give this run another --out",
    );
    this.name = "ResultsLocked";
    this.holder = holder;
  }
}

export interface ResultsLock {
  /** Removes the lock (only if it is still this run's). */
  release(): Promise<void>;
}

export async function lockResults(dir: string): Promise<ResultsLock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    startedAt: new Date().toISOString(),
  };
  // Written whole beside it, then linked into place: link() creates only if nothing is
  // there, so a reader never sees a half-written lock and only one run can win.
  const mine = `${path}.${process.pid}`;
  await writeFile(mine, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(mine, path);
        return { release: () => releaseIfMine(path, me) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = await readHolder(path);
      if (holder && isRunning(holder)) throw new ResultsLocked(dir, holder);
      // Stale: move it aside (atomically) and make sure it was the stale one we moved, not
      // the fresh lock of a run that took it over meanwhile (then put that one back).
      const aside = `${path}.stale-${process.pid}`;
      try {
        await rename(path, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw error;
      }
      const moved = await readHolder(aside);
      if (moved && isRunning(moved)) {
        await link(aside, path).catch(() => {});
        await rm(aside, { force: true });
        throw new ResultsLocked(dir, moved);
      }
      await rm(aside, { force: true });
    }
    throw new Error(`${path}: could not take the lock (other runs keep taking it)`);
  } finally {
    await rm(mine, { force: true });
  }
}

async function releaseIfMine(path: string, me: LockHolder): Promise<void> {
  const holder = await readHolder(path);
  if (holder?.pid === me.pid && holder.startedAt === me.startedAt) await rm(path, { force: true });
}

async function readHolder(path: string): Promise<LockHolder | null> {
  try {
    const h = JSON.parse(await readFile(path, "utf8")) as Partial<LockHolder>;
    if (typeof h.pid !== "number" || !Number.isInteger(h.pid) || h.pid <= 0) return null;
    return {
      pid: h.pid,
      startTicks: typeof h.startTicks === "number" ? h.startTicks : null,
      startedAt: String(h.startedAt ?? "?"),
    };
  } catch {
    return null; // gone, or not a lock of ours: nobody holds it
  }
}

/** Whether the holder's process is still the one running (not a reuse of its pid). */
function isRunning(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = readProcFile(`/proc/${holder.pid}/stat`);
  if (stat === null) return true; // no /proc here: the pid is all there is to go by
  const { state, startTicks } = parseProcStat(stat);
  if (state === "Z" || state === "X") return false; // killed, not yet reaped
  return holder.startTicks === null || startTicks === holder.startTicks;
}

function startTicksOf(pid: number): number | null {
  const stat = readProcFile(`/proc/${pid}/stat`);
  return stat === null ? null : parseProcStat(stat).startTicks;
}
