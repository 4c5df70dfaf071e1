// Resources of a run: samples as the sampler takes them (every container's usage at one
// instant) turned into run.json's columns, and the per-run figures (DESIGN.md,
// "Resources"): for each class the sum over its containers at each sample, then the
// maximum over samples (CPU and memory each on their own); and the largest single
// data-plane container. Pure.
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

export function perRunResources(
  containers: readonly Container[],
  sampledAtMs: readonly number[],
  usage: Readonly<Record<string, UsageSeries>>,
): PerRunResources {
  const classOf = new Map(containers.map((c) => [c.id, c.class]));
  const figures = zeroFigures();
  const maxProxy = { cpuCores: 0, memoryBytes: 0 };
  const series = Object.entries(usage).map(([id, s]) => ({ cls: classOf.get(id), ...s }));
  for (let i = 0; i < sampledAtMs.length; i++) {
    const sums = zeroFigures();
    for (const { cls, cpuCores, memoryBytes } of series) {
      const cpu = cpuCores[i];
      const memory = memoryBytes[i];
      if (cls === undefined || cpu === null || cpu === undefined) continue;
      const sum = sums[cls];
      sum.cpuCores += cpu;
      sum.memoryBytes += memory ?? 0;
      sum.containers++;
      if (cls === "dataPlane") {
        maxProxy.cpuCores = Math.max(maxProxy.cpuCores, cpu);
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

/** The resources section of run.json from the sampler's snapshots, per-run figures included. */
export function buildResources(
  intervalMs: number,
  containers: Container[],
  snapshots: readonly ResourceSnapshot[],
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
    perRun: perRunResources(containers, sampledAtMs, usage),
  };
}
