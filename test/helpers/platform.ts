// What "nothing left behind" means in tests: no process that has not ended (a zombie
// waiting for a reaper has ended: it holds no port and runs nothing), no port still
// accepting connections. Processes are found by a variable the test put in the
// environment of what it started (MESHBENCH_TEST_TAG, passed on by meshbench as
// MESHBENCH_PASS_ENV asks): inherited by every descendant, whatever group or session it
// moved to, and independent of meshbench's own bookkeeping.
import { readdir, readFile, readlink } from "node:fs/promises";
import { isPortOpen } from "../../src/platform/local/ports.ts";
import { hasEnded } from "../../src/platform/local/proc.ts";
import { passEnv } from "./process.ts";

/** The variables that tag a test's meshbench and everything it starts. */
export const tagEnv = (tag: string) => passEnv({ MESHBENCH_TEST_TAG: tag });

export function isAlive(pid: number): boolean {
  return !hasEnded(pid);
}

export async function openPorts(ports: readonly number[]): Promise<number[]> {
  const open = await Promise.all(ports.map((p) => isPortOpen(p)));
  return ports.filter((_, i) => open[i]);
}

/** Waits (bounded) until none of the pids is alive; returns those still alive. */
export async function waitGone(pids: readonly number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** A listening socket: its port and the kernel's inode for it (a new listener gets a new one). */
export interface ListeningSocket {
  port: number;
  inode: string;
}

/** LISTEN sockets by inode, from /proc/net/tcp{,6}. */
async function listenersByInode(): Promise<Map<string, number>> {
  const byInode = new Map<string, number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the 10th field.
      if (f.length < 10 || f[3] !== "0A") continue;
      byInode.set(f[9]!, Number.parseInt(f[1]!.split(":")[1]!, 16));
    }
  }
  return byInode;
}

/** The TCP sockets the given processes are listening on now (from /proc/net/tcp{,6} and their fds). */
export async function listeningSockets(pids: readonly number[]): Promise<ListeningSocket[]> {
  const byInode = await listenersByInode();
  const sockets = new Map<string, ListeningSocket>();
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const port = inode === undefined ? undefined : byInode.get(inode);
      if (inode !== undefined && port !== undefined) sockets.set(inode, { port, inode });
    }
  }
  return [...sockets.values()].sort((a, b) => a.port - b.port);
}

/**
 * Ports whose very socket (same inode) still listens, whoever holds it now: unlike "does the
 * port accept", a port the kernel handed to another test's server after ours closed is not
 * counted, while a leftover process that kept our socket is.
 */
export async function stillListening(sockets: readonly ListeningSocket[]): Promise<number[]> {
  const byInode = await listenersByInode();
  return [...new Set(sockets.filter((s) => byInode.has(s.inode)).map((s) => s.port))];
}

/** Processes still alive that inherited the test's tag (every process meshbench started). */
export async function tagged(tag: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = await readFile(`/proc/${entry}/environ`, "latin1");
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (env.includes(`MESHBENCH_TEST_TAG=${tag}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Waits (bounded) until no tagged process is alive; returns those still alive. */
export async function waitTaggedGone(tag: string, timeoutMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = await tagged(tag);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    alive = await tagged(tag);
  }
  return alive;
}
