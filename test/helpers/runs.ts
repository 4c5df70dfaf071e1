// Synthetic results for tests and the report benchmark: histograms whose percentiles are
// known analytically, loadgen results and run.json objects built from them.
import {
  createHistogram,
  encodeHistogram,
  type Histogram,
  spectrum,
} from "../../src/histogram/hdr.ts";
import type { LoadgenResult } from "../../src/results/loadgen-schema.ts";
import { LOADGEN_SCHEMA } from "../../src/results/loadgen-version.ts";
import { buildResources } from "../../src/results/resources.ts";
import type {
  Container,
  Mesh,
  ResourceClass,
  Resources,
  RunEvent,
  RunResult,
  RunStatus,
} from "../../src/results/run-schema.ts";
import { RUN_SCHEMA } from "../../src/results/run-version.ts";
import { summarize } from "../../src/stats/summarize.ts";

/** Every whole microsecond from `lo` to `hi` once: the p-th percentile is ≈ lo + p % of the span. */
export function uniformHistogram(lo: number, hi: number, times = 1): Histogram {
  const h = createHistogram();
  for (let v = lo; v <= hi; v++) h.recordValueWithCount(v, times);
  return h;
}

/** `count` values evenly spread over [lo, hi] µs (a continuous uniform distribution, sampled). */
export function spreadHistogram(lo: number, hi: number, count: number): Histogram {
  const h = createHistogram();
  for (let i = 0; i < count; i++) h.recordValue(Math.round(lo + ((hi - lo) * i) / (count - 1)));
  return h;
}

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface LoadOptions {
  histogram: Histogram;
  rate?: number;
  durationMs?: number;
  warmupMs?: number;
  measuredFromMs?: number;
  connections?: number;
  intervalMs?: number;
  pods?: number;
  errors?: Partial<LoadgenResult["achieved"]["errors"]>;
  status?: Partial<LoadgenResult["achieved"]["status"]>;
  unsent?: number;
  url?: string;
}

export function loadResult(o: LoadOptions): LoadgenResult {
  const durationMs = o.durationMs ?? 60_000;
  const warmupMs = o.warmupMs ?? 6_000;
  const measuredMs = durationMs - warmupMs;
  const measuredFromMs = o.measuredFromMs ?? T0 + warmupMs;
  const requests = o.histogram.totalCount;
  const errors = { connect: 0, reset: 0, timeout: 0, other: 0, ...o.errors };
  const failures = errors.connect + errors.reset + errors.timeout + errors.other;
  const status = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, ...o.status };
  status["2xx"] = requests - status["3xx"] - status["4xx"] - status["5xx"];
  // Fixtures record no timed-out request in their histograms: none is censored.
  const latency = { ...spectrum(o.histogram), censored: 0 };
  const encoded = encodeHistogram(o.histogram);
  const empty = createHistogram();
  const url = o.url ?? "http://web-svc-1/api/list";
  return {
    schema: LOADGEN_SCHEMA,
    version: "0.1.0",
    startedAt: new Date(measuredFromMs - warmupMs).toISOString(),
    endedAt: new Date(measuredFromMs + measuredMs).toISOString(),
    measuredFromMs,
    target: {
      rate: o.rate ?? 1000,
      durationMs,
      warmupMs,
      connections: o.connections ?? 64,
      workers: 1,
      urls: [url],
      timeoutMs: 5000,
      intervalMs: o.intervalMs ?? 1000,
      pacing: "efficient",
      pods: o.pods ?? 1,
    },
    achieved: {
      rate: requests / (measuredMs / 1000),
      requests,
      measuredMs,
      sent: requests + failures,
      unsent: o.unsent ?? 0,
      status,
      errors,
    },
    latencyUs: latency,
    histogram: encoded,
    errorLatencyUs: spectrum(empty),
    errorHistogram: encodeHistogram(empty),
    warmup: { requests: 100, failures: 0 },
    paths: {
      [url]: { requests, status, errors, latencyUs: latency, histogram: encoded },
    },
  };
}

export interface ContainerLoad {
  id: string;
  class: ResourceClass;
  cpuCores: number;
  memoryBytes: number;
}

/** Samples in which every container uses exactly what it is given (constant over time). */
export function constantResources(
  containers: ContainerLoad[],
  samples = 3,
  startMs = T0,
): Resources {
  const list: Container[] = containers.map((c) => ({ id: c.id, class: c.class }));
  return buildResources(
    1000,
    list,
    Array.from({ length: samples }, (_, i) => ({
      atMs: startMs + i * 1000,
      usage: Object.fromEntries(
        containers.map((c) => [c.id, { cpuCores: c.cpuCores, memoryBytes: c.memoryBytes }]),
      ),
    })),
  );
}

export interface RunOptions {
  scenario?: string;
  mesh: Mesh;
  repetition: number;
  load: LoadgenResult | null;
  resources?: Resources | null;
  events?: RunEvent[];
  status?: RunStatus;
  rate?: number;
  durationMs?: number;
  platform?: RunResult["platform"];
  loadgenPods?: number;
}

export function runResult(o: RunOptions): RunResult {
  const started = o.load ? Date.parse(o.load.startedAt) : T0;
  return {
    schema: RUN_SCHEMA,
    scenario: o.scenario ?? "smoke",
    mesh: o.mesh,
    repetition: o.repetition,
    spec: {
      workload: { name: "emojivoto", instances: 2 },
      rate: o.rate ?? o.load?.target.rate ?? 1000,
      durationMs: o.durationMs ?? o.load?.target.durationMs ?? 60_000,
      connections: o.load?.target.connections ?? 64,
      loadgenPods: o.loadgenPods ?? o.load?.target.pods ?? 1,
    },
    platform: o.platform ?? { kind: "local", nodes: { count: 1, types: ["test-cpu"] } },
    environment: {
      meshbenchVersion: "0.1.0",
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + (o.load?.target.durationMs ?? 60_000)).toISOString(),
    },
    load: o.load,
    resources: o.resources ?? null,
    events: o.events ?? [],
    status: o.status ?? { state: "ok" },
  };
}

export const MIB = 1024 * 1024;

/** A typical mesh's containers: control plane, two proxies, the app and the load generator. */
export function meshContainers(scale: number, withMesh = true): ContainerLoad[] {
  const app: ContainerLoad[] = [
    { id: "app/web-1/web", class: "application", cpuCores: 0.2 * scale, memoryBytes: 30 * MIB },
    { id: "app/emoji-1/emoji", class: "application", cpuCores: 0.1 * scale, memoryBytes: 20 * MIB },
    { id: "lg/loadgen-0/loadgen", class: "loadGenerator", cpuCores: 0.5, memoryBytes: 60 * MIB },
  ];
  if (!withMesh) return app;
  return [
    ...app,
    {
      id: "mesh/istiod-0/discovery",
      class: "controlPlane",
      cpuCores: 0.05 * scale,
      memoryBytes: 80 * MIB * scale,
    },
    {
      id: "app/web-1/proxy",
      class: "dataPlane",
      cpuCores: 0.3 * scale,
      memoryBytes: 50 * MIB * scale,
    },
    {
      id: "app/emoji-1/proxy",
      class: "dataPlane",
      cpuCores: 0.1 * scale,
      memoryBytes: 40 * MIB * scale,
    },
  ];
}

/**
 * A censored tail, for the lower-bound (≥) cases: 1,000 requests a run, 970 answered in
 * 40–41 ms and 30 (3 %) timed out at 5 s, recorded at 5 s, so p99 and up are ≥ 5 s; and the
 * plain run it is set against, all 1,000 answered in 40–41 ms.
 */
export function censoredLoad(): LoadgenResult {
  const h = uniformHistogram(40_000, 40_969);
  h.recordValueWithCount(5_000_000, 30);
  const l = loadResult({ histogram: h });
  return { ...l, latencyUs: { ...l.latencyUs, censored: 30 } };
}

export const plainLoad = (): LoadgenResult =>
  loadResult({ histogram: uniformHistogram(40_000, 40_999) });

/** Two runs of a mesh, each with the load `make` gives, summarized. */
export const twoRunsOf = (name: string, make: () => LoadgenResult) =>
  summarize(
    [1, 2].map((repetition) => ({
      path: `${name}/r${repetition}/run.json`,
      run: runResult({ mesh: { name }, repetition, rate: 1000, load: make() }),
    })),
  );
