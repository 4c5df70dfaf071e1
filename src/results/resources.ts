// Resources of a run: samples as the sampler takes them (every container's usage at one
// sweep) turned into run.json's columns, and the per-run figures (DESIGN.md, "Resources").
// Pure, and the same for every platform.
//
// A CPU reading is a rate over an interval of its own (`cpuFromMs` to `readAtMs`): locally
// the /proc counter's delta since the previous reading, on a cluster metrics-server's
// `window` ending at its `timestamp`. The per-run CPU is the CPU time those readings put
// inside the measured period ÷ the part of the period they cover (a reading that straddles
// an edge counts pro rata), per container, summed over the class: with readings that
// tile the period, exactly the counter's delta over the period ÷ its length. The peak
// (sum over the class at each sweep, then the maximum; and the largest single proxy) is
// kept beside it. Memory is the peak over readings taken inside the period. A figure
// nothing measured is absent, never 0.
//
// Warm-up is not measured (DESIGN.md), and neither is the start-up before it. Every sample
// stays in the columns for the record.
import {
  type ClassFigure,
  type Container,
  RESOURCE_CLASSES,
  type ResourceClass,
  type Resources,
  type UsageSeries,
} from "./run-schema.ts";

export type PerRunResources = Resources["perRun"];

/** One container's reading: CPU as a rate over [cpuFromMs, readAtMs]; null when not read. */
export interface Reading {
  cpuCores: number | null;
  memoryBytes: number | null;
  /** Start of the interval the CPU rate covers; default: the previous sweep's time. */
  cpuFromMs?: number;
  /** When the source took the reading (metrics-server's timestamp); default: the sweep's. */
  readAtMs?: number;
}

/** What a sampler sees at one sweep: a reading per container id. */
export interface ResourceSnapshot {
  atMs: number;
  usage: Record<string, Reading>;
}

/** The load's measured period, ms since the epoch (after warm-up, to the schedule's end). */
export interface MeasuredPeriod {
  fromMs: number;
  toMs: number;
}

const overlap = (a0: number, a1: number, b0: number, b1: number) =>
  Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * One container's mean CPU over `period`: CPU seconds its readings put inside it ÷ the time
 * they cover there. A reading's interval is cut to start where the previous one ended, so
 * a reading seen twice (metrics-server not refreshed between two sweeps) or overlapping
 * windows count once. Undefined when no reading covers any of the period.
 */
export function meanCpu(series: UsageSeries, period: MeasuredPeriod): number | undefined {
  let coresMs = 0;
  let coveredMs = 0;
  let lastTo = Number.NEGATIVE_INFINITY;
  series.cpuCores.forEach((cores, i) => {
    const from = series.cpuFromMs[i];
    const to = series.readAtMs[i];
    if (cores === null || from === null || from === undefined || to === null || to === undefined)
      return;
    const start = Math.max(from, lastTo);
    if (to <= start) return;
    lastTo = to;
    const inside = overlap(start, to, period.fromMs, period.toMs);
    coresMs += cores * inside;
    coveredMs += inside;
  });
  return coveredMs > 0 ? coresMs / coveredMs : undefined;
}

const absentFigures = () =>
  Object.fromEntries(RESOURCE_CLASSES.map((k) => [k, { containers: 0 }])) as Record<
    ResourceClass,
    ClassFigure
  >;

const maxOf = (a: number | undefined, b: number) => (a === undefined ? b : Math.max(a, b));
const addTo = (a: number | undefined, b: number) => (a === undefined ? b : a + b);

/**
 * Per-run figures over `measured`; without it (a run that failed before its load
 * delivered) over every sample: reports use no figure of a failed run.
 */
export function perRunResources(
  containers: readonly Container[],
  sampledAtMs: readonly number[],
  usage: Readonly<Record<string, UsageSeries>>,
  measured: MeasuredPeriod | null = null,
): PerRunResources {
  const period = measured ?? {
    fromMs: Number.NEGATIVE_INFINITY,
    toMs: Number.POSITIVE_INFINITY,
  };
  const classOf = new Map(containers.map((c) => [c.id, c.class]));
  const figures = absentFigures();
  const maxProxy: PerRunResources["maxProxy"] = {};
  const series = Object.entries(usage).flatMap(([id, s]) => {
    const cls = classOf.get(id);
    return cls === undefined ? [] : [{ cls, s }];
  });
  // The mean over the period, per container, summed over the class.
  for (const { cls, s } of series) {
    const mean = meanCpu(s, period);
    if (mean === undefined) continue;
    figures[cls].cpuCores = addTo(figures[cls].cpuCores, mean);
    if (cls === "dataPlane") maxProxy.cpuCores = maxOf(maxProxy.cpuCores, mean);
  }
  // Peaks: per sweep, the readings taken inside the period, summed over the class.
  for (let i = 0; i < sampledAtMs.length; i++) {
    const sums = new Map<ResourceClass, { cpu?: number; memory?: number; containers: number }>();
    for (const { cls, s } of series) {
      const at = s.readAtMs[i] ?? sampledAtMs[i]!;
      const cpu = s.cpuCores[i] ?? null;
      const memory = s.memoryBytes[i] ?? null;
      if (at < period.fromMs || at > period.toMs || (cpu === null && memory === null)) continue;
      // A peak is a reading wholly inside the period: one that averages over warm-up is not.
      const from = s.cpuFromMs[i] ?? null;
      const cpuInside = cpu !== null && from !== null && from >= period.fromMs;
      const sum = sums.get(cls) ?? { containers: 0 };
      sums.set(cls, sum);
      sum.containers++;
      if (cpuInside) sum.cpu = addTo(sum.cpu, cpu);
      if (memory !== null) sum.memory = addTo(sum.memory, memory);
      if (cls === "dataPlane") {
        if (cpuInside) maxProxy.cpuPeakCores = maxOf(maxProxy.cpuPeakCores, cpu);
        if (memory !== null) maxProxy.memoryBytes = maxOf(maxProxy.memoryBytes, memory);
      }
    }
    for (const [cls, sum] of sums) {
      const f = figures[cls];
      f.containers = Math.max(f.containers, sum.containers);
      if (sum.cpu !== undefined) f.cpuPeakCores = maxOf(f.cpuPeakCores, sum.cpu);
      if (sum.memory !== undefined) f.memoryBytes = maxOf(f.memoryBytes, sum.memory);
    }
  }
  return { ...figures, maxProxy };
}

/**
 * The resources section of run.json from the sampler's snapshots (all kept), per-run
 * figures over `measured` (see perRunResources).
 */
export function buildResources(
  intervalMs: number,
  containers: Container[],
  snapshots: readonly ResourceSnapshot[],
  measured: MeasuredPeriod | null = null,
): Resources {
  const known = new Set(containers.map((c) => c.id));
  const usage: Record<string, UsageSeries> = {};
  for (const c of containers)
    usage[c.id] = { cpuCores: [], memoryBytes: [], cpuFromMs: [], readAtMs: [] };
  snapshots.forEach((snapshot, i) => {
    for (const id of Object.keys(snapshot.usage)) {
      if (!known.has(id)) {
        throw new Error(
          `resource sample ${i}: "${id}" is not among the containers; every sampled container must be listed with its class`,
        );
      }
    }
    const previousAt = i > 0 ? snapshots[i - 1]!.atMs : null;
    for (const c of containers) {
      const u = snapshot.usage[c.id];
      const column = usage[c.id]!;
      column.cpuCores.push(u ? u.cpuCores : null);
      column.memoryBytes.push(u ? u.memoryBytes : null);
      column.cpuFromMs.push(u && u.cpuCores !== null ? (u.cpuFromMs ?? previousAt) : null);
      column.readAtMs.push(u ? (u.readAtMs ?? snapshot.atMs) : null);
    }
  });
  const sampledAtMs = snapshots.map((s) => s.atMs);
  return {
    intervalMs,
    containers,
    sampledAtMs,
    usage,
    perRun: perRunResources(containers, sampledAtMs, usage, measured),
  };
}
