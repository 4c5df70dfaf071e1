// What "nothing left behind" means in tests: no process that has not ended (a zombie
// waiting for a reaper has ended: it holds no port and runs nothing), no port still
// accepting connections.
import { isPortOpen } from "../../src/platform/local/ports.ts";
import { hasEnded } from "../../src/platform/local/proc.ts";

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
