// Per-run resource figures from container samples (DESIGN.md, "Resources"): for each
// class, the sum over its containers at each sample, then the maximum over samples (CPU
// and memory each on their own); and the largest single data-plane container. Pure.
import {
  type ClassFigure,
  type Container,
  RESOURCE_CLASSES,
  type ResourceClass,
  type ResourceSample,
  type Resources,
} from "./run-schema.ts";

export type PerRunResources = Resources["perRun"];

export function perRunResources(
  containers: readonly Container[],
  samples: readonly ResourceSample[],
): PerRunResources {
  const classOf = new Map(containers.map((c) => [c.id, c.class]));
  const figures = Object.fromEntries(
    RESOURCE_CLASSES.map((k) => [k, { cpuCores: 0, memoryBytes: 0, containers: 0 }]),
  ) as Record<ResourceClass, ClassFigure>;
  const maxProxy = { cpuCores: 0, memoryBytes: 0 };
  for (const [i, sample] of samples.entries()) {
    const sums = Object.fromEntries(
      RESOURCE_CLASSES.map((k) => [k, { cpuCores: 0, memoryBytes: 0, containers: 0 }]),
    ) as Record<ResourceClass, ClassFigure>;
    for (const [id, usage] of Object.entries(sample.usage)) {
      const cls = classOf.get(id);
      if (cls === undefined) {
        throw new Error(
          `resources.samples[${i}].usage: "${id}" is not in resources.containers; every sampled container must be listed there with its class`,
        );
      }
      const sum = sums[cls];
      sum.cpuCores += usage.cpuCores;
      sum.memoryBytes += usage.memoryBytes;
      sum.containers++;
      if (cls === "dataPlane") {
        maxProxy.cpuCores = Math.max(maxProxy.cpuCores, usage.cpuCores);
        maxProxy.memoryBytes = Math.max(maxProxy.memoryBytes, usage.memoryBytes);
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

/** The resources section of run.json, with the per-run figures computed from the samples. */
export function buildResources(
  intervalMs: number,
  containers: Container[],
  samples: ResourceSample[],
): Resources {
  return { intervalMs, containers, samples, perRun: perRunResources(containers, samples) };
}
