// A local mesh's sidecar: an inbound proxy process in front of one service, started from
// the mesh definition (its command and a config template per protocol). The proxy has to
// be told its listening port in its config, so the port is picked free just before and,
// should another process take it in between, picked again.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalSidecar } from "../../mesh/schema.ts";
import { freePort, isPortOpen } from "./ports.ts";
import type { ManagedProcess, ProcessSet } from "./processes.ts";
import { describeExit } from "./processes.ts";
import { waitUntil } from "./wait.ts";

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
}

const ATTEMPTS = 3;

export async function startSidecar(
  s: SidecarStart,
): Promise<{ process: ManagedProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const listenPort = await freePort();
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
      await waitUntil(() => isPortOpen(listenPort), {
        timeoutMs: s.readyTimeoutMs,
        what: `${s.name} listening on 127.0.0.1:${listenPort}`,
        signal: s.signal,
        giveUp: proxy.exit.then((e) => `${command} ${describeExit(e)}: ${proxy.tail()}`),
      });
      if (proxy.exited) throw new Error(`${s.name}: ${command} exited: ${proxy.tail()}`);
      proxy.port = listenPort;
      return { process: proxy, port: listenPort };
    } catch (error) {
      await s.processes.stop(proxy);
      // Someone took the port between our check and the proxy's bind: pick another.
      const raced = /cannot bind|address already in use/i.test(proxy.tail());
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}
