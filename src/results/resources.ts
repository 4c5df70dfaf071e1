// Resources of a run: samples as the sampler takes them (every container's usage at one
// instant) turned into run.json's columns, and the per-run figures (DESIGN.md,
// "Resources"): for each class the sum over its containers at each sample, then the
// maximum over samples (CPU and memory each on their own); and the largest single
// data-plane container. Pure, and the same for every platform.
//
// Warm-up is not measured (DESIGN.md), and neither is the start-up before it: the
// per-run figures come only from samples inside the load's measured period. Every sample
// stays in the columns for the record; `sampledAtMs` beside the load's `measuredFromMs`
// and `achieved.measuredMs` shows which ones counted.
import {
  type ClassFigure,
  type Container,
  RESOURCE_CLASSES,
  type ResourceClass,
  type Resources,
  type UsageSeries,
} from "./run-schema.ts";

export type PerRunResources = Resources["perRun"];

/** What a sampler sees at one instant: usage per container id. */
export interface ResourceSnapshot {
  atMs: number;
  usage: Record<string, { cpuCores: number; memoryBytes: number }>;
}

const zeroFigures = () =>
  Object.fromEntries(
    RESOURCE_CLASSES.map((k) => [k, { cpuCores: 0, memoryBytes: 0, containers: 0 }]),
  ) as Record<ResourceClass, ClassFigure>;

/** The load's measured period, ms since the epoch (after warm-up, to the schedule's end). */
export interface MeasuredPeriod {
  fromMs: number;
  toMs: number;
}

/**
 * Per-run figures. With `measured`, a sample counts for memory when it was taken inside
 * the period; for CPU, which is an average over the interval since the previous sample,
 * only when that interval lies inside too (the first sample in the period averages over
 * warm-up as well). Without it (a run that failed before its load delivered), every sample
 * counts; reports use no figure of a failed run.
 */
export function perRunResources(
  containers: readonly Container[],
  sampledAtMs: readonly number[],
  usage: Readonly<Record<string, UsageSeries>>,
  measured: MeasuredPeriod | null = null,
): PerRunResources {
  const classOf = new Map(containers.map((c) => [c.id, c.class]));
  const figures = zeroFigures();
  const maxProxy = { cpuCores: 0, memoryBytes: 0 };
  const series = Object.entries(usage).map(([id, s]) => ({ cls: classOf.get(id), ...s }));
  for (let i = 0; i < sampledAtMs.length; i++) {
    const t = sampledAtMs[i]!;
    if (measured && (t < measured.fromMs || t > measured.toMs)) continue;
    const cpuCounts = !measured || (i > 0 && sampledAtMs[i - 1]! >= measured.fromMs);
    const sums = zeroFigures();
    for (const { cls, cpuCores, memoryBytes } of series) {
      const cpu = cpuCounts ? (cpuCores[i] ?? null) : null;
      const memory = memoryBytes[i] ?? null;
      // A sample may carry memory without CPU (a first reading has no CPU delta yet): its
      // memory still counts.
      if (cls === undefined || (cpu === null && memory === null)) continue;
      const sum = sums[cls];
      sum.cpuCores += cpu ?? 0;
      sum.memoryBytes += memory ?? 0;
      sum.containers++;
      if (cls === "dataPlane") {
        maxProxy.cpuCores = Math.max(maxProxy.cpuCores, cpu ?? 0);
        maxProxy.memoryBytes = Math.max(maxProxy.memoryBytes, memory ?? 0);
      }
    }
    for (const k of RESOURCE_CLASSES) {
      const f = figures[k];
      f.cpuCores = Math.max(f.cpuCores, sums[k].cpuCores);
      f.memoryBytes = Math.max(f.memoryBytes, sums[k].memoryBytes);
      f.containers = Math.max(f.containers, sums[k].containers);
    }
  }
  return { ...figures, maxProxy };
}

/**
 * The resources section of run.json from the sampler's snapshots (all kept), per-run
 * figures from those inside `measured` (see perRunResources).
 */
export function buildResources(
  intervalMs: number,
  containers: Container[],
  snapshots: readonly ResourceSnapshot[],
  measured: MeasuredPeriod | null = null,
): Resources {
  const known = new Set(containers.map((c) => c.id));
  const usage: Record<string, UsageSeries> = {};
  for (const c of containers) usage[c.id] = { cpuCores: [], memoryBytes: [] };
  snapshots.forEach((snapshot, i) => {
    for (const id of Object.keys(snapshot.usage)) {
      if (!known.has(id)) {
        throw new Error(
          `resource sample ${i}: "${id}" is not among the containers; every sampled container must be listed with its class`,
        );
      }
    }
    for (const c of containers) {
      const u = snapshot.usage[c.id];
      usage[c.id]!.cpuCores.push(u ? u.cpuCores : null);
      usage[c.id]!.memoryBytes.push(u ? u.memoryBytes : null);
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
