// The local platform end to end, with real processes: Emojivoto ×N as child processes of
// the CLI, HAProxy sidecars in front of every service, the load generator as its own
// process, the /proc sampler, and cleanup that leaves nothing running. Loads are small
// (≤ 100 rps, a few seconds) on loopback.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import { LocalPlatform } from "../../src/platform/local/platform.ts";
import { renderSidecarConfig } from "../../src/platform/local/sidecar.ts";
import { PROCESS_CLASSES, targetUrls } from "../../src/platform/types.ts";
import { findExecutable } from "../../src/tools/find-executable.ts";
import { loadRequest } from "../helpers/load-request.ts";
import { isAlive, openPorts, waitGone } from "../helpers/platform.ts";

if (!findExecutable("haproxy")) {
  throw new Error("these tests run HAProxy: install it (sudo apt-get install -y haproxy)");
}

const bare = await loadMeshDefinition("scenarios/meshes/bare.yaml");
const haproxy = await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml");
const out = mkdtempSync(join(tmpdir(), "meshbench-local-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const platforms: LocalPlatform[] = [];
function platform(): LocalPlatform {
  const p = new LocalPlatform({ readyTimeoutMs: 20_000 });
  platforms.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.cleanup()));
});

async function get(url: string) {
  const r = await fetch(url, { headers: { connection: "close" } });
  return { status: r.status, body: await r.text() };
}

/** Everything the run started is gone: no live process, no port still open. */
async function expectNothingLeft(p: LocalPlatform) {
  const all = p.processes();
  expect(all.length).toBeGreaterThan(0);
  expect(await waitGone(all.map((x) => x.pid))).toEqual([]);
  expect(await openPorts(all.flatMap((x) => (x.port === null ? [] : [x.port])))).toEqual([]);
}

describe("sidecar configs", () => {
  it("fill in the ports and the service name", () => {
    expect(
      renderSidecarConfig("bind :{listenPort}\nserver {service} 127.0.0.1:{appPort}\n", {
        listenPort: 1,
        appPort: 2,
        service: "web-1-sidecar",
      }),
    ).toBe("bind :1\nserver web-1-sidecar 127.0.0.1:2\n");
  });
});

describe("LocalPlatform", () => {
  it("deploys bare Emojivoto ×2, every service its own process on its own port", async () => {
    const p = platform();
    await p.prepare({ runId: "bare-test" });
    await p.installMesh(bare, null);
    const d = await p.deployWorkload({ app: "emojivoto", instances: 2 });
    expect(d.instances.map((i) => i.name)).toEqual(["emojivoto-1", "emojivoto-2"]);
    const procs = p.processes();
    expect(procs.map((x) => x.name).sort()).toEqual(
      ["emoji-1", "emoji-2", "voting-1", "voting-2", "web-1", "web-2"].sort(),
    );
    expect(procs.every((x) => x.class === "application" && x.running && x.port)).toBe(true);
    expect(new Set(procs.map((x) => x.port)).size).toBe(6);
    // No sidecar: the load generator reaches web itself.
    const web1 = procs.find((x) => x.name === "web-1")!;
    expect(d.instances[0]!.baseUrl).toBe(`http://127.0.0.1:${web1.port}/`);

    // Each instance has its own state: a vote on one is not on the other.
    expect((await get(new URL("api/vote?choice=:joy:", d.instances[0]!.baseUrl).href)).status).toBe(
      200,
    );
    const boards = await Promise.all(
      d.instances.map((i) => get(new URL("api/leaderboard", i.baseUrl).href)),
    );
    expect(JSON.parse(boards[0]!.body)).toEqual([
      { shortcode: ":joy:", unicode: "😂", votes: "1" },
    ]);
    expect(JSON.parse(boards[1]!.body)).toEqual([]);
    expect(targetUrls(d, ["/api/list", "/api/leaderboard"])).toEqual([
      `${d.instances[0]!.baseUrl}api/list`,
      `${d.instances[0]!.baseUrl}api/leaderboard`,
      `${d.instances[1]!.baseUrl}api/list`,
      `${d.instances[1]!.baseUrl}api/leaderboard`,
    ]);

    await p.cleanup();
    await expectNothingLeft(p);
    await p.cleanup(); // idempotent
  });

  it("puts an HAProxy sidecar in front of every service, and callers go through it", async () => {
    const p = platform();
    await p.prepare({ runId: "sidecar-test" });
    await p.installMesh(haproxy, null);
    const d = await p.deployWorkload({ app: "emojivoto", instances: 1 });
    const procs = p.processes();
    const byName = new Map(procs.map((x) => [x.name, x]));
    expect(
      procs
        .filter((x) => x.class === "data-plane")
        .map((x) => x.name)
        .sort(),
    ).toEqual(["emoji-1-sidecar", "voting-1-sidecar", "web-1-sidecar"]);
    // The load generator's way in is web's sidecar, not web.
    expect(d.instances[0]!.baseUrl).toBe(`http://127.0.0.1:${byName.get("web-1-sidecar")!.port}/`);
    const list = new URL("api/list", d.instances[0]!.baseUrl).href;
    expect((await get(list)).status).toBe(200);

    // web calls emoji through emoji's sidecar: without it, the list fails, and the
    // sidecar's exit is an event.
    process.kill(byName.get("emoji-1-sidecar")!.pid, "SIGKILL");
    expect(await waitGone([byName.get("emoji-1-sidecar")!.pid])).toEqual([]);
    const failed = await get(list);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body).error).toMatch(/^rpc error: code = Unavailable/);
    await expect
      .poll(() => p.events().map((e) => [e.name, e.kind]))
      .toEqual([["emoji-1-sidecar", "exited"]]);
    expect(p.events()[0]!.message).toMatch(/^emoji-1-sidecar \(pid \d+\) was killed by SIGKILL/);

    await p.cleanup();
    await expectNothingLeft(p);
  });

  it("runs the load generator with the sampler, and collects latency, resources and events", async () => {
    const p = platform();
    const outDir = join(out, "run");
    await p.prepare({ runId: "load-test" });
    await p.installMesh(haproxy, null);
    await p.deployWorkload({ app: "emojivoto", instances: 2 });
    const load = loadRequest({
      rate: 100,
      durationMs: 4000,
      connections: 4,
      paths: ["/api/list", "/api/vote?choice=:flushed:", "/api/leaderboard"],
      resourceIntervalMs: 500,
      outDir,
    });
    const lines: string[] = [];
    let batches = 0;
    const rates: number[] = [];
    let loadgenCommand: string[] = [];
    await p.runLoad(load, {
      onOutput: (l) => {
        lines.push(l);
        const pid = p.processes().find((x) => x.name === "loadgen")?.pid;
        if (loadgenCommand.length === 0 && pid !== undefined)
          loadgenCommand = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      },
      onSamples: () => batches++,
      onProgress: (pr) => rates.push(pr.rate),
    });
    const c = await p.collect();
    const loadgen = c.loadgen!;

    expect(loadgen.target.rate).toBe(100);
    expect(loadgen.target.urls).toHaveLength(6);
    expect(loadgen.achieved.requests).toBeGreaterThan(250);
    expect(loadgen.achieved.status["2xx"]).toBe(loadgen.achieved.requests);
    expect(loadgen.achieved.errors).toEqual({ connect: 0, reset: 0, timeout: 0, other: 0 });
    expect(existsSync(c.hlogPath)).toBe(true);
    expect(c.loadgenPath).toBe(join(outDir, "loadgen.json"));
    expect(lines.some((l) => /measure .* rps/.test(l))).toBe(true);
    // The standalone load generator (what dist/loadgen.js is built from), not the whole CLI.
    expect(loadgenCommand[0]).toBe(process.execPath);
    expect(loadgenCommand[1]).toMatch(/\/src\/cli\/loadgen-main\.ts$/);
    expect(loadgenCommand[2]).toBe("--urls-file");
    expect(rates.length).toBeGreaterThanOrEqual(3);

    // Every class that runs locally was sampled: apps, sidecars, the load generator.
    const classes = new Set(c.samples.map((s) => s.class));
    expect(PROCESS_CLASSES.filter((k) => classes.has(k))).toEqual([
      "data-plane",
      "application",
      "load-generator",
    ]);
    expect(batches).toBeGreaterThanOrEqual(3);
    const names = new Set(c.samples.map((s) => s.name));
    expect(names).toEqual(
      new Set(
        ["web", "emoji", "voting"]
          .flatMap((s) => [1, 2].flatMap((i) => [`${s}-${i}`, `${s}-${i}-sidecar`]))
          .concat("loadgen"),
      ),
    );
    for (const s of c.samples) {
      expect(s.cpuCores).toBeGreaterThanOrEqual(0);
      expect(s.memoryBytes).toBeGreaterThan(1024 * 1024);
    }
    const loadgenCpu = c.samples.filter((s) => s.name === "loadgen").map((s) => s.cpuCores);
    expect(Math.max(...loadgenCpu)).toBeGreaterThan(0);
    // The load generator ended by itself: that is not an event.
    expect(c.events).toEqual([]);

    await p.cleanup();
    await expectNothingLeft(p);
  });

  it("starts no load when the run was aborted before it (Ctrl-C during the last readiness check)", async () => {
    const p = platform();
    const stop = new AbortController();
    await p.prepare({ runId: "abort-test", signal: stop.signal });
    await p.installMesh(bare, null);
    await p.deployWorkload({ app: "emojivoto", instances: 1 });
    stop.abort();
    const started = Date.now();
    await expect(p.runLoad(loadRequest({ outDir: join(out, "aborted") }))).rejects.toThrow(
      "interrupted before the load started",
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(p.processes().some((x) => x.name === "loadgen")).toBe(false);
    await p.cleanup();
    await expectNothingLeft(p);
  }, 20_000);

  it("cleans up after a sidecar that cannot start, and says why", async () => {
    const broken = await loadMeshDefinition("test/fixtures/meshes/broken-sidecar.yaml");
    const p = platform();
    await p.prepare({ runId: "broken-test" });
    await p.installMesh(broken, null);
    await expect(p.deployWorkload({ app: "emojivoto", instances: 1 })).rejects.toThrow(
      /sidecar listening on 127\.0\.0\.1:\d+: haproxy exited with code 1/,
    );
    await p.cleanup();
    await expectNothingLeft(p);
  });

  it("refuses phases out of order and a mesh that cannot run here", async () => {
    const p = platform();
    await expect(p.deployWorkload({ app: "emojivoto", instances: 1 })).rejects.toThrow(
      "deployWorkload: prepare first",
    );
    await p.prepare({ runId: "order-test" });
    await expect(p.deployWorkload({ app: "emojivoto", instances: 1 })).rejects.toThrow(
      "deployWorkload: installMesh first",
    );
    const k8sOnly = await loadMeshDefinition("test/fixtures/meshes/linkerd-example.yaml");
    expect(await p.checkMesh(k8sOnly)).toEqual({
      ok: false,
      reason:
        'not defined for the local platform (test/fixtures/meshes/linkerd-example.yaml has no "local:" section)',
    });
    await expect(p.installMesh(k8sOnly, null)).rejects.toThrow(/cannot run here/);
    expect(await p.checkMesh(haproxy)).toEqual({ ok: true });
    await p.cleanup();
    expect(p.processes().every((x) => !isAlive(x.pid))).toBe(true);
  });
});
