// The processes a local run owns, as the kernel sees them. Every process the run starts
// carries two variables in its environment: MESHBENCH_OWNER, the run's token
// ("<meshbench pid>.<random>"), and MESHBENCH_PROCESS, its name ("web-1-sidecar"). Children
// inherit the environment whatever they do next (fork workers, leave the process group,
// daemonize), so /proc/<pid>/environ finds every one of them, even after meshbench is gone
// and nobody remembers their pids; a random token never matches anyone else's process.
// Linux only: elsewhere there is no /proc and the run's process groups are all there is.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { hasEnded, parseProcStat } from "./proc.ts";

export const OWNER_VAR = "MESHBENCH_OWNER";
export const NAME_VAR = "MESHBENCH_PROCESS";

export function newOwnerToken(pid = process.pid): string {
  return `${pid}.${randomBytes(6).toString("hex")}`;
}

/** The pid of the meshbench that made the token. */
export function tokenPid(token: string): number {
  return Number(token.split(".")[0]);
}

export interface OwnedProcess {
  pid: number;
  pgrp: number;
  /** Its program's name (programName). */
  comm: string;
  token: string;
  /** MESHBENCH_PROCESS: which of the run's processes it is, or descends from. */
  name: string | null;
}

/** The values of `names` in a /proc/<pid>/environ text (NUL-separated NAME=value). Pure. */
export function environValues(text: string, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of text.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0 && names.includes(entry.slice(0, eq)))
      found.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return found;
}

/**
 * Every live process carrying an owner token: this token's (and name's) when given, any
 * otherwise. Processes of other users are not readable and not listed; [] without /proc.
 */
export function findOwned(
  filter: { token?: string; name?: string } = {},
  procRoot = "/proc",
): OwnedProcess[] {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return [];
  }
  const owned: OwnedProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const vars = readProcFile(`${procRoot}/${pid}/environ`);
    // Cheap test first: most processes on the machine are not ours.
    if (vars === null || !vars.includes(`${OWNER_VAR}=`)) continue;
    const values = environValues(vars, [OWNER_VAR, NAME_VAR]);
    const token = values.get(OWNER_VAR)!;
    const name = values.get(NAME_VAR) ?? null;
    if (filter.token !== undefined && token !== filter.token) continue;
    if (filter.name !== undefined && name !== filter.name) continue;
    const stat = readProcFile(`${procRoot}/${pid}/stat`);
    if (stat === null || hasEnded(pid, procRoot)) continue;
    owned.push({
      pid,
      pgrp: parseProcStat(stat).pgrp,
      comm: programName(pid, procRoot),
      token,
      name,
    });
  }
  return owned;
}

/**
 * SIGKILLs every live process of the token (and name), looking again until none is left
 * (one may fork while the others die), at most `rounds` times. Returns the pids killed.
 */
export function killOwned(
  filter: { token: string; name?: string },
  { procRoot = "/proc", rounds = 20 } = {},
): number[] {
  const killed = new Set<number>();
  for (let round = 0; round < rounds; round++) {
    const left = findOwned(filter, procRoot).filter((p) => p.pid !== process.pid);
    if (left.length === 0) break;
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
        killed.add(p.pid);
      } catch {
        // gone meanwhile
      }
    }
    pause(10); // a SIGKILLed process takes a moment to end
  }
  return [...killed];
}

/** Other meshbench runs on this machine, seen through their processes: their pids and counts. */
export function otherRuns(
  token: string,
  procRoot = "/proc",
): Array<{ pid: number; processes: number }> {
  const counts = new Map<string, number>();
  for (const p of findOwned({}, procRoot)) {
    if (p.token !== token) counts.set(p.token, (counts.get(p.token) ?? 0) + 1);
  }
  return [...counts].map(([t, processes]) => ({ pid: tokenPid(t), processes }));
}

export function describeProcess(p: { pid: number; comm: string }): string {
  return `pid ${p.pid} (${p.comm})`;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * What a person calls the process: its program's file name (from argv[0]), or the kernel's
 * command name (a Node process renames its main thread "MainThread" there).
 */
export function programName(pid: number, procRoot = "/proc"): string {
  const argv0 = readProcFile(`${procRoot}/${pid}/cmdline`)?.split("\0")[0];
  return argv0 ? basename(argv0) : (readProcFile(`${procRoot}/${pid}/comm`)?.trim() ?? "?");
}

/** A small /proc file's text; null if it is gone or not ours to read. */
export function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // gone, or another user's
  }
}
