// A local mesh's sidecar: an inbound proxy process in front of one service, started from
// the mesh definition (its command and a config template per protocol). The proxy has to
// be told its listening port in its config, so the port is picked free just before and,
// should another process take it in between, picked again. Ready means the proxy is alive
// and the listener on its port is its own (listeners.ts), held inside its process group: a
// port another process holds would otherwise look ready at once, and the run would measure
// that process. A proxy that goes into the background (daemonizes) is refused: meshbench
// could neither watch nor measure nor stop it.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalSidecar } from "../../mesh/schema.ts";
import { describeHolders, portOwnership } from "./listeners.ts";
import { describeProcess, findOwned, type OwnedProcess } from "./owned.ts";
import { freePort, isPortOpen } from "./ports.ts";
import type { ExitInfo, ManagedProcess, ProcessSet } from "./processes.ts";
import { describeExit, FOREGROUND } from "./processes.ts";
import { waitAtMost, waitUntil } from "./wait.ts";

export type Protocol = "http" | "grpc";

export interface TemplateValues {
  listenPort: number;
  appPort: number;
  service: string;
}

/** Fills {listenPort}, {appPort} and {service} in (the schema allows no other placeholder). */
export function renderSidecarConfig(template: string, values: TemplateValues): string {
  return template.replace(/\{(listenPort|appPort|service)\}/g, (_, key: keyof TemplateValues) =>
    String(values[key]),
  );
}

export interface SidecarStart {
  sidecar: LocalSidecar;
  processes: ProcessSet;
  /** Where rendered configs go (the run's private temporary directory). */
  configDir: string;
  /** `web-1-sidecar` */
  name: string;
  protocol: Protocol;
  appPort: number;
  readyTimeoutMs: number;
  signal?: AbortSignal;
  /** Where its listening port comes from (tests: a port someone holds). */
  pickPort?: () => Promise<number>;
}

const ATTEMPTS = 3;
/** How long a proxy that could not bind gets to exit and say so in its own words. */
const LAST_WORDS_MS = 2000;

/** Another process holds the sidecar's port. */
class PortTaken extends Error {}

export async function startSidecar(
  s: SidecarStart,
): Promise<{ process: ManagedProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const listenPort = await (s.pickPort ?? freePort)();
    const configPath = join(s.configDir, `${s.name}.cfg`);
    await writeFile(
      configPath,
      renderSidecarConfig(s.sidecar.config[s.protocol], {
        listenPort,
        appPort: s.appPort,
        service: s.name,
      }),
    );
    const [command, ...args] = s.sidecar.command.map((a) => a.replaceAll("{config}", configPath));
    const proxy = await s.processes.start({
      name: s.name,
      class: "data-plane",
      command: command!,
      args,
    });
    try {
      await waitUntil(() => listening(s, proxy, listenPort), {
        timeoutMs: s.readyTimeoutMs,
        what: `${s.name} listening on 127.0.0.1:${listenPort}`,
        signal: s.signal,
        giveUp: proxy.exit.then((e) => whyItQuit(s, command!, proxy, e)),
      });
      if (proxy.exited)
        throw new Error(`${s.name}: ${whyItQuit(s, command!, proxy, await proxy.exit)}`);
      proxy.port = listenPort;
      return { process: proxy, port: listenPort };
    } catch (error) {
      const taken = error instanceof PortTaken;
      // Let a proxy that could not bind exit and say so in its own words.
      if (taken) await waitAtMost(proxy.exit, LAST_WORDS_MS);
      await s.processes.stop(proxy);
      const conflict = taken || /cannot bind|address already in use/i.test(proxy.tail());
      if (!conflict) throw error;
      // Someone took the port between our check and the proxy's bind: pick another.
      if (attempt < ATTEMPTS) continue;
      const said = proxy.tail();
      throw new Error(
        `${s.name}: ${portInUse(listenPort)}; ${command} ${describeExit(await proxy.exit)}${said ? `:\n${said}` : ""}`,
      );
    }
  }
}

function portInUse(port: number): string {
  const owner = portOwnership(port, []);
  const who = owner.kind === "other" ? describeHolders(owner.holders) : "another process";
  return `127.0.0.1:${port} is already in use by ${who}, not by the sidecar (Address already in use)`;
}

/**
 * Whether the proxy listens on its port now. Throws when the port is someone else's, or
 * when the listener is the proxy's but outside its process group (it daemonized).
 */
async function listening(s: SidecarStart, proxy: ManagedProcess, port: number): Promise<boolean> {
  const mine = findOwned({ token: s.processes.token, name: s.name });
  const inGroup = mine.filter((p) => p.pgrp === proxy.pid).map((p) => p.pid);
  const owner = portOwnership(port, inGroup);
  switch (owner.kind) {
    case "unknown": // no /proc: the best left is to ask the port
      return !proxy.exited && (await isPortOpen(port));
    case "free":
      return false;
    case "ours":
      return !proxy.exited;
    case "other": {
      const escaped = mine.filter((p) => owner.holders.some((h) => h.pid === p.pid));
      if (escaped.length > 0) throw new Error(`${s.name}: ${wentAway(escaped)}`);
      throw new PortTaken();
    }
  }
}

/** Why waiting is over: the proxy's exit (what it left running, if it daemonized), its words. */
function whyItQuit(s: SidecarStart, command: string, proxy: ManagedProcess, e: ExitInfo): string {
  const said = proxy.tail();
  const words = said ? `:\n${said}` : "";
  const how = s.processes.explainExit(proxy, e);
  if (e.code === 0 && how === describeExit(e)) {
    return `${command} exited with code 0 before it listened; ${FOREGROUND}${words}`;
  }
  return `${command} ${how}${words}`;
}

function wentAway(left: readonly OwnedProcess[]): string {
  return `left ${left.map(describeProcess).join(", ")} running in the background (it daemonized); ${FOREGROUND}`;
}
