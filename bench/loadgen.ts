// npm run bench:loadgen — the load generator against wrk2 on the same target, same cores.
//
// nginx (one worker) serves a small response on 127.0.0.1, pinned to core 0; the load
// generators are pinned to core 1, 64 connections each (the workers' scaling has its own
// arrangement, a target per core: see workersScaling). Every figure is the median of
// BENCH_REPEATS (3) runs alternated between the tools (wrk2, meshbench, wrk2, meshbench …,
// so a change in the machine's other load hits both alike), printed with its min–max and,
// beside each meshbench figure, its ratio to wrk2's; wake-ups per request show the shape of
// the load each tool sent (BURSTS). The output starts with the command, the commit and the
// machine's load; the figures also go to bench/out/loadgen-<time>.json.
//
// Needs nginx, wrk2 and taskset. nginx and taskset come from Debian (installed when
// missing). wrk2 is not packaged: WRK2=/path/to/wrk uses a built one; otherwise it is built
// once into .cache/wrk2/ from WRK2_SRC (a checkout or bare git directory of giltene/wrk2)
// or, without it, from a clone of github.com/giltene/wrk2 at WRK2_COMMIT.
//
// BENCH_SECONDS: each run's length (default 10); BENCH_REPEATS (3); BENCH_ONLY=points,held,
// workers: a subset; BENCH_RATES=1000,5000,20000: the points' rates; LOADGEN=/path/to/loadgen.js:
// another build (an old commit's, to bisect); LOADGEN_BASE=/path/to/loadgen.js: a second
// build run beside it at every point ("meshbench base"), to measure one change in one run;
// BENCH_FLOOR=1: a bare Node sender (bench/node-floor.ts) beside them at up to 5,000 rps.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadgenResult } from "../src/results/loadgen-schema.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const ONLY = new Set((process.env.BENCH_ONLY ?? "points,held,workers").split(","));
const LOADGEN = process.env.LOADGEN ?? join(ROOT, "dist/loadgen.js");
const LOADGEN_BASE = process.env.LOADGEN_BASE;
const FLOOR = process.env.BENCH_FLOOR === "1";
const RATES = (process.env.BENCH_RATES ?? "1000,5000,20000").split(",").map(Number);
const WARMUP_S = Math.min(3, SECONDS / 4);
const CONNECTIONS = 64;
const TARGET_CORE = "0";
const LOADGEN_CORE = "1";
const BOTH_CORES = `${TARGET_CORE},${LOADGEN_CORE}`;
const WRK2_COMMIT = "44a94c17d8e6a0bac8559b53da76848e430cb7a7";
/**
 * wrk2 has no warm-up option: it resets its latency histogram after a calibration of 10 s
 * plus 5 ms per connection (src/wrk.c, calibrate). Its runs last that much longer, so its
 * percentiles cover as many seconds after its start as meshbench's after its warm-up.
 */
const WRK2_CALIBRATION_S = 10 + CONNECTIONS * 0.005;
/**
 * wrk2 opens connection i 5 ms after connection i−1 and starts its schedule then, so over
 * d seconds it is asked for rate · (d − mean stagger) requests, not rate · d; its
 * Requests/sec (over the whole run) is measured against that.
 */
const WRK2_MEAN_STAGGER_S = ((CONNECTIONS - 1) * 0.005) / 2;
/** Seconds from a tool's launch to its schedule's start, at most (Node and its worker). */
const STARTUP_S = 1;
/** The held-rate criterion (the issue's): achieved ≥ 99 % of target and p99 < 10 ms. */
const HELD_SHARE = 0.99;
const HELD_P99_MS = 10;
/**
 * A probe that failed while other processes took more than this share of the load
 * generator's core measured the machine, not the tool: it is run again, at most
 * DISTURBED_RETRIES times (one search fell from 60,000 to 1,000 rps through probes at
 * 8–23 % others' CPU, and the next tool's search the same way). A point's repeat is
 * run again the same way: at 5,000 rps meshbench's p99 was 1.5–5.5 ms in repeats where
 * others took 0–1 % and 13–20 ms where they took 8–19 %, and wrk2's likewise.
 */
const DISTURBED_SHARE = 0.05;
const DISTURBED_RETRIES = 2;
/**
 * wrk2 sometimes sends in bursts. At 1,000 rps over 64 connections it wakes about 1.45
 * times per request, sending each request at its own time; in 3 of 29 runs (2026-12-03) it
 * woke 0.07–0.14 times per request, its p50 rose from 0.83–0.90 to 1.32–1.42 ms and its
 * CPU fell from 0.07–0.09 to 0.026–0.029 cores: it sent groups of requests together, a different
 * load from the one asked for (each connection's schedule starts when it connects, 5 ms
 * apart by design; what brings them into step is not in its output). A run whose
 * wake-ups per request are below this share of meshbench's at the same point is such a
 * run; the CPU ratio is given also against wrk2's other runs, the same load's. Only at
 * rates where meshbench wakes at least once per request: at 20,000 rps both tools serve
 * many requests per wake-up (wrk2 0.04 wake-ups per request, meshbench 0.15) and fewer
 * wake-ups are no sign of bursts.
 */
const BURSTS = 0.5;

interface Measured {
  p50Ms: number;
  p99Ms: number;
  /** Achieved rate as a share of what the tool's schedule asked for. */
  share: number;
  rate: number;
  cpuCores: number;
  /** CPU time per response, µs, in steady state (see measured). */
  cpuUsPerRequest: number;
  /**
   * How often the tool's threads went to sleep and were woken, per response, in steady
   * state: the shape of the load it sent (see BURSTS).
   */
  wakeUpsPerRequest: number;
  peakRssMb: number;
  /** Share of the load generator's cores that other processes used during the run. */
  othersShare: number;
}

/** One run at a fixed rate; a coarse one is a short probe of the held-rate search. */
type Tool = (rate: number, seconds: number, coarse?: boolean) => Promise<Measured>;

function have(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

function aptGet(args: string[]): void {
  if (process.getuid?.() === 0) execFileSync("apt-get", args, { stdio: "inherit" });
  else execFileSync("sudo", ["apt-get", ...args], { stdio: "inherit" });
}

function ensureDebianPackages(packages: [command: string, pkg: string][]): void {
  const missing = packages.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  console.log(`installing from Debian: ${missing.join(" ")}`);
  aptGet(["update", "-qq"]);
  aptGet(["install", "-y", "-qq", ...missing]);
}

/** wrk2: WRK2, or wrk2 on the PATH, or the build cached in .cache/wrk2 (built on first use). */
function wrk2Binary(): string {
  const configured = process.env.WRK2;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`WRK2=${configured}: no such file`);
    return configured;
  }
  if (have("wrk2")) return "wrk2";
  const cache = join(ROOT, ".cache/wrk2");
  const binary = join(cache, "wrk");
  if (existsSync(binary)) return binary;
  ensureDebianPackages([
    ["make", "make"],
    ["gcc", "gcc"],
    ["git", "git"],
  ]);
  // wrk2's Makefile builds its bundled LuaJIT; it links OpenSSL and zlib from the system.
  aptGet(["install", "-y", "-qq", "libssl-dev", "zlib1g-dev"]);
  const src = mkdtempSync(join(tmpdir(), "wrk2-src-"));
  const from = process.env.WRK2_SRC;
  try {
    if (from && existsSync(join(from, "Makefile"))) {
      execFileSync("cp", ["-a", `${from}/.`, src]);
    } else {
      const gitDir = from ?? join(src, ".git-clone");
      if (!from) {
        const cloned = spawnSync(
          "git",
          ["clone", "--bare", "https://github.com/giltene/wrk2", gitDir],
          { stdio: "inherit" },
        );
        if (cloned.status !== 0)
          throw new Error(
            "could not clone github.com/giltene/wrk2: set WRK2=/path/to/wrk, or WRK2_SRC to a checkout or bare git directory of it",
          );
      }
      const commit = from ? "HEAD" : WRK2_COMMIT;
      execFileSync("sh", [
        "-c",
        `git --git-dir="$0" archive "$1" | tar -x -C "$2"`,
        gitDir,
        commit,
        src,
      ]);
    }
    console.log(`building wrk2 in ${src} (a minute or two)`);
    execFileSync("make", ["-C", src, `-j${cpus().length}`], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    mkdirSync(cache, { recursive: true });
    copyFileSync(join(src, "wrk"), binary);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return binary;
}

interface Target {
  url: string;
  version: string;
  /** nginx's master pid: its CPU, and its worker's, is the target's, not "others'". */
  pid: number;
  stop: () => void;
}

async function startNginx(core: string): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), "meshbench-nginx-"));
  const port = 18000 + Math.floor(Math.random() * 1000);
  await writeFile(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "ok\\n"; }
  }
}
`,
  );
  const child = spawn(...pinned(core, "nginx", ["-c", join(dir, "nginx.conf"), "-p", dir]), {
    stdio: "ignore",
  });
  const version = spawnSync("nginx", ["-v"], { encoding: "utf8" }).stderr.trim();
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(url);
      return { url, version, pid: child.pid!, stop: () => child.kill("SIGTERM") };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nginx did not start; see ${dir}/error.log`);
}

/** A command pinned to cores (taskset execs it: the child's pid is the command's own). */
function pinned(cores: string, command: string, args: string[]): [string, string[]] {
  return ["taskset", ["-c", cores, command, ...args]];
}

/**
 * Runs a command pinned to cores, sampling its CPU time and peak RSS from /proc. Its CPU is
 * taken in steady state, from `steadyFromS` after the start to its last sample: a run of a
 * few seconds would otherwise charge Node's start-up to every request.
 */
async function measured(
  cores: string,
  command: string,
  args: string[],
  steadyFromS: number,
  targets: Target[] = [],
): Promise<{
  stdout: string;
  cpuCores: number;
  wakeUpsPerS: number;
  peakRssMb: number;
  othersShare: number;
}> {
  const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  const coresBefore = await coreTicks(cores);
  const targetsBefore = await targetTicks(targets);
  const child = spawn(...pinned(cores, command, args), { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const started = performance.now();
  const countWakeUps = wakeUpCounter(child.pid!);
  let cpuTicks = 0;
  let peakKb = 0;
  const last = { ticks: 0, wakeUps: 0, s: 0 };
  let steady: typeof last | null = null;
  const sample = async () => {
    try {
      const stat = await readFile(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuTicks = Number(fields[11]) + Number(fields[12]);
      const wakeUps = countWakeUps();
      last.ticks = cpuTicks;
      last.wakeUps = wakeUps;
      last.s = (performance.now() - started) / 1000;
      if (!steady && last.s >= steadyFromS) steady = { ...last };
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? peakKb);
    } catch {
      // the process has just exited; keep the last sample
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
  const from: typeof last = steady ?? { ticks: 0, wakeUps: 0, s: 0 };
  const coresAfter = await coreTicks(cores);
  // A target sharing the load generator's cores is part of the arrangement, not a disturbance.
  const targetsUsed = (await targetTicks(targets)) - targetsBefore;
  const busy = coresAfter.busy - coresBefore.busy - targetsUsed;
  const total = coresAfter.total - coresBefore.total;
  const steadyS = Math.max(0.001, last.s - from.s);
  return {
    stdout,
    cpuCores: (last.ticks - from.ticks) / clockTicks / steadyS,
    wakeUpsPerS: (last.wakeUps - from.wakeUps) / steadyS,
    peakRssMb: peakKb / 1024,
    othersShare: total > 0 ? Math.max(0, busy - cpuTicks) / total : 0,
  };
}

/**
 * Counts a process's wake-ups: voluntary context switches of all its threads
 * (/proc/PID/task/TID/status), each a sleep the thread chose (epoll_wait with nothing
 * ready). A thread's count is gone with the thread, so the total adds each thread's
 * increase since the last look: it never goes back when a thread ends. The reads are
 * synchronous: a dozen reads of /proc every 100 ms through libuv's thread pool would wake
 * the bench's own threads a few hundred times a second, on the cores being measured.
 */
function wakeUpCounter(pid: number): () => number {
  const seen = new Map<string, number>();
  let total = 0;
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return ""; // the thread, or the process, has just ended
    }
  };
  return () => {
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return total;
    }
    for (const tid of tids) {
      const count = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(
        read(`/proc/${pid}/task/${tid}/status`),
      )?.[1];
      if (count === undefined) continue;
      total += Number(count) - (seen.get(tid) ?? 0);
      seen.set(tid, Number(count));
    }
    return total;
  };
}

/** CPU ticks (user + system) of the targets' processes: each nginx master and its children. */
async function targetTicks(targets: Target[]): Promise<number> {
  const ticks = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  let sum = 0;
  for (const { pid } of targets) {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8"))
      .trim()
      .split(" ")
      .filter(Boolean)
      .map(Number);
    for (const p of [pid, ...children]) sum += await ticks(p);
  }
  return sum;
}

/**
 * Busy and total ticks of the given cores (/proc/stat): what other processes took of the
 * load generator's cores says whether a figure measured the tool or the machine's load.
 */
async function coreTicks(cores: string): Promise<{ busy: number; total: number }> {
  const wanted = new Set(cores.split(",").map((c) => `cpu${c}`));
  let busy = 0;
  let total = 0;
  for (const line of (await readFile("/proc/stat", "utf8")).split("\n")) {
    const [name, ...fields] = line.split(/\s+/);
    if (!name || !wanted.has(name)) continue;
    const ticks = fields.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
    const sum = ticks.reduce((a, b) => a + b, 0);
    total += sum;
    busy += sum - ticks[3]! - ticks[4]!;
  }
  return { busy, total };
}

function meshbench(
  urls: string[],
  extra: string[] = [],
  cores = LOADGEN_CORE,
  build = LOADGEN,
  targets: Target[] = [],
): Tool {
  return async (rate, seconds) => {
    const out = await mkdtemp(join(tmpdir(), "meshbench-bench-"));
    const warmupS = Math.min(WARMUP_S, seconds / 4);
    const run = await measured(
      cores,
      process.execPath,
      [
        build,
        ...urls.flatMap((url) => ["--url", url]),
        ...["--rate", String(rate), "--connections", String(CONNECTIONS)],
        ...["--duration", `${Math.round((seconds + warmupS) * 1000)}ms`],
        ...["--warmup", `${Math.round(warmupS * 1000)}ms`],
        ...["--out", out, "--quiet", ...extra],
      ],
      STARTUP_S + warmupS,
      targets,
    );
    const r = JSON.parse(await readFile(join(out, "loadgen.json"), "utf8")) as LoadgenResult;
    rmSync(out, { recursive: true, force: true });
    return {
      p50Ms: r.latencyUs.p50 / 1000,
      p99Ms: r.latencyUs.p99 / 1000,
      share: r.achieved.rate / rate,
      rate: r.achieved.rate,
      cpuCores: run.cpuCores,
      cpuUsPerRequest: (run.cpuCores / r.achieved.rate) * 1e6,
      wakeUpsPerRequest: run.wakeUpsPerS / r.achieved.rate,
      peakRssMb: run.peakRssMb,
      othersShare: run.othersShare,
    };
  };
}

/**
 * The bare Node sender (bench/node-floor.ts): Node's own cost of the same schedule, with no
 * parsing and no recording, so it has no latencies; its rate is its reads per second.
 */
function nodeFloor(url: string): Tool {
  return async (rate, seconds) => {
    const warmupS = Math.min(WARMUP_S, seconds / 4);
    const run = await measured(
      LOADGEN_CORE,
      process.execPath,
      [join(ROOT, "bench/node-floor.ts"), url, String(rate), String(seconds + warmupS)],
      STARTUP_S + warmupS,
    );
    const { reads } = JSON.parse(run.stdout) as { sent: number; reads: number };
    const achieved = reads / (seconds + warmupS);
    return {
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      share: achieved / rate,
      rate: achieved,
      cpuCores: run.cpuCores,
      cpuUsPerRequest: (run.cpuCores / achieved) * 1e6,
      wakeUpsPerRequest: run.wakeUpsPerS / achieved,
      peakRssMb: run.peakRssMb,
      othersShare: run.othersShare,
    };
  };
}

/** wrk2's "Latency Distribution (HdrHistogram - Recorded Latency)" lines: " 50.000%    0.89ms". */
function wrkPercentile(text: string, p: string): number {
  const m = new RegExp(`^\\s*${p.replace(".", "\\.")}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(
    text,
  );
  if (!m) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as "us" | "ms" | "s" | "m"];
  return Number(m[1]) * scale;
}

function wrk2(binary: string, url: string): Tool {
  return async (rate, seconds, coarse = false) => {
    // A coarse probe, shorter than the calibration, is measured from wrk2's start.
    const total = coarse ? seconds : seconds + WRK2_CALIBRATION_S;
    const run = await measured(
      LOADGEN_CORE,
      binary,
      [...["-t1", `-c${CONNECTIONS}`, `-d${Math.ceil(total)}s`, `-R${rate}`, "--latency", url]],
      total - seconds + STARTUP_S,
    );
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
    const runS = Math.ceil(total);
    // A full run is judged on the period its percentiles cover, after the calibration:
    // the "Total count" of its latency histogram, reset then. Its whole-run count can
    // miss a second at the start (48,000 rps: 95.9 % of the run's schedule, 100.0 % of the
    // measured period's, in run after run) that its latencies never see.
    const measuredCount = Number(/Total count\s+=\s+(\d+)/.exec(run.stdout)?.[1]);
    const share = coarse
      ? (rps * runS) / (rate * (runS - WRK2_MEAN_STAGGER_S))
      : measuredCount / (rate * (runS - WRK2_CALIBRATION_S));
    return {
      p50Ms: wrkPercentile(run.stdout, "50.000"),
      p99Ms: wrkPercentile(run.stdout, "99.000"),
      share,
      rate: coarse ? rps : share * rate,
      cpuCores: run.cpuCores,
      cpuUsPerRequest: (run.cpuCores / (share * rate)) * 1e6,
      wakeUpsPerRequest: run.wakeUpsPerS / (share * rate),
      peakRssMb: run.peakRssMb,
      othersShare: run.othersShare,
    };
  };
}

/** One repeat of a point, run again while others took more than DISTURBED_SHARE. */
async function undisturbed(tool: Tool, name: string, rate: number): Promise<Measured> {
  for (let attempt = 1; ; attempt++) {
    const m = await tool(rate, SECONDS);
    if (m.othersShare <= DISTURBED_SHARE || attempt > DISTURBED_RETRIES) return m;
    console.log(
      `    ${name} ${rate} rps: others' CPU ${fmt(m.othersShare * 100, 0)} % of the core, disturbed: again`,
    );
  }
}

const holds = (m: Measured) => m.share >= HELD_SHARE && m.p99Ms < HELD_P99_MS;

/**
 * The highest rate held: coarse (short runs, doubling from 10,000 rps) to bracket it, then
 * fine (full runs, bisecting the bracket to 2.5 % or 1,000 rps). A short run is only a
 * hint: its "not held" is checked by a full run at the same rate before it ends the
 * doubling (wrk2 delivered 70 % of 40,000 rps in 3 s runs and all of it in 10 s ones,
 * which capped its answer below 40,000), and the answer is the rate of a full run.
 */
async function highestHeldRate(
  tool: Tool,
  label: string,
): Promise<{ rate: number; at: Measured | null }> {
  const coarseS = Math.max(3, Math.round(SECONDS / 3));
  const probe = async (rate: number, seconds: number) => {
    for (let attempt = 1; ; attempt++) {
      const m = await tool(rate, seconds, seconds < SECONDS);
      const ok = holds(m);
      const disturbed = !ok && m.othersShare > DISTURBED_SHARE && attempt <= DISTURBED_RETRIES;
      console.log(
        `    ${label} ${rate} rps (${seconds} s) → ${fmt(m.share * 100, 1)} % of target, p99 ${fmt(m.p99Ms)} ms, others' CPU ${fmt(m.othersShare * 100, 0)} %: ${ok ? "held" : disturbed ? "not held, disturbed: again" : "not held"}`,
      );
      if (!disturbed) return { m, ok };
    }
  };
  const full = (rate: number) => probe(rate, SECONDS);
  let lo = 0;
  let hi = 10_000;
  /** The full run that held at `lo`, if one did. */
  let best: Measured | null = null;
  for (;;) {
    let { ok } = await probe(hi, coarseS);
    if (!ok) {
      const confirmed = await full(hi);
      ok = confirmed.ok;
      if (ok) best = confirmed.m;
    } else best = null;
    if (!ok) break;
    lo = hi;
    if (hi >= 320_000) break;
    hi *= 2;
  }
  for (;;) {
    while (hi - lo > Math.max(1000, lo * 0.025)) {
      const rate = Math.round((lo + hi) / 2000) * 1000;
      const { m, ok } = await full(rate);
      if (ok) {
        lo = rate;
        best = m;
      } else hi = rate;
    }
    if (best || lo === 0) return { rate: lo, at: best };
    // `lo` held only in a short run: a full one decides, or the search goes below it.
    const { m, ok } = await full(lo);
    if (ok) return { rate: lo, at: m };
    hi = lo;
    lo = lo >= 2000 ? Math.round(lo / 2000) * 1000 : 0;
  }
}

/** Each tool REPEATS times, alternated (a, b, a, b …): the machine's drift hits all alike. */
async function alternated<T>(
  tools: Record<string, Tool>,
  run: (tool: Tool, name: string) => Promise<T>,
): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = Object.fromEntries(Object.keys(tools).map((n) => [n, []]));
  for (let i = 0; i < REPEATS; i++)
    for (const [name, tool] of Object.entries(tools)) results[name]!.push(await run(tool, name));
  return results;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
/** "median [min–max]", the spread of the repeats. */
const spread = (xs: number[], digits: number) =>
  `${fmt(median(xs), digits)} [${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}]`;
const ratio = (xs: number[], base: number[]) => `${fmt(median(xs) / median(base))}×`;

const LABEL_WIDTH = 18;
const COLUMN_WIDTH = 36;

function printTable(title: string, columns: Record<string, Measured[]>): void {
  const metrics: [string, (m: Measured) => number, number][] = [
    ["p50 ms", (m) => m.p50Ms, 3],
    ["p99 ms", (m) => m.p99Ms, 3],
    ["achieved rps", (m) => m.rate, 0],
    ["CPU cores", (m) => m.cpuCores, 3],
    ["CPU µs/request", (m) => m.cpuUsPerRequest, 1],
    ["wake-ups/request", (m) => m.wakeUpsPerRequest, 2],
    ["peak RSS MB", (m) => m.peakRssMb, 0],
    ["others' CPU %", (m) => m.othersShare * 100, 0],
  ];
  const names = Object.keys(columns);
  console.log(`\n${title}`);
  console.log(["".padEnd(LABEL_WIDTH), ...names.map((n) => n.padEnd(COLUMN_WIDTH))].join(""));
  for (const [label, get, digits] of metrics) {
    // Others' CPU is the machine, not a tool: no ratio.
    const base = label.startsWith("others") ? undefined : columns.wrk2?.map(get);
    const cells = names.map((n) => {
      const xs = columns[n]!.map(get);
      const r = n !== "wrk2" && base ? ` ${ratio(xs, base)}` : "";
      return `${spread(xs, digits)}${r} `.padEnd(COLUMN_WIDTH);
    });
    console.log([label.padEnd(LABEL_WIDTH), ...cells].join(""));
  }
  printBursts(columns);
}

/** wrk2's runs in bursts (see BURSTS), and the CPU ratio against its other runs. */
function printBursts(columns: Record<string, Measured[]>): void {
  const reference = columns["meshbench efficient"];
  const wrk = columns.wrk2;
  if (!reference || !wrk) return;
  const usual = median(reference.map((m) => m.wakeUpsPerRequest));
  // Where meshbench itself serves several requests per wake-up (5,000 rps and up), fewer
  // wake-ups are more work done per wake-up, not bursts: nothing to tell apart.
  if (usual < 1) return;
  const threshold = BURSTS * usual;
  const spreadOut = wrk.filter((m) => m.wakeUpsPerRequest >= threshold);
  if (spreadOut.length === wrk.length) return;
  const bursty = wrk.filter((m) => m.wakeUpsPerRequest < threshold);
  console.log(
    `wrk2 sent in bursts in ${bursty.length} of ${wrk.length} runs (wake-ups/request ${bursty.map((m) => fmt(m.wakeUpsPerRequest)).join(", ")}; p50 ${bursty.map((m) => fmt(m.p50Ms, 3)).join(", ")} ms): a different load`,
  );
  if (spreadOut.length === 0) return;
  const base = spreadOut.map((m) => m.cpuCores);
  const cells = Object.entries(columns).map(([name, runs]) => {
    const xs = runs.map((m) => m.cpuCores);
    const r = name === "wrk2" ? ` (${spreadOut.length} runs)` : ` ${ratio(xs, base)}`;
    return `${spread(name === "wrk2" ? base : xs, 3)}${r} `.padEnd(COLUMN_WIDTH);
  });
  console.log(["CPU, same load".padEnd(LABEL_WIDTH), ...cells].join(""));
}

function gitCommit(): string {
  const git = (args: string[]) =>
    spawnSync("git", ["-C", ROOT, ...args], { encoding: "utf8" }).stdout.trim();
  const dirty = git(["status", "--porcelain", "--untracked-files=no"])
    ? " (with uncommitted changes)"
    : "";
  return `${git(["rev-parse", "HEAD"])}${dirty}`;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Held rates, median [min–max], each beside the reference's (`versus`) as a ratio. */
function printHeld(
  held: Record<string, { rate: number; at: Measured | null }[]>,
  versus: string,
  versusLabel: string,
): void {
  console.log(`\nHighest rate held, median [min–max] of ${REPEATS}:`);
  const reference = held[versus]?.map((h) => h.rate);
  for (const [name, runs] of Object.entries(held)) {
    const rates = runs.map((h) => h.rate);
    const vs = name !== versus && reference ? ` ${ratio(rates, reference)} ${versusLabel}` : "";
    const p99 = runs.flatMap((h) => (h.at ? [h.at.p99Ms] : []));
    const rss = runs.flatMap((h) => (h.at ? [h.at.peakRssMb] : []));
    const others = runs.flatMap((h) => (h.at ? [h.at.othersShare * 100] : []));
    console.log(
      `  ${name.padEnd(20)} ${spread(rates, 0)} rps${vs}; there p99 ${spread(p99, 2)} ms, peak RSS ${spread(rss, 0)} MB, others' CPU ${spread(others, 0)} %`,
    );
  }
}

/**
 * Do workers scale? Only where the target is not what limits: with one target on core 0
 * beside two workers, nginx's core is the bottleneck and two workers measure nginx. So each
 * core gets its own target: one worker on core 0 with nginx A there, against two workers on
 * cores 0 and 1 with nginx A on core 0 and nginx B on core 1 (each worker's connections
 * are spread over both; the kernel places the two worker threads). Both arrangements give
 * every core one load generator and one target, so the ratio of their held rates is the
 * load generator's scaling; its coordination (the main thread) runs on the same two cores.
 */
async function workersScaling(targetA: Target) {
  const targetB = await startNginx(LOADGEN_CORE);
  try {
    console.log(
      `\nWorkers: 1 worker with nginx A on core ${TARGET_CORE}, against 2 workers on cores ${BOTH_CORES} with nginx A on core ${TARGET_CORE} and nginx B on core ${LOADGEN_CORE}:`,
    );
    const held = await alternated(
      {
        "1 worker, 1 core": meshbench([targetA.url], [], TARGET_CORE, LOADGEN, [targetA]),
        "2 workers, 2 cores": meshbench(
          [targetA.url, targetB.url],
          ["--workers", "2"],
          BOTH_CORES,
          LOADGEN,
          [targetA, targetB],
        ),
      },
      (tool, name) => highestHeldRate(tool, name),
    );
    printHeld(held, "1 worker, 1 core", "one worker's");
    return held;
  } finally {
    targetB.stop();
  }
}

async function main(): Promise<void> {
  ensureDebianPackages([
    ["nginx", "nginx-light"],
    ["taskset", "util-linux"],
  ]);
  if (!existsSync(LOADGEN)) throw new Error(`${LOADGEN} is missing: run npm run bundle`);
  const wrk2Bin = wrk2Binary();
  const nginx = await startNginx(TARGET_CORE);
  const env = [
    "WRK2",
    "WRK2_SRC",
    "LOADGEN",
    "LOADGEN_BASE",
    "BENCH_FLOOR",
    "BENCH_SECONDS",
    "BENCH_REPEATS",
    "BENCH_ONLY",
    "BENCH_RATES",
  ]
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`);
  const header = {
    command: [...env, "npm run bench:loadgen"].join(" "),
    commit: gitCommit(),
    loadgen: LOADGEN,
    node: process.version,
    nginx: nginx.version,
    wrk2: wrk2Bin,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    loadavgAtStart: load(),
    seconds: SECONDS,
    repeats: REPEATS,
  };
  for (const [k, v] of Object.entries(header)) console.log(`${k.padEnd(16)}${v}`);
  console.log(
    `nginx (1 worker) on core ${TARGET_CORE}, load generators on core ${LOADGEN_CORE}, ${CONNECTIONS} connections; ` +
      `meshbench ${WARMUP_S} s warm-up + ${SECONDS} s measured, wrk2 ${WRK2_CALIBRATION_S} s calibration + ${SECONDS} s`,
  );

  const wrk = wrk2(wrk2Bin, nginx.url);
  const efficient = meshbench([nginx.url]);
  const precise = meshbench([nginx.url], ["--pacing", "precise"]);
  const base = LOADGEN_BASE ? meshbench([nginx.url], [], LOADGEN_CORE, LOADGEN_BASE) : null;
  const floor = nodeFloor(nginx.url);
  const twoWorkers = meshbench([nginx.url], ["--workers", "2"], BOTH_CORES, LOADGEN, [nginx]);
  const figures: Record<string, unknown> = { ...header };
  try {
    if (ONLY.has("points")) {
      const points: Record<string, Record<string, Measured[]>> = {};
      // Precise pacing spins a core at any rate: shown where the rate is low enough to matter.
      const cases: [number, Record<string, Tool>][] = RATES.map((rate) => [
        rate,
        {
          wrk2: wrk,
          "meshbench efficient": efficient,
          ...(base ? { "meshbench base": base } : {}),
          ...(rate <= 5000 ? { "meshbench precise": precise } : {}),
          ...(FLOOR && rate <= 5000 ? { "node floor": floor } : {}),
          // Its CPU per request beside one worker's: what the coordination costs.
          ...(rate >= 20_000 && ONLY.has("workers") ? { "meshbench 2 workers": twoWorkers } : {}),
        },
      ]);
      for (const [rate, tools] of cases) {
        const columns = await alternated(tools, (tool, name) => undisturbed(tool, name, rate));
        printTable(`${rate} rps, median [min–max] of ${REPEATS}, ×: meshbench ÷ wrk2`, columns);
        points[rate] = columns;
      }
      figures.points = points;
    }
    if (ONLY.has("held")) {
      console.log(
        `\nHighest rate held (≥ ${HELD_SHARE * 100} % of target, p99 < ${HELD_P99_MS} ms), one load generator on core ${LOADGEN_CORE}:`,
      );
      const held = await alternated(
        { wrk2: wrk, "meshbench 1 worker": efficient, ...(base ? { "meshbench base": base } : {}) },
        (tool, name) => highestHeldRate(tool, name),
      );
      printHeld(held, "wrk2", "wrk2's");
      figures.held = held;
    }
    if (ONLY.has("workers")) figures.workers = await workersScaling(nginx);
  } finally {
    nginx.stop();
  }
  figures.loadavgAtEnd = load();
  console.log(`\nloadavg at end  ${figures.loadavgAtEnd}`);
  const outDir = join(ROOT, "bench/out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `loadgen-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`figures         ${file}`);
}

await main();
