// Benchmark of `meshbench report` (issue #3): a generated results set of 4 meshes × 4
// repetitions × 8 load-generator pods of 30-minute runs with 1 s interval logs, then the
// time and peak memory (max RSS) of the bundled `meshbench report` over it.
// Target on the 2-core CI machine: under 10 s and 500 MB. Prints figures; asserts nothing.
//
//   npm run bench:report [-- --runs N] [-- --regenerate]
//
// The set is generated once into bench/out/report-set (about 50 s) and reused.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { createHistogram, type Histogram } from "../src/histogram/hdr.ts";
import { hlogHeader, hlogLine } from "../src/histogram/hlog.ts";
import { mergeHlogs } from "../src/histogram/hlog-merge.ts";
import { mergeLoadgenResults } from "../src/results/merge.ts";
import { buildResources, type ResourceSnapshot } from "../src/results/resources.ts";
import { writeRun } from "../src/results/run-file.ts";
import type { Container, RunEvent } from "../src/results/run-schema.ts";
import { seededRandom } from "../src/stats/seeded-random.ts";
import { loadResult, MIB, runResult } from "../test/helpers/runs.ts";

const MESHES = [
  { mesh: { name: "bare" }, medianUs: 900, proxies: 0 },
  { mesh: { name: "linkerd", version: "2.16.0" }, medianUs: 1300, proxies: 20 },
  { mesh: { name: "istio", version: "1.24.0" }, medianUs: 1900, proxies: 20 },
  { mesh: { name: "cilium", version: "1.16.0" }, medianUs: 1200, proxies: 3 },
];
const REPETITIONS = 4;
const PODS = 8;
const DURATION_MS = 30 * 60_000;
const INTERVAL_MS = 1000;
const RATE = 2000; // total; 250 rps per pod
const POOL = 64; // distinct interval histograms per mesh and pod, reused round-robin
const GENERATOR_VERSION = "2";

const OUT = join(import.meta.dirname, "out");
const SET = join(OUT, "report-set");
const REPORT = join(OUT, "report-out");
const CLI = join(import.meta.dirname, "../dist/cli.js");

/** Latencies with a log-normal body and a rare slow tail, µs. */
function sample(rnd: () => number, medianUs: number): number {
  const z = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const tail = rnd() < 0.001 ? 20 : 1;
  return Math.max(1, Math.round(medianUs * Math.exp(0.5 * z) * tail));
}

async function generateRun(meshIndex: number, repetition: number): Promise<void> {
  const plan = MESHES[meshIndex]!;
  const rnd = seededRandom(1000 * meshIndex + repetition);
  const startMs =
    Date.UTC(2026, 0, 15, 12) + (meshIndex * REPETITIONS + repetition) * 2 * DURATION_MS;
  const warmupMs = 30_000;
  const fromMs = startMs + warmupMs;
  const intervals = (DURATION_MS - warmupMs) / INTERVAL_MS;
  const perInterval = RATE / PODS;
  const podLogs: string[] = [];
  const podResults = [];
  for (let pod = 0; pod < PODS; pod++) {
    // A pool of interval histograms; each interval takes one, so the pod's total is each
    // pool entry's samples times the number of intervals that used it.
    const pool = Array.from({ length: POOL }, () =>
      Array.from({ length: perInterval }, () => sample(rnd, plan.medianUs)),
    );
    const suffixes = pool.map((values) => {
      const h = createHistogram();
      for (const v of values) h.recordValue(v);
      return hlogLine(
        { startMs: fromMs, endMs: fromMs + INTERVAL_MS, histogram: h },
        fromMs,
      ).replace(/^[^,]*,[^,]*,/, "");
    });
    const uses = new Array<number>(POOL).fill(0);
    let log = hlogHeader(fromMs, `bench pod ${pod}`);
    for (let i = 0; i < intervals; i++) {
      const j = (i * 7 + pod * 13) % POOL;
      uses[j]!++;
      const podStart = (i * INTERVAL_MS + pod * 2) / 1000; // pods a few ms apart, as in a cluster
      log += `${podStart.toFixed(3)},${(INTERVAL_MS / 1000).toFixed(3)},${suffixes[j]}`;
    }
    podLogs.push(log);
    const total: Histogram = createHistogram();
    pool.forEach((values, j) => {
      for (const v of values) total.recordValueWithCount(v, uses[j]!);
    });
    podResults.push(
      loadResult({
        histogram: total,
        rate: RATE / PODS,
        durationMs: DURATION_MS,
        warmupMs,
        measuredFromMs: fromMs + pod * 2,
        connections: 16,
        intervalMs: INTERVAL_MS,
        errors: { timeout: Math.floor(rnd() * 3) },
      }),
    );
  }
  const load = mergeLoadgenResults(podResults);

  // Resources sampled every second: control plane, proxies, 20 app containers, 8 pods.
  const containers: Container[] = [
    ...Array.from(
      { length: 20 },
      (_, i): Container => ({ id: `emojivoto/app-${i}/app`, class: "application" }),
    ),
    ...Array.from(
      { length: PODS },
      (_, i): Container => ({ id: `meshbench/loadgen-${i}/loadgen`, class: "loadGenerator" }),
    ),
    ...Array.from(
      { length: plan.proxies },
      (_, i): Container => ({ id: `emojivoto/app-${i}/proxy`, class: "dataPlane" }),
    ),
    ...(plan.proxies > 0
      ? [{ id: "mesh-system/control/plane", class: "controlPlane" as const }]
      : []),
  ];
  const samples: ResourceSnapshot[] = [];
  for (let t = 0; t < DURATION_MS / 1000; t++) {
    const usage: ResourceSnapshot["usage"] = {};
    for (const c of containers) {
      const base = c.class === "controlPlane" ? 0.2 : c.class === "dataPlane" ? 0.05 : 0.1;
      usage[c.id] = {
        cpuCores: base * (0.8 + 0.4 * rnd()),
        memoryBytes: (c.class === "controlPlane" ? 120 : 40) * MIB * (0.95 + 0.1 * rnd()),
      };
    }
    samples.push({ atMs: startMs + t * 1000, usage });
  }
  const events: RunEvent[] =
    repetition === 2 && plan.proxies > 0
      ? [
          {
            atMs: startMs + 600_000,
            kind: "restart",
            container: "emojivoto/app-3/proxy",
            detail: "OOMKilled",
          },
        ]
      : [];
  const run = runResult({
    scenario: "bench-30m",
    mesh: plan.mesh,
    repetition,
    load,
    resources: buildResources(1000, containers, samples),
    events,
    rate: RATE,
    durationMs: DURATION_MS,
    loadgenPods: PODS,
    platform: { kind: "kubernetes", provider: "kind", nodes: { count: 4, types: ["bench-node"] } },
  });
  const dir = join(SET, "bench-30m", plan.mesh.name, `r${repetition}`);
  await writeRun(dir, run, mergeHlogs(podLogs, INTERVAL_MS, "merged from 8 pods"));
  await mkdir(join(dir, "pods"), { recursive: true });
  await Promise.all(podLogs.map((log, i) => writeFile(join(dir, "pods", `pod-${i}.hlog`), log)));
}

async function generate(regenerate: boolean): Promise<void> {
  const marker = join(SET, ".generated");
  if (!regenerate && existsSync(marker) && (await readFile(marker, "utf8")) === GENERATOR_VERSION) {
    console.log(`Using the results set in ${SET} (--regenerate to make it anew)`);
    return;
  }
  await rm(SET, { recursive: true, force: true });
  const started = performance.now();
  console.log(
    `Generating ${MESHES.length} meshes × ${REPETITIONS} repetitions × ${PODS} pods × 30 min into ${SET} …`,
  );
  for (let r = 1; r <= REPETITIONS; r++) {
    for (let m = 0; m < MESHES.length; m++) await generateRun(m, r);
  }
  await writeFile(marker, GENERATOR_VERSION);
  console.log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs the bundled CLI with a preload that prints its peak RSS at exit. */
async function timeReport(): Promise<{ seconds: number; peakMb: number; stdout: string }> {
  const hook = `data:text/javascript,process.on("exit",()=>process.stderr.write("MAXRSS_KB="+process.resourceUsage().maxRSS+"\\n"))`;
  await rm(REPORT, { recursive: true, force: true });
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", hook, CLI, "report", SET, "--out", REPORT, "--chart-host", "quickchart.io"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1]);
  return { seconds, peakMb: kb / 1024, stdout };
}

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, regenerate: { type: "boolean" } },
});
await generate(values.regenerate ?? false);
const times: number[] = [];
const peaks: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const { seconds, peakMb, stdout } = await timeReport();
  if (i === 0) process.stdout.write(stdout.replace(/^/gm, "  "));
  times.push(seconds);
  peaks.push(peakMb);
  console.log(
    `meshbench report run ${i + 1}: ${seconds.toFixed(2)} s, peak RSS ${peakMb.toFixed(0)} MB`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  `median: ${median(times).toFixed(2)} s (target < 10 s), peak RSS ${median(peaks).toFixed(0)} MB (target < 500 MB)`,
);
