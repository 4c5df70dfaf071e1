// One Emojivoto instance on this machine: emoji-N, voting-N and web-N, each its own
// process of this same CLI (`meshbench workload …`), each on a free port it picks and
// reports. With a local mesh, every service also gets its sidecar (emoji-N-sidecar …),
// and callers go through the callee's sidecar, as with a mesh's inbound proxies: web calls
// emoji and voting via their sidecars, and the load generator calls web via web's.
import { get } from "node:http";
import type { LocalSidecar } from "../../mesh/schema.ts";
import type { ManagedProcess, ProcessSet } from "./processes.ts";
import { selfCommand } from "./self.ts";
import { type Protocol, startSidecar } from "./sidecar.ts";
import { waitUntil } from "./wait.ts";

export interface InstanceOptions {
  processes: ProcessSet;
  /** 1-based: the counter suffix of every name. */
  index: number;
  sidecar: LocalSidecar | null;
  configDir: string;
  readyTimeoutMs: number;
  signal?: AbortSignal;
}

export interface LocalInstance {
  name: string;
  /** Where callers reach web: web's sidecar if there is one. */
  baseUrl: string;
}

export async function startInstance(o: InstanceOptions): Promise<LocalInstance> {
  const self = selfCommand();
  const mine: ManagedProcess[] = [];
  const service = (name: string, workload: string, extra: string[] = []) =>
    o.processes
      .start({
        name,
        class: "application",
        command: self.command,
        args: [...self.args, "workload", workload, "--port", "0", "--stdin-lifeline", ...extra],
        lifeline: true,
        readyLine: true,
        readyTimeoutMs: o.readyTimeoutMs,
      })
      .then((p) => {
        mine.push(p);
        return p;
      });
  // The address callers use: the service's sidecar if the mesh has sidecars, else itself.
  const front = async (p: ManagedProcess, protocol: Protocol): Promise<number> => {
    if (!o.sidecar) return p.port!;
    const proxy = await startSidecar({
      sidecar: o.sidecar,
      processes: o.processes,
      configDir: o.configDir,
      name: `${p.name}-sidecar`,
      protocol,
      appPort: p.port!,
      readyTimeoutMs: o.readyTimeoutMs,
      signal: o.signal,
    });
    mine.push(proxy.process);
    return proxy.port;
  };

  const i = o.index;
  const [emojiPort, votingPort] = await Promise.all([
    service(`emoji-${i}`, "emojivoto-emoji").then((p) => front(p, "grpc")),
    service(`voting-${i}`, "emojivoto-voting").then((p) => front(p, "grpc")),
  ]);
  const web = await service(`web-${i}`, "emojivoto-web", [
    "--emoji-addr",
    `127.0.0.1:${emojiPort}`,
    "--voting-addr",
    `127.0.0.1:${votingPort}`,
  ]);
  const webPort = await front(web, "http");
  const instance = { name: `emojivoto-${i}`, baseUrl: `http://127.0.0.1:${webPort}/` };

  // Ready means answering end to end: the list (web → emoji) and the leaderboard
  // (web → voting), through every sidecar on the way.
  // A process of the instance that exits meanwhile makes waiting pointless.
  const died = Promise.race(
    mine.map((p) => p.exit.then((e) => `${p.name} ${o.processes.explainExit(p, e)}: ${p.tail()}`)),
  );
  for (const path of ["api/list", "api/leaderboard"]) {
    const url = new URL(path, instance.baseUrl).href;
    await waitUntil(() => answers(url), {
      timeoutMs: o.readyTimeoutMs,
      what: `${instance.name} answering ${url}`,
      signal: o.signal,
      giveUp: died,
    });
  }
  return instance;
}

/** One GET on a fresh connection (none is left open in meshbench's own process). */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode === 200));
      response.on("error", () => resolve(false));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}
