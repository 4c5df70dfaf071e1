// Reboot before benchmarking (the 2019 study did it before every series): every worker is
// rebooted at once, and each counts as back when SSH answers with a new kernel boot id and
// its node is Ready reporting that boot id. Checking the boot id, not just "SSH answers",
// is what tells a host that came back from one that never went down.
import type { Kube } from "../../kube/client.ts";
import type { SshSession } from "./connection.ts";
import { HostKeyMismatchError } from "./host-keys.ts";
import { describeHost, type Host } from "./hosts.ts";
import type { HostLayout } from "./k3s.ts";
import { waitForNodes } from "./nodes.ts";

export interface RebootOptions {
  kube: Kube;
  layout: Pick<HostLayout, "rebootCommand" | "bootIdCommand">;
  /** Opens an SSH session to a host, waiting for it up to `timeoutMs`. */
  connect: (host: Host, timeoutMs: number) => Promise<SshSession>;
  /** Per host, from the reboot command to Ready (default 20 minutes: servers POST slowly). */
  timeoutMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

const BOOT_ID = /^[0-9a-f-]{16,64}$/;

async function bootId(session: SshSession, command: string): Promise<string> {
  const id = (await session.run("read the boot id", command, { timeoutMs: 30_000 })).trim();
  if (!BOOT_ID.test(id))
    throw new Error(`${describeHost(session.host)}: unexpected boot id ${JSON.stringify(id)}`);
  return id;
}

async function rebootOne(host: Host, o: RebootOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 1_200_000;
  const deadline = Date.now() + timeoutMs;
  const first = await o.connect(host, 120_000);
  let before: string;
  try {
    before = await bootId(first, o.layout.bootIdCommand);
    await first.run("schedule a reboot", o.layout.rebootCommand, { timeoutMs: 60_000 });
  } finally {
    first.close();
  }
  o.log?.(`rebooting ${describeHost(host)}`);
  let after: string | null = null;
  while (after === null) {
    await new Promise((r) => setTimeout(r, o.pollMs ?? 10_000));
    const left = deadline - Date.now();
    if (left <= 0)
      throw new Error(
        `${describeHost(host)} did not come back with a new boot within ${Math.round(timeoutMs / 1000)}s of its reboot; check it from the provider's console`,
      );
    try {
      const s = await o.connect(host, left);
      try {
        const id = await bootId(s, o.layout.bootIdCommand);
        if (id !== before) after = id;
      } finally {
        s.close();
      }
    } catch (error) {
      if (error instanceof HostKeyMismatchError) throw error;
      // Still going down or not up yet: try again.
    }
  }
  await waitForNodes(o.kube, [host.name], {
    timeoutMs: Math.max(1_000, deadline - Date.now()),
    pollMs: o.pollMs ?? 3_000,
    bootIds: { [host.name]: after },
  });
  o.log?.(`${describeHost(host)} is back and Ready`);
}

/**
 * Reboots the workers in parallel; fails (after all have finished) naming every one that did not
 * come back.
 */
export async function rebootWorkers(hosts: readonly Host[], options: RebootOptions): Promise<void> {
  const workers = hosts.filter((h) => h.role === "worker");
  const results = await Promise.allSettled(workers.map((h) => rebootOne(h, options)));
  const failed = results
    .map((r) => (r.status === "rejected" ? (r.reason as Error).message : null))
    .filter((m): m is string => m !== null);
  if (failed.length)
    throw new Error(`reboot before benchmarking failed:\n  ${failed.join("\n  ")}`);
}
