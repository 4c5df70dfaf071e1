// npm run bench:loadgen — the load generator against wrk2 and wrk on the same target.
//
// nginx (one worker) serves a small response on 127.0.0.1, pinned to core 0; the load
// generators are pinned to core 1. Prints, side by side: p50/p99 at 1,000 and 5,000 rps,
// the highest rate meshbench holds within 1 % of target with p99 < 10 ms, wrk's
// closed-loop maximum, CPU per 1,000 rps, peak RSS, and one vs two workers.
//
// Needs nginx and wrk (installed from Debian when missing). wrk2 is not packaged: set
// WRK2=/path/to/wrk2 (built from github.com/giltene/wrk2) to get its fixed-rate figures.
// BENCH_SECONDS sets each run's length (default 10).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadgenResult } from "../src/results/loadgen-schema.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LOADGEN = new URL("../dist/loadgen.js", import.meta.url).pathname;
const TARGET_CORE = "0";
const LOADGEN_CORE = "1";

interface Measured {
  p50Ms: number;
  p99Ms: number;
  rate: number;
  cpuCores: number;
  peakRssMb: number;
}

function have(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

function ensureDebianPackages(): void {
  const missing = [
    ["nginx", "nginx-light"],
    ["wrk", "wrk"],
    ["taskset", "util-linux"],
  ].filter(([cmd]) => !have(cmd!));
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg!);
  console.log(`installing from Debian: ${packages.join(" ")}`);
  const aptGet = (args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync("apt-get", args, { stdio: "inherit" })
      : execFileSync("sudo", ["apt-get", ...args], { stdio: "inherit" });
  aptGet(["update", "-qq"]);
  aptGet(["install", "-y", "-qq", ...packages]);
}

async function startNginx(): Promise<{ url: string; stop: () => void }> {
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
  const child = spawn(
    "taskset",
    ["-c", TARGET_CORE, "nginx", "-c", join(dir, "nginx.conf"), "-p", dir],
    {
      stdio: "ignore",
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(url);
      return { url, stop: () => child.kill("SIGTERM") };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nginx did not start; see ${dir}/error.log`);
}

/** Runs a command pinned to cores, sampling its CPU time and peak RSS from /proc. */
async function measured(
  cores: string,
  command: string,
  args: string[],
): Promise<{ stdout: string; cpuCores: number; peakRssMb: number }> {
  const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  const child = spawn("taskset", ["-c", cores, command, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const started = performance.now();
  let cpuTicks = 0;
  let peakKb = 0;
  const sample = async () => {
    try {
      // taskset execs the command, so the pid is the command's own.
      const stat = await readFile(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuTicks = Number(fields[11]) + Number(fields[12]);
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? peakKb);
    } catch {
      // the process has just exited; keep the last sample
    }
  };
  const timer = setInterval(sample, 100);
  await new Promise((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  const wallS = (performance.now() - started) / 1000;
  return { stdout, cpuCores: cpuTicks / clockTicks / wallS, peakRssMb: peakKb / 1024 };
}

async function meshbench(
  url: string,
  rate: number,
  extra: string[] = [],
  cores = LOADGEN_CORE,
): Promise<Measured> {
  const out = await mkdtemp(join(tmpdir(), "meshbench-bench-"));
  const run = await measured(cores, process.execPath, [
    LOADGEN,
    "--url",
    url,
    "--rate",
    String(rate),
    "--duration",
    `${SECONDS}s`,
    "--warmup",
    `${Math.min(3, SECONDS / 4)}s`,
    "--out",
    out,
    "--quiet",
    ...extra,
  ]);
  const r = JSON.parse(await readFile(join(out, "loadgen.json"), "utf8")) as LoadgenResult;
  return {
    p50Ms: r.latencyUs.p50 / 1000,
    p99Ms: r.latencyUs.p99 / 1000,
    rate: r.achieved.rate,
    cpuCores: run.cpuCores,
    peakRssMb: run.peakRssMb,
  };
}

function wrk2Binary(): string | null {
  const configured = process.env.WRK2;
  if (configured && existsSync(configured)) return configured;
  return have("wrk2") ? "wrk2" : null;
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

async function wrk2(binary: string, url: string, rate: number): Promise<Measured> {
  const run = await measured(LOADGEN_CORE, binary, [
    "-t1",
    "-c64",
    `-d${SECONDS}s`,
    `-R${rate}`,
    "--latency",
    url,
  ]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  return {
    p50Ms: wrkPercentile(run.stdout, "50.000"),
    p99Ms: wrkPercentile(run.stdout, "99.000"),
    rate: rps,
    cpuCores: run.cpuCores,
    peakRssMb: run.peakRssMb,
  };
}

async function wrkClosedLoopMax(url: string): Promise<number> {
  const run = await measured(LOADGEN_CORE, "wrk", ["-t1", "-c64", `-d${SECONDS}s`, url]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
}

const holds = (m: Measured, rate: number) => Math.abs(m.rate - rate) / rate <= 0.01 && m.p99Ms < 10;

/** The highest rate (to 1,000 rps) held within 1 % of target with p99 under 10 ms. */
async function highestHeldRate(
  url: string,
  extra: string[] = [],
  cores = LOADGEN_CORE,
): Promise<{ rate: number; at: Measured | null }> {
  let lo = 0;
  let hi = 100_000;
  let best: Measured | null = null;
  let rate = 20_000;
  while (hi - lo > 1000) {
    const m = await meshbench(url, rate, extra, cores);
    const ok = holds(m, rate);
    console.log(
      `    ${rate} rps → achieved ${m.rate.toFixed(0)}, p99 ${m.p99Ms.toFixed(2)} ms: ${ok ? "held" : "not held"}`,
    );
    if (ok) {
      lo = rate;
      best = m;
    } else {
      hi = rate;
    }
    rate = Math.round((lo + hi) / 2000) * 1000;
    if (rate <= lo || rate >= hi) break;
  }
  return { rate: lo, at: best };
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const row = (cells: string[]) =>
  console.log(cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(12))).join(""));

async function main(): Promise<void> {
  ensureDebianPackages();
  if (!existsSync(LOADGEN)) throw new Error("dist/loadgen.js is missing: run npm run bundle");
  const nginx = await startNginx();
  const wrk2Bin = wrk2Binary();
  try {
    console.log(
      `meshbench loadgen benchmark: nginx on core ${TARGET_CORE}, load generator on core ${LOADGEN_CORE}, ${SECONDS} s runs\n`,
    );
    row(["", "p50 ms", "p99 ms", "achieved", "CPU cores", "CPU/1k rps", "peak RSS MB"]);
    const show = (name: string, m: Measured, rate: number) =>
      row([
        name,
        fmt(m.p50Ms, 3),
        fmt(m.p99Ms, 3),
        fmt(m.rate, 0),
        fmt(m.cpuCores),
        fmt(m.cpuCores / (rate / 1000), 3),
        fmt(m.peakRssMb, 0),
      ]);
    for (const rate of [1000, 5000]) {
      show(`meshbench ${rate} rps (efficient)`, await meshbench(nginx.url, rate), rate);
      show(
        `meshbench ${rate} rps (precise)`,
        await meshbench(nginx.url, rate, ["--pacing", "precise"]),
        rate,
      );
      if (wrk2Bin) show(`wrk2 ${rate} rps`, await wrk2(wrk2Bin, nginx.url, rate), rate);
      else row([`wrk2 ${rate} rps`, "set WRK2=… to compare"]);
    }
    const m20k = await meshbench(nginx.url, 20_000);
    show("meshbench 20000 rps", m20k, 20_000);

    console.log(
      "\nHighest rate held within 1 % of target with p99 < 10 ms (one worker, one core):",
    );
    const one = await highestHeldRate(nginx.url);
    console.log("Same with two workers on both cores (the target shares core 0):");
    const two = await highestHeldRate(nginx.url, ["--workers", "2"], "0,1");
    const wrkMax = await wrkClosedLoopMax(nginx.url);

    console.log("");
    row(["meshbench, 1 worker: highest held", `${one.rate} rps`]);
    if (one.at)
      row([
        "  at that rate: CPU/1k rps, RSS MB",
        fmt(one.at.cpuCores / (one.rate / 1000), 3),
        fmt(one.at.peakRssMb, 0),
      ]);
    row([
      "meshbench, 2 workers: highest held",
      `${two.rate} rps`,
      `${fmt(two.rate / Math.max(1, one.rate))}×`,
    ]);
    row(["wrk closed-loop maximum (1 thread)", `${fmt(wrkMax, 0)} rps`]);
    row(["peak RSS at 20,000 rps", `${fmt(m20k.peakRssMb, 0)} MB`]);
  } finally {
    nginx.stop();
  }
}

await main();
