// Several load generators started with one --start-at begin their schedules together,
// on connections opened before that instant.
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadgenResultSchema } from "../../src/results/loadgen-schema.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("--start-at", () => {
  it("starts two load generators at the same wall-clock instant, on connections opened before", async () => {
    server = await httpServer();
    const startAtMs = Date.now() + 1500;
    const common = { rate: 100, durationMs: 1000, connections: 4, startAtMs };
    // Each tags its requests with its own path, so the server can tell them apart.
    const [a, b] = await Promise.all([
      load({ ...common, urls: [`${server.url}/a`] }),
      load({ ...common, urls: [`${server.url}/b`] }),
    ]);
    const t0 = startAtMs - performance.timeOrigin;
    expect(server.connections).toHaveLength(8);
    for (const t of server.connections) expect(t).toBeLessThan(t0);
    for (const path of ["/a", "/b"]) {
      // With no warm-up, each connection first sends one unrecorded request before the start.
      const before = server.arrivals.filter((t, i) => server.paths[i] === path && t < t0);
      expect(before).toHaveLength(4);
      const first = server.arrivals.find((t, i) => server.paths[i] === path && t >= t0)!;
      // The first request is intended exactly at start-at; it arrives just after.
      expect(first - t0).toBeGreaterThanOrEqual(0);
      expect(first - t0).toBeLessThan(15);
    }
    for (const r of [a.result, b.result]) {
      expect(new Date(r.startedAt).getTime()).toBe(startAtMs);
      expect(r.achieved.requests).toBe(100);
    }
  });
});

describe("a missed or distant --start-at", () => {
  it("survives a target that resets the idle connections opened before the start", async () => {
    // The target drops every idle connection after 300 ms; the start is 1.2 s away, so
    // every pre-opened connection is reset while it waits. Each first send reconnects.
    server = await httpServer(undefined, (socket) => {
      const timer = setTimeout(() => socket.resetAndDestroy(), 300);
      socket.once("data", () => clearTimeout(timer));
    });
    // A warm-up, so no warming request keeps the connections busy while they wait.
    const run = await load({
      urls: [`${server.url}/`],
      rate: 100,
      durationMs: 1100,
      warmupMs: 100,
      connections: 4,
      startAtMs: Date.now() + 1200,
    });
    const a = run.result.achieved;
    expect(a.requests + a.errors.connect + a.errors.reset + a.errors.other).toBe(100);
    expect(a.requests).toBeGreaterThanOrEqual(96);
  });

  it("refuses to start more than a warm-up after --start-at: its lateness would be measured", async () => {
    server = await httpServer();
    const startAtMs = Date.now() - 2000;
    const error = await load({
      urls: [`${server.url}/`],
      rate: 100,
      durationMs: 10_000,
      warmupMs: 500,
      connections: 2,
      startAtMs,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^started \\d+ ms after --start-at ${startAtMs}, more than the 500 ms warm-up`),
    );
    expect(server.arrivals).toHaveLength(0);
  });
});

describe("interrupting a run", () => {
  it("SIGINT ends the schedule early, exits 0 and still writes what was measured", async () => {
    server = await httpServer();
    const out = await mkdtemp(join(tmpdir(), "meshbench-sigint-"));
    const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [
        cli,
        "loadgen",
        "--url",
        `${server.url}/`,
        "--rate",
        "200",
        "--duration",
        "60s",
        "--warmup",
        "500ms",
        "--out",
        out,
        "--quiet",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // Interrupt once the measured period has been running for about a second.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(stderr).toContain("stopping");
    const r = loadgenResultSchema.parse(
      JSON.parse(await readFile(join(out, "loadgen.json"), "utf8")),
    );
    // The measured time is what actually ran, so the rate is still the true rate.
    expect(r.achieved.measuredMs).toBeLessThan(5000);
    expect(Math.abs(r.achieved.rate - 200) / 200).toBeLessThan(0.02);
    expect(r.achieved.unsent).toBe(0);
  });
});
