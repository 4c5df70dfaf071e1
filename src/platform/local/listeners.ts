// Who listens on a TCP port, from the kernel's own tables: /proc/net/tcp and /proc/net/tcp6
// list every socket with its local address, state and inode, and /proc/<pid>/fd links each
// socket a process holds to that inode. Readiness asks this rather than "does the port
// accept a connection": another process's listener accepts connections too, and a run
// that took it for the sidecar's would measure that process instead.
import { readdirSync, readlinkSync } from "node:fs";
import { describeProcess, programName, readProcFile } from "./owned.ts";

const LISTEN = "0A";

/** Inodes of the LISTEN sockets on `port` (any local address) in a /proc/net/tcp{,6} text. Pure. */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const hexPort = f[1]!.slice(f[1]!.lastIndexOf(":") + 1);
    if (Number.parseInt(hexPort, 16) === port) inodes.push(f[9]!);
  }
  return inodes;
}

export type PortOwnership =
  /** No /proc/net/tcp here (not Linux): the kernel cannot be asked. */
  | { kind: "unknown" }
  | { kind: "free" }
  /** Every listener on the port is held by one of the given processes. */
  | { kind: "ours" }
  /** Someone else listens there too (or instead); `holders` as far as they can be seen. */
  | { kind: "other"; holders: Array<{ pid: number; comm: string }> };

/** Whether the listeners on 127.0.0.1's `port` belong to the processes `ours`. */
export function portOwnership(
  port: number,
  ours: readonly number[],
  procRoot = "/proc",
): PortOwnership {
  const tables = ["tcp", "tcp6"].map((t) => readProcFile(`${procRoot}/net/${t}`));
  if (tables.every((t) => t === null)) return { kind: "unknown" };
  const inodes = new Set(tables.flatMap((t) => (t === null ? [] : listeningInodes(t, port))));
  if (inodes.size === 0) return { kind: "free" };
  for (const pid of ours) for (const inode of socketInodes(pid, procRoot)) inodes.delete(inode);
  if (inodes.size === 0) return { kind: "ours" };
  return { kind: "other", holders: holdersOf(inodes, procRoot) };
}

export function describeHolders(holders: ReadonlyArray<{ pid: number; comm: string }>): string {
  return holders.length > 0
    ? holders.map(describeProcess).join(", ")
    : "a process meshbench cannot see (another user's?)";
}

/** The socket inodes among a process's open files. */
function socketInodes(pid: number, procRoot: string): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return []; // gone, or not ours to read
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${procRoot}/${pid}/fd/${fd}`))?.[1];
      if (inode !== undefined) inodes.push(inode);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Every readable process holding one of the inodes: the whole of /proc, so only on failure. */
function holdersOf(inodes: ReadonlySet<string>, procRoot: string) {
  const holders: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (socketInodes(pid, procRoot).some((i) => inodes.has(i))) {
      holders.push({ pid, comm: programName(pid, procRoot) });
    }
  }
  return holders;
}
