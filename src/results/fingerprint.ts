// What must match for two results to be comparable: the workload and its
// instance count, the rate, duration, warm-up, request paths, connections, timeout, pacing,
// load-generator pods, the resource sampling interval, the platform kind and node types.
// Meshes and their versions are what a comparison is *about*, so they are not part of it.
// Pure.
import type { RunResult } from "./run-schema.ts";

/** A setting an older run.json did not record (and its load results cannot tell). */
export const NOT_RECORDED = "(not recorded)";

export interface Fingerprint {
  workload: string;
  instances: number;
  rate: number;
  durationMs: number;
  warmupMs: number | string;
  /** The request paths, sorted, e.g. `/api/list, /api/vote?choice=:flushed:`. */
  paths: string;
  connections: number;
  timeoutMs: number | string;
  pacing: string;
  loadgenPods: number;
  resourceIntervalMs: number | string;
  platform: string;
  nodeTypes: string;
}

/** Paths of the load generator's URLs (hosts and ports differ from run to run). */
const pathsOf = (urls: readonly string[]): string[] =>
  urls.map((u) => {
    const url = new URL(u);
    return url.pathname + url.search;
  });

export function fingerprint(
  run: Pick<RunResult, "spec" | "platform" | "load" | "resources">,
): Fingerprint {
  const { spec, platform, load, resources } = run;
  // Runs written before these were in spec: from the load's own record where it has one.
  const target = load?.target;
  const paths = spec.paths ?? (target ? pathsOf(target.urls) : null);
  return {
    workload: spec.workload.name,
    instances: spec.workload.instances,
    rate: spec.rate,
    durationMs: spec.durationMs,
    warmupMs: spec.warmupMs ?? target?.warmupMs ?? NOT_RECORDED,
    paths: paths ? [...new Set(paths)].sort().join(", ") : NOT_RECORDED,
    connections: spec.connections,
    timeoutMs: spec.timeoutMs ?? target?.timeoutMs ?? NOT_RECORDED,
    pacing: spec.pacing ?? target?.pacing ?? NOT_RECORDED,
    loadgenPods: spec.loadgenPods,
    resourceIntervalMs: spec.resourceIntervalMs ?? resources?.intervalMs ?? NOT_RECORDED,
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
  warmupMs: "warm-up (ms)",
  paths: "request paths",
  connections: "connections",
  timeoutMs: "timeout (ms)",
  pacing: "pacing",
  loadgenPods: "load-generator pods",
  resourceIntervalMs: "resource sampling interval (ms)",
  platform: "platform",
  nodeTypes: "node types",
};

/**
 * Each difference as `rate (rps): 1000 ≠ 2000`; empty when comparable. A setting one side
 * did not record (a failed run of an older meshbench) is not a known difference.
 */
export function fingerprintDifferences(a: Fingerprint, b: Fingerprint): string[] {
  return (Object.keys(LABELS) as (keyof Fingerprint)[])
    .filter((k) => a[k] !== b[k] && a[k] !== NOT_RECORDED && b[k] !== NOT_RECORDED)
    .map((k) => `${LABELS[k]}: ${a[k]} ≠ ${b[k]}`);
}
