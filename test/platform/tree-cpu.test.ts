// The local sampler's figures against independent ones: a server that burns a known CPU
// time per request, run directly and under a forking `sh` wrapper (the sampler watches the
// wrapper's pid, as it does a sidecar's), driven at a known rate; its per-run CPU must be
// rate × cost, and what the kernel's own per-process counter (getrusage, read by the burner
// itself) says, within the /proc counter's resolution. Memory is PSS summed over the tree,
// checked against smaps_rollup of each process the test finds on its own (pgrep).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { clockTicksPerSecond, readProcTree } from "../../src/platform/local/proc.ts";
import { ProcSampler } from "../../src/platform/local/sampler.ts";
import { buildResources } from "../../src/results/resources.ts";
import { snapshotsOf } from "../../src/run/run-record.ts";

/** CPU burnt per /burn request, µs of the process's own CPU time. */
const COST_US = 20_000;
const RATE = 10;
const BURNER = `
const http = require("node:http");
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const server = http.createServer((req, res) => {
  if (req.url === "/burn") { const end = cpu() + ${COST_US}; while (cpu() < end) {} }
  res.end(String(cpu()));
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
setTimeout(() => process.exit(0), 60000);
`;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) {
    try {
      process.kill(-c.pid!, "SIGKILL"); // the wrapper and its worker alike
    } catch {}
  }
});

/** Starts the burner (under `sh … & wait` when wrapped); its pid and port. */
async function burner(wrapped: boolean): Promise<{ pid: number; url: string }> {
  const child = wrapped
    ? spawn("sh", ["-c", `"${process.execPath}" -e "$BURNER" & wait`], {
        env: { ...process.env, BURNER },
        stdio: ["ignore", "pipe", "inherit"],
        detached: true,
      })
    : spawn(process.execPath, ["-e", BURNER], {
        stdio: ["ignore", "pipe", "inherit"],
        detached: true,
      });
  started.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", () => reject(new Error("burner exited")));
  });
  return { pid: child.pid!, url: `http://127.0.0.1:${port}` };
}

const get = async (url: string) => Number(await (await fetch(url)).text());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("local per-run CPU of a process tree", () => {
  it.each([
    { intervalMs: 1000, seconds: 4, wrapped: false },
    { intervalMs: 1000, seconds: 4, wrapped: true },
    { intervalMs: 5000, seconds: 11, wrapped: true },
  ])(
    "is rate × cost and the kernel's counter: $intervalMs ms samples, wrapped $wrapped",
    async ({ intervalMs, seconds, wrapped }) => {
      const { pid, url } = await burner(wrapped);
      const sampler = new ProcSampler({
        targets: () => [{ name: "sidecar", class: "data-plane", pid }],
        intervalMs,
      });
      sampler.start();
      const cpuBefore = await get(`${url}/cpu`);
      const fromMs = sampler.sampleNow()[0]!.t;
      // Requests at RATE a second, each awaited; the count, not the timing, is what matters.
      let sent = 0;
      const startMs = Date.now();
      while (Date.now() - startMs < seconds * 1000) {
        await get(`${url}/burn`);
        sent++;
        await sleep(Math.max(0, startMs + (sent * 1000) / RATE - Date.now()));
      }
      const cpuAfter = await get(`${url}/cpu`);
      sampler.stop();
      const toMs = sampler.samples.at(-1)!.t;
      const { containers, snapshots } = snapshotsOf(sampler.samples);
      const perRun = buildResources(intervalMs, containers, snapshots, { fromMs, toMs }).perRun;

      const windowS = (toMs - fromMs) / 1000;
      // The counter's resolution: under a tick at each end; and the few ms between the
      // burner's own reading and the sampler's, at each end.
      const tolerance = (2 / clockTicksPerSecond() + 0.02) / windowS;
      const kernel = (cpuAfter - cpuBefore) / 1e6 / windowS;
      const asked = (sent * COST_US) / 1e6 / windowS;
      expect(perRun.dataPlane.cpuCores).toBeGreaterThan(0.05);
      expect(Math.abs(perRun.dataPlane.cpuCores! - kernel)).toBeLessThanOrEqual(tolerance);
      // rate × cost, plus the server's own work per request (parsing, answering: a few %).
      expect(perRun.dataPlane.cpuCores!).toBeGreaterThanOrEqual(asked - tolerance);
      expect(perRun.dataPlane.cpuCores!).toBeLessThanOrEqual(asked * 1.15 + tolerance);
    },
    60_000,
  );
});

describe("local memory of a process tree", () => {
  it("is the PSS of every process in it, as smaps_rollup gives it", async () => {
    const { pid } = await burner(true);
    // The tree as pgrep finds it: the wrapper and its node worker.
    const worker = Number(execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).trim());
    const pss = (p: number) =>
      Number(/^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))![1]) * 1024;
    const rss = (p: number) =>
      Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))![1]) * 1024;
    await sleep(300); // settled after start-up
    const expected = pss(pid) + pss(worker);
    const tree = readProcTree(pid)!;
    expect(tree.processes).toBe(2);
    // An idle process's pages barely move between two reads: 2 % of slack.
    expect(Math.abs(tree.memoryBytes - expected)).toBeLessThanOrEqual(0.02 * expected);
    // Shared pages (the shell's and node's own libraries) are split, not counted per process.
    expect(tree.memoryBytes).toBeLessThan(rss(pid) + rss(worker));
  }, 30_000);
});
