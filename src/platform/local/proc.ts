// Reading Linux's /proc: a process's CPU time and start time from /proc/<pid>/stat, its
// resident memory from /proc/<pid>/status, its proportional memory (PSS: shared pages
// split among the processes sharing them) from /proc/<pid>/smaps_rollup, its children
// from /proc/<pid>/task/<tid>/children. Parsing is pure (text in, numbers out); the reads
// are small synchronous file reads.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { childEnv } from "../../tools/child-env.ts";

export interface ProcStat {
  /** R, S, D, Z (zombie: exited, not yet reaped), T, X … */
  state: string;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
  /** CPU time of its children that have ended and been waited for (cutime + cstime). */
  reapedTicks: number;
  /** When the process started, in clock ticks after boot: a new process has a new one. */
  startTicks: number;
  /** Its parent's pid and its process group. */
  ppid: number;
  pgrp: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself
 * hold spaces and parentheses, so fields are counted from the last ")".
 */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(")");
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  // After ") ": field 3 (state) is index 0, so field n is index n - 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  const start = Number(fields[22 - 3]);
  const ppid = Number(fields[4 - 3]);
  const pgrp = Number(fields[5 - 3]);
  if (![utime, stime, cutime, cstime, start, ppid, pgrp].every(Number.isFinite)) {
    throw new Error(`unexpected /proc/<pid>/stat fields: ${text.slice(0, 80)}`);
  }
  return {
    state: fields[0] ?? "?",
    cpuTicks: utime + stime,
    reapedTicks: cutime + cstime,
    startTicks: start,
    ppid,
    pgrp,
  };
}

/** Resident memory in bytes from /proc/<pid>/status (VmRSS); 0 when absent (a zombie). */
export function parseRssBytes(statusText: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Proportional set size in bytes from /proc/<pid>/smaps_rollup; null when absent. */
export function parsePssBytes(smapsRollup: string): number | null {
  const match = /^Pss:\s+(\d+)\s+kB$/m.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : null;
}

/** Cores used between two readings: CPU seconds over wall seconds. */
export function cpuCores(
  before: { cpuTicks: number; atMs: number },
  after: { cpuTicks: number; atMs: number },
  ticksPerSecond: number,
): number {
  const wallSeconds = (after.atMs - before.atMs) / 1000;
  if (wallSeconds <= 0) return 0;
  return Math.max(0, (after.cpuTicks - before.cpuTicks) / ticksPerSecond / wallSeconds);
}

let ticks: number | undefined;

/** The kernel's USER_HZ (`getconf CLK_TCK`): the unit of CPU times in /proc. */
export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(
        execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", env: childEnv() }).trim(),
      );
    } catch {
      ticks = Number.NaN;
    }
    // 100 on every Linux architecture in practice; getconf may be missing in slim images.
    if (!Number.isFinite(ticks) || ticks <= 0) ticks = 100;
  }
  return ticks;
}

export interface ProcReading extends ProcStat {
  rssBytes: number;
}

/** A process with every descendant: what a sidecar that forks workers costs. */
export interface TreeReading {
  /** The root's start time: a new root is a restart. */
  startTicks: number;
  /**
   * CPU ticks of the tree: each process's own and those of its ended children, so a worker
   * that exits and is waited for moves its ticks to its parent instead of losing them.
   */
  cpuTicks: number;
  /** PSS summed over the tree (RSS where smaps_rollup cannot be read). */
  memoryBytes: number;
  processes: number;
}

/** The pids of a process's children (of any of its threads); [] when it is gone. */
export function childPids(pid: number, procRoot = "/proc"): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) => {
    try {
      const text = readFileSync(`${procRoot}/${pid}/task/${tid}/children`, "utf8").trim();
      return text === "" ? [] : text.split(/\s+/).map(Number);
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

function readPss(pid: number, procRoot: string): number | null {
  try {
    return parsePssBytes(readFileSync(`${procRoot}/${pid}/smaps_rollup`, "utf8"));
  } catch {
    return null; // gone meanwhile, or a kernel without smaps_rollup (< 4.14)
  }
}

/** One reading of a live process and all its descendants; null if the root is gone. */
export function readProcTree(pid: number, procRoot = "/proc"): TreeReading | null {
  const root = readProc(pid, procRoot);
  if (!root) return null;
  const tree: TreeReading = {
    startTicks: root.startTicks,
    cpuTicks: 0,
    memoryBytes: 0,
    processes: 0,
  };
  const seen = new Set<number>();
  const visit = (p: number, reading: ProcReading | null) => {
    if (seen.has(p)) return;
    seen.add(p);
    if (reading) {
      tree.cpuTicks += reading.cpuTicks + reading.reapedTicks;
      tree.memoryBytes += readPss(p, procRoot) ?? reading.rssBytes;
      tree.processes++;
    } else {
      // A zombie child (ended, not yet waited for) still holds the ticks it used.
      const stat = readStat(p, procRoot);
      if (stat) tree.cpuTicks += stat.cpuTicks + stat.reapedTicks;
    }
    for (const child of childPids(p, procRoot)) visit(child, readProc(child, procRoot));
  };
  visit(pid, root);
  return tree;
}

function readStat(pid: number, procRoot: string): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** One reading of a live process; null if it is gone (or a zombie). */
export function readProc(pid: number, procRoot = "/proc"): ProcReading | null {
  try {
    const stat = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
    if (stat.state === "Z" || stat.state === "X") return null;
    const rssBytes = parseRssBytes(readFileSync(`${procRoot}/${pid}/status`, "utf8"));
    return { ...stat, rssBytes };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return null;
    throw error;
  }
}

/**
 * Whether a process has fully ended. /proc/<pid>/stat shows the main thread's state, and
 * a multi-threaded process (Node, for one) can show Z while its other threads are still
 * exiting and its sockets still open: it has ended once it is gone, or a zombie with a
 * single thread left.
 */
export function hasEnded(pid: number, procRoot = "/proc"): boolean {
  try {
    const { state } = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
    if (state !== "Z" && state !== "X") return false;
    const threads = /^Threads:\s+(\d+)$/m.exec(readFileSync(`${procRoot}/${pid}/status`, "utf8"));
    return threads === null || Number(threads[1]) <= 1;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return true;
    throw error;
  }
}
