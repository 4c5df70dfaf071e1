// Several load generators started with one --start-at begin their schedules together,
// on connections opened before that instant.
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadgenResultSchema } from "../../src/results/loadgen-schema.ts";
import { load, loadRoot } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";
import { startAhead, timerLateness } from "../helpers/start-at.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("--start-at", () => {
  it("starts two load generators at the same wall-clock instant, on connections opened before", async () => {
    const common = { rate: 100, durationMs: 1000, connections: 4 };
    let late = () => 0;
    const { startAtMs, value: runs } = await startAhead(async (startAtMs) => {
      await server?.close();
      server = await httpServer();
      const t0 = startAtMs - performance.timeOrigin;
      late = timerLateness(t0 - 100, t0 + 200);
      // Each tags its requests with its own path, so the server can tell them apart.
      const settled = await Promise.allSettled([
        load({ ...common, startAtMs, urls: [`${server.url}/a`] }),
        load({ ...common, startAtMs, urls: [`${server.url}/b`] }),
      ]);
      for (const s of settled) if (s.status === "rejected") throw s.reason;
      return settled.map(
        (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof load>>>).value,
      );
    });
    const t0 = startAtMs - performance.timeOrigin;
    expect(server.connections).toHaveLength(8);
    for (const t of server.connections) expect(t).toBeLessThan(t0);
    // The first request is intended exactly at start-at; it arrives just after: within
    // 15 ms on an idle machine, plus twice what this machine's scheduling measurably cost:
    // the worst timer lateness this thread saw around start-at, or the worst lateness of
    // the second half's requests (slot i is intended at t0 + 10·i ms; by then any catch-up
    // after a late start is long over), whichever is more.
    const arrivalsOf = (path: string) => server.arrivals.filter((_, i) => server.paths[i] === path);
    const lateness = (path: string) =>
      arrivalsOf(path)
        .filter((t) => t >= t0)
        .map((t, i) => t - t0 - 10 * i);
    const secondHalf = ["/a", "/b"].flatMap((path) => lateness(path).slice(50));
    const boundMs = 15 + 2 * Math.max(late(), ...secondHalf);
    for (const path of ["/a", "/b"]) {
      // With no warm-up, each connection first sends one unrecorded request before the start.
      expect(arrivalsOf(path).filter((t) => t < t0)).toHaveLength(4);
      const first = lateness(path)[0]!;
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(boundMs);
    }
    for (const { result: r } of runs) {
      expect(new Date(r.startedAt).getTime()).toBe(startAtMs);
      // All 100 slots answered, but for any a busy machine kept from being sent in time.
      const a = r.achieved;
      expect(a.requests + a.unsent, JSON.stringify(a)).toBe(100);
      expect(a.sent).toBe(a.requests);
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
    const { value: run } = await startAhead(
      (startAtMs) =>
        loadRoot(server, { rate: 100, durationMs: 1100, warmupMs: 100, connections: 4, startAtMs }),
      1200,
    );
    const a = run.result.achieved;
    // Every slot is accounted for; at most one per reset connection failed. Slots a busy
    // machine had not sent when the schedule ended are unsent, not failed.
    const failed = a.errors.connect + a.errors.reset + a.errors.timeout + a.errors.other;
    expect(a.requests + failed + a.unsent, JSON.stringify(a)).toBe(100);
    expect(failed, JSON.stringify(a)).toBeLessThanOrEqual(4);
  });

  it("refuses to start more than a warm-up after --start-at: its lateness would be measured", async () => {
    server = await httpServer();
    const startAtMs = Date.now() - 2000;
    const error = await loadRoot(server, {
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
    const spawnedAt = performance.now();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exit = new Promise((resolve) => child.on("exit", resolve));
    // Interrupt once the measured period has been running for about a second: 100 requests
    // of warm-up and 200 measured have arrived (a wait on what happened, not on the clock:
    // a busy machine takes longer to start the CLI).
    for (let i = 0; i < 1200 && server.arrivals.length < 300 && child.exitCode === null; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGINT");
    const code = await exit;
    const elapsedMs = performance.now() - spawnedAt;
    expect(code).toBe(0);
    expect(stderr).toContain("stopping");
    const r = loadgenResultSchema.parse(
      JSON.parse(await readFile(join(out, "loadgen.json"), "utf8")),
    );
    // The measured time is what actually ran (less than the process lived, far less than
    // the 60 s asked for) ...
    const a = r.achieved;
    expect(a.measuredMs).toBeLessThan(Math.min(elapsedMs, 30_000));
    // ... so the rate is still the true rate: the slots of the warm-up and of the measured
    // time (answered in the warm-up, answered or failed in the measured time, or unsent)
    // are exactly rate × (warm-up + measured time), to a slot at either end. (Not "within
    // 2 % of 200 rps": a load generator that a busy machine slowed during its warm-up
    // rightly counts that backlog's answers in the measured time.)
    const slots = r.warmup.requests + r.warmup.failures + a.sent + a.unsent;
    expect(
      Math.abs(slots - (200 * (500 + a.measuredMs)) / 1000),
      JSON.stringify({ ...a, warmup: r.warmup }),
    ).toBeLessThanOrEqual(2);
    expect(a.rate).toBeCloseTo(a.requests / (a.measuredMs / 1000), 0);
    // The ~58 s of schedule left at the stop were never due: not unsent.
    expect(a.unsent).toBeLessThan(200);
  });
});
