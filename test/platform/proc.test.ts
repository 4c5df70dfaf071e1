// The /proc sampler: parsing, CPU from time deltas, memory, and the events it notices,
// against real child processes (bounded: each lives a few seconds at most).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  clockTicksPerSecond,
  cpuCores,
  hasEnded,
  parseProcStat,
  parseRssBytes,
  readProc,
} from "../../src/platform/local/proc.ts";
import { ProcSampler, type SampleTarget } from "../../src/platform/local/sampler.ts";

describe("parsing /proc", () => {
  it("reads state, CPU ticks, start time, parent and group, even with spaces and parentheses in the name", () => {
    const line =
      "1234 (my (weird) name) S 1 1234 1234 0 -1 4194560 1500 0 0 0 250 50 0 0 20 0 11 0 987654 1134592000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
    expect(parseProcStat(line)).toEqual({
      state: "S",
      cpuTicks: 300,
      reapedTicks: 0,
      startTicks: 987654,
      ppid: 1,
      pgrp: 1234,
    });
  });

  it("reads resident memory in bytes, 0 when a zombie has none", () => {
    expect(parseRssBytes("Name:\tnode\nVmRSS:\t   12345 kB\nThreads:\t11\n")).toBe(12345 * 1024);
    expect(parseRssBytes("Name:\tzombie\nState:\tZ (zombie)\n")).toBe(0);
  });

  it("turns a CPU-time delta into cores", () => {
    expect(cpuCores({ cpuTicks: 100, atMs: 0 }, { cpuTicks: 250, atMs: 1000 }, 100)).toBe(1.5);
    expect(cpuCores({ cpuTicks: 100, atMs: 0 }, { cpuTicks: 100, atMs: 500 }, 100)).toBe(0);
    expect(cpuCores({ cpuTicks: 1, atMs: 5 }, { cpuTicks: 2, atMs: 5 }, 100)).toBe(0);
  });

  it("counts a process as ended only when its last thread is gone", () => {
    const root = mkdtempSync(join(tmpdir(), "meshbench-proc-test-"));
    try {
      const fake = (pid: number, state: string, threads: number) => {
        mkdirSync(join(root, String(pid)));
        writeFileSync(
          join(root, `${pid}/stat`),
          `${pid} (node) ${state} 1 1 1 0 -1 0 0 0 0 0 5 5 0 0 20 0 ${threads} 0 99 0 0`,
        );
        writeFileSync(join(root, `${pid}/status`), `Name:\tnode\nThreads:\t${threads}\n`);
      };
      fake(10, "S", 11);
      fake(11, "Z", 7); // main thread exited, the others (and the sockets) still there
      fake(12, "Z", 1);
      expect(hasEnded(10, root)).toBe(false);
      expect(hasEnded(11, root)).toBe(false);
      expect(hasEnded(12, root)).toBe(true);
      expect(hasEnded(13, root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("knows the clock tick rate and reads this very process", () => {
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
    const me = readProc(process.pid)!;
    expect(me.state).toMatch(/^[RS]$/);
    expect(me.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(readProc(2 ** 22 + 12345)).toBeNull();
  });
});

describe("ProcSampler", () => {
  const children: ChildProcess[] = [];
  const node = (code: string) => {
    const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
    children.push(child);
    return child;
  };
  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
  });
  const until = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("measures a busy process near one core and an idle one near zero, with their memory", async () => {
    // Busy for 2.5 s at most; idle holding 64 MiB for 3 s at most.
    const busy = node("const end = Date.now() + 2500; while (Date.now() < end) {}");
    const idle = node("globalThis.b = Buffer.alloc(64 * 2 ** 20, 1); setTimeout(() => {}, 3000)");
    const targets: SampleTarget[] = [
      { name: "busy", class: "application", pid: busy.pid! },
      { name: "idle", class: "data-plane", pid: idle.pid! },
    ];
    await until(300); // both started and the buffer filled
    const sampler = new ProcSampler({ targets: () => targets, intervalMs: 400 });
    sampler.start();
    await until(1300);
    sampler.stop();
    const of = (name: string) => sampler.samples.filter((s) => s.name === name);
    expect(of("busy").length).toBeGreaterThanOrEqual(3);
    // on a shared 2-core machine a busy loop gets a good share of a core, never more than one
    const busyCores = of("busy").map((s) => s.cpuCores);
    expect(Math.max(...busyCores)).toBeGreaterThan(0.25);
    expect(Math.max(...busyCores)).toBeLessThan(1.3);
    expect(Math.max(...of("idle").map((s) => s.cpuCores))).toBeLessThan(0.2);
    expect(Math.min(...of("idle").map((s) => s.memoryBytes))).toBeGreaterThan(64 * 2 ** 20);
    expect(of("idle").every((s) => s.class === "data-plane")).toBe(true);
    expect(sampler.events).toEqual([]);
  });

  it("notices a process that is gone, and a name that came back as a new process", async () => {
    const first = node("setTimeout(() => {}, 5000)");
    const second = node("setTimeout(() => {}, 5000)");
    const doomed = node("setTimeout(() => {}, 5000)");
    // Sampled once they have started (a busy machine may not have run them yet).
    await Promise.all([first, second, doomed].map((c) => new Promise((r) => c.once("spawn", r))));
    await new Promise((r) => setTimeout(r, 300));
    let appPid = first.pid!;
    const sampler = new ProcSampler({
      targets: () => [
        { name: "app", class: "application", pid: appPid },
        { name: "doomed", class: "application", pid: doomed.pid! },
      ],
      intervalMs: 60_000, // driven by hand below
    });
    sampler.start();
    sampler.sampleNow();
    expect(sampler.samples.map((s) => s.name).sort()).toEqual(["app", "doomed"]);

    doomed.kill("SIGKILL");
    await new Promise((r) => doomed.once("exit", r));
    appPid = second.pid!;
    sampler.sampleNow();
    sampler.stop();
    expect(sampler.events.map((e) => [e.name, e.kind])).toEqual([
      ["app", "restarted"],
      ["doomed", "vanished"],
    ]);
    expect(sampler.events[0]!.message).toBe(`app restarted: pid ${first.pid} → ${second.pid}`);
    // reported once, not at every later sample
    expect(sampler.events).toHaveLength(2);
  });
});
