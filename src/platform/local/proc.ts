// Reading Linux's /proc: a process's CPU time and start time from /proc/<pid>/stat, its
// resident memory from /proc/<pid>/status. Parsing is pure (text in, numbers out); the
// reads are one small synchronous file read each.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ProcStat {
  /** R, S, D, Z (zombie: exited, not yet reaped), T, X … */
  state: string;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
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
  const start = Number(fields[22 - 3]);
  const ppid = Number(fields[4 - 3]);
  const pgrp = Number(fields[5 - 3]);
  if (![utime, stime, start, ppid, pgrp].every(Number.isFinite)) {
    throw new Error(`unexpected /proc/<pid>/stat fields: ${text.slice(0, 80)}`);
  }
  return { state: fields[0] ?? "?", cpuTicks: utime + stime, startTicks: start, ppid, pgrp };
}

/** Resident memory in bytes from /proc/<pid>/status (VmRSS); 0 when absent (a zombie). */
export function parseRssBytes(statusText: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : 0;
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
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
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
