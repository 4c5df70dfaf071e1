// What must match for two results to be comparable (issue #3): the workload and its
// instance count, the rate, duration, connections, load-generator pods, the platform
// kind and node types. Meshes and their versions are what a comparison is *about*, so
// they are not part of it. Pure.
import type { RunResult } from "./run-schema.ts";

export interface Fingerprint {
  workload: string;
  instances: number;
  rate: number;
  durationMs: number;
  connections: number;
  loadgenPods: number;
  platform: string;
  nodeTypes: string;
}

export function fingerprint(run: Pick<RunResult, "spec" | "platform">): Fingerprint {
  const { spec, platform } = run;
  return {
    workload: spec.workload.name,
    instances: spec.workload.instances,
    rate: spec.rate,
    durationMs: spec.durationMs,
    connections: spec.connections,
    loadgenPods: spec.loadgenPods,
    platform: platform.kind,
    // A cluster of 3 × m5.large equals one listed in another order; duplicates count.
    nodeTypes: [...platform.nodes.types].sort().join(", ") || "(none listed)",
  };
}

export function fingerprintKey(fp: Fingerprint): string {
  return JSON.stringify(fp);
}

const LABELS: Record<keyof Fingerprint, string> = {
  workload: "workload",
  instances: "workload instances",
  rate: "rate (rps)",
  durationMs: "duration (ms)",
  connections: "connections",
  loadgenPods: "load-generator pods",
  platform: "platform",
  nodeTypes: "node types",
};

/** Each difference as `rate (rps): 1000 ≠ 2000`; empty when comparable. */
export function fingerprintDifferences(a: Fingerprint, b: Fingerprint): string[] {
  return (Object.keys(LABELS) as (keyof Fingerprint)[])
    .filter((k) => a[k] !== b[k])
    .map((k) => `${LABELS[k]}: ${a[k]} ≠ ${b[k]}`);
}
