// The local platform under faults: meshbench stopped from outside (SIGINT, SIGTERM,
// SIGKILL, a double Ctrl-C) at every phase, with a sidecar that is an sh wrapper around a
// forking server; afterwards no process it started is alive (found by a tag in their
// environment, which every descendant inherits), no port they listened on accepts
// connections, and no temporary folder is left. And meshbench exits once its work is done,
// whatever its processes left behind.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import type { LocalSidecar } from "../../src/mesh/schema.ts";
import { listeningInodes } from "../../src/platform/local/listeners.ts";
import { newOwnerToken } from "../../src/platform/local/owned.ts";
import { LocalPlatform } from "../../src/platform/local/platform.ts";
import { ProcessSet } from "../../src/platform/local/processes.ts";
import { startSidecar } from "../../src/platform/local/sidecar.ts";
import { findExecutable } from "../../src/tools/find-executable.ts";
import {
  isAlive,
  listeningSockets,
  stillListening,
  tagEnv,
  tagged,
  waitGone,
  waitTaggedGone,
} from "../helpers/platform.ts";

if (!findExecutable("haproxy")) {
  throw new Error("these tests run HAProxy: install it (sudo apt-get install -y haproxy)");
}

const root = mkdtempSync(join(tmpdir(), "meshbench-faults-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** haproxy-sidecar.yaml with its command replaced by the wrapper (sh → haproxy -W → worker). */
function forkingMesh(): string {
  const file = join(root, "forking-sidecar.yaml");
  const wrapper = resolve("test/fixtures/bin/forking-sidecar");
  const text = readFileSync("scenarios/meshes/haproxy-sidecar.yaml", "utf8")
    .replace("name: haproxy-sidecar", "name: forking-sidecar")
    .replace('command: [haproxy, -db, -f, "{config}"]', `command: [${wrapper}, "{config}"]`);
  expect(text).toContain(wrapper);
  writeFileSync(file, text);
  return file;
}
const MESH = forkingMesh();

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

interface Started {
  child: ChildProcess;
  tag: string;
  /** Its private TMPDIR: where its temporary folders go. */
  tmp: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
}

function start(command: string[], env: NodeJS.ProcessEnv = {}): Started {
  const tag = randomUUID();
  const tmp = join(root, tag);
  mkdirSync(tmp);
  const child = spawn(process.execPath, command, {
    env: { ...process.env, ...env, TMPDIR: tmp, ...tagEnv(tag) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return { child, tag, tmp, exit, stdout: () => out };
}

/** Resolves with the first stdout line matching; rejects if it exits first or after 90 s. */
function lineOf(s: Started, pattern: RegExp): Promise<string> {
  let stderr = "";
  s.child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in 90 s:\n${stderr}`)), 90_000);
    createInterface({ input: s.child.stdout! }).on("line", (line) => {
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      resolve(line);
    });
    s.exit.then(() => reject(new Error(`exited before ${pattern}:\n${stderr}`)));
  });
}

/** "pid comm state ppid cmdline" of each: what a leftover process is, when one is. */
function described(pids: readonly number[]): string[] {
  return pids.map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 120);
      return `${pid} ${comm(pid)} ${state} ppid ${ppid}: ${cmd}`;
    } catch {
      return `${pid} (gone)`;
    }
  });
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

const EXPECTED_EXIT = {
  SIGINT: { code: 130, signal: null },
  SIGTERM: { code: 143, signal: null },
  SIGKILL: { code: null, signal: "SIGKILL" },
} as const;

describe("meshbench stopped from outside, at every phase, with a forking wrapper sidecar", () => {
  const phases = ["prepare", "install", "deploy", "load"] as const;
  const signals = ["SIGINT", "SIGTERM", "SIGKILL"] as const;
  it.each(phases.flatMap((phase) => signals.map((signal) => [phase, signal] as const)))(
    "in %s, %s: no process, port or temporary folder left",
    async (phase, signal) => {
      const s = start(["test/fixtures/local/phases.ts", MESH, phase, join(root, "out")]);
      await lineOf(s, new RegExp(`^in ${phase}$`));
      const pids = (await tagged(s.tag)).filter((p) => p !== s.child.pid);
      const sockets = await listeningSockets(pids);
      const ports = new Set(sockets.map((x) => x.port));
      // What there is to clean up at this point: the run's folder, its reaper, and from
      // deploy on the services and their sidecars, each a shell script with an HAProxy master and
      // its worker (1 instance fully started: 3 sidecars).
      expect(readdirSync(s.tmp).filter((d) => d.startsWith("meshbench-phases-"))).toHaveLength(1);
      expect(pids.length).toBeGreaterThanOrEqual(1);
      if (phase === "deploy" || phase === "load") {
        expect(pids.filter((p) => comm(p) === "haproxy").length).toBeGreaterThanOrEqual(6);
        // (a script's command name is its file's)
        expect(pids.filter((p) => comm(p) === "forking-sidecar").length).toBeGreaterThanOrEqual(3);
        expect(ports.size).toBeGreaterThanOrEqual(6);
      }

      s.child.kill(signal);
      expect(await s.exit).toEqual(EXPECTED_EXIT[signal]);
      expect(described(await waitTaggedGone(s.tag))).toEqual([]);
      expect(await stillListening(sockets)).toEqual([]);
      expect(readdirSync(s.tmp)).toEqual([]);
    },
    150_000,
  );

  it("a double Ctrl-C during the load (the emergency stop): nothing left either", async () => {
    const s = start(["test/fixtures/local/phases.ts", MESH, "load", join(root, "out")]);
    await lineOf(s, /^in load$/);
    const sockets = await listeningSockets(await tagged(s.tag));
    expect(sockets.length).toBeGreaterThanOrEqual(6);
    s.child.kill("SIGINT");
    s.child.kill("SIGINT");
    expect(await s.exit).toEqual(EXPECTED_EXIT.SIGINT);
    expect(await waitTaggedGone(s.tag)).toEqual([]);
    expect(await stillListening(sockets)).toEqual([]);
    expect(readdirSync(s.tmp)).toEqual([]);
  }, 150_000);
});

describe("meshbench exits once its work is done", () => {
  it("even when a process it started left a child holding its pipes", async () => {
    const s = start(["test/fixtures/local/orphan-stdio.ts"]);
    await lineOf(s, /^exited$/);
    // The orphan (a `setsid sleep 60`) is still there, with the pipes…
    await expect
      .poll(async () => (await tagged(s.tag)).map(comm), { timeout: 10_000 })
      .toContain("sleep");
    // …and the script ends anyway, long before the sleep would.
    expect(await s.exit).toEqual({ code: 0, signal: null });
    for (const pid of await tagged(s.tag)) process.kill(pid, "SIGKILL");
  }, 60_000);

  it("meshbench run with the wrapper sidecar: prints the report, exits 0, leaves nothing", async () => {
    const dir = mkdtempSync(join(root, "run-"));
    mkdirSync(join(dir, "meshes"));
    writeFileSync(join(dir, "meshes", "forking-sidecar.yaml"), readFileSync(MESH));
    writeFileSync(
      join(dir, "s.yaml"),
      `name: wrapper
platform: local
meshes: [forking-sidecar]
repetitions: 1
workload: { app: emojivoto, instances: 1 }
load: { rate: 20, duration: 3s, warmup: 1s, connections: 2, paths: ["/api/list"] }
`,
    );
    const out = join(dir, "results");
    const s = start([
      "src/cli/main.ts",
      "run",
      join(dir, "s.yaml"),
      "--out",
      out,
      "--chart-host",
      "none",
    ]);
    expect(await s.exit).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toContain(`Report: ${join(out, "wrapper", "report.md")}`);
    expect(s.stdout()).toMatch(/forking-sidecar r1 .* ok/);
    expect(await waitTaggedGone(s.tag)).toEqual([]);
    expect(readdirSync(s.tmp)).toEqual([]);
  }, 120_000);
});

const haproxy = (await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml")).local!.sidecar!;

describe("a sidecar is ready when its own listener is up", () => {
  const sets: ProcessSet[] = [];
  afterEach(async () => {
    await Promise.all(sets.splice(0).map((s) => s.stopAll()));
  });
  const sidecar = (sidecar: LocalSidecar, pickPort?: () => Promise<number>) => {
    const processes = new ProcessSet(newOwnerToken());
    sets.push(processes);
    const started = startSidecar({
      sidecar,
      processes,
      configDir: mkdtempSync(join(root, "cfg-")),
      name: "web-1-sidecar",
      protocol: "http",
      appPort: 1,
      readyTimeoutMs: 30_000,
      ...(pickPort ? { pickPort } : {}),
    });
    return { processes, started };
  };

  it("reads LISTEN sockets of a port from the kernel's table, IPv4 and IPv6", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0",
      "   1: 0100007F:1F90 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0",
      "   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0",
      "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 444 1 0",
    ].join("\n");
    // 0x1F90 = 8080: the listeners (state 0A), not the connection (01), not port 8081.
    expect(listeningInodes(table, 8080)).toEqual(["111", "444"]);
  });

  it("refuses a port another process holds, names it, and keeps the proxy's own words", async () => {
    const holder = spawn(
      process.execPath,
      [
        "-e",
        "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(holder);
    const port = Number(
      await new Promise<string>((r) => holder.stdout!.once("data", (d) => r(String(d)))),
    );
    const { processes, started } = sidecar(haproxy, async () => port);
    const error = await started.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      new RegExp(
        `^web-1-sidecar: 127\\.0\\.0\\.1:${port} is already in use by pid ${holder.pid} \\(node\\), not by the sidecar \\(Address already in use\\); haproxy exited with code 1:\\n`,
      ),
    );
    // HAProxy's own report of it is in the message too.
    expect(error?.message).toMatch(/cannot bind socket \(Address already in use\)/);
    // Three tries, all stopped; the holder was not touched.
    expect(processes.all()).toHaveLength(3);
    expect(processes.all().every((p) => p.exited)).toBe(true);
    expect(isAlive(holder.pid!)).toBe(true);
  }, 60_000);

  it("refuses a proxy that daemonizes, saying it must stay in the foreground, and stops it", async () => {
    // HAProxy's daemon mode: it binds, forks a child into a session of its own, exits 0.
    const def = await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml");
    const daemonizing = {
      ...def,
      name: "daemonizing",
      local: {
        ...def.local!,
        sidecar: { ...haproxy, command: ["haproxy", "-D", "-f", "{config}"] },
      },
    };
    const platform = new LocalPlatform({ readyTimeoutMs: 30_000 });
    await platform.prepare({ runId: "daemon-test" });
    try {
      await platform.installMesh(daemonizing, null);
      const error = await platform.deployWorkload({ app: "emojivoto", instances: 1 }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(
        /sidecar.* left pid \d+ \(haproxy\)(, pid \d+ \(haproxy\))* running in the background \(it daemonized\); a sidecar must stay in the foreground/,
      );
      const daemons = [...error!.message.matchAll(/pid (\d+) \(haproxy\)/g)].map((m) =>
        Number(m[1]),
      );
      await platform.cleanup();
      expect(await waitGone(daemons)).toEqual([]);
    } finally {
      await platform.cleanup();
    }
  }, 90_000);
});

describe("the local Emojivoto fails the doughnut vote as the cluster's v11 images do", () => {
  it("500 with the gRPC error, the vote not counted; other votes count", async () => {
    // emojivoto v11's VoteDoughnut returns fmt.Errorf("ERROR") (gRPC code Unknown) before
    // counting, and its web answers 500 {"error": "<the error>"} (web.go writeError).
    const platform = new LocalPlatform({ readyTimeoutMs: 30_000 });
    await platform.prepare({ runId: "doughnut-test" });
    try {
      await platform.installMesh(await loadMeshDefinition("scenarios/meshes/bare.yaml"), null);
      const [instance] = (await platform.deployWorkload({ app: "emojivoto", instances: 1 }))
        .instances;
      const get = async (path: string) => {
        const r = await fetch(new URL(path, instance!.baseUrl), {
          headers: { connection: "close" },
        });
        return { status: r.status, body: await r.text() };
      };
      const doughnut = await get("api/vote?choice=:doughnut:");
      expect(doughnut.status).toBe(500);
      expect(JSON.parse(doughnut.body)).toEqual({
        error: "rpc error: code = Unknown desc = ERROR",
      });
      expect((await get("api/vote?choice=:joy:")).status).toBe(200);
      expect(JSON.parse((await get("api/leaderboard")).body)).toEqual([
        { shortcode: ":joy:", unicode: "😂", votes: "1" },
      ]);
    } finally {
      await platform.cleanup();
    }
  }, 90_000);
});
