// What run.json says about a cluster (node count, machine types, Kubernetes version), the
// run id as the cluster needs it, and the sampler's findings as the platform interface
// types them. Pure.
import { createHash } from "node:crypto";
import { DNS_LABEL } from "../../kube/names.ts";
import type { NodeSummary } from "../../provision/provider.ts";
import type { PlatformRecord } from "../../results/run-schema.ts";
import type { PlatformEvent, ProcessClass, ResourceSample } from "../types.ts";
import type { ContainerClass } from "./classify.ts";
import type { PodSample, ResourceEvent } from "./sampler.ts";

const INSTANCE_TYPE = ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"];

/** A node's machine type: its instance-type label, else what it offers (kind has no label). */
export function machineType(n: NodeSummary): string {
  for (const key of INSTANCE_TYPE) if (n.labels[key]) return n.labels[key]!;
  const { cpu, memory } = n.allocatable;
  return cpu || memory ? `${cpu ?? "?"} CPU, ${memory ?? "?"} memory` : "unknown";
}

export function clusterInfo(
  provider: string,
  nodes: NodeSummary[],
  kubernetesVersion: string | undefined,
): PlatformRecord {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(machineType(n), (counts.get(machineType(n)) ?? 0) + 1);
  return {
    kind: "kubernetes",
    provider,
    nodes: {
      count: nodes.length,
      types: [...counts].map(([type, count]) => `${type} ×${count}`),
    },
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
  };
}

/**
 * The orchestrator's run id as a label value and name part (at most 63 characters of
 * a-z, 0-9 and '-'): kept when it already is one, else shortened with a hash that keeps
 * it unique.
 */
export function clusterRunId(id: string): string {
  if (DNS_LABEL.test(id)) return id;
  const clean = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 6);
  const head = clean.slice(0, 63 - hash.length - 1).replace(/-+$/, "");
  return head ? `${head}-${hash}` : `mb-${hash}`;
}

const CLASS: Record<ContainerClass, ProcessClass> = {
  "control-plane": "control-plane",
  "data-plane": "data-plane",
  application: "application",
  loadgen: "load-generator",
};

export function toResourceSample(s: PodSample): ResourceSample {
  return {
    name: `${s.namespace}/${s.pod}/${s.container}`,
    class: CLASS[s.class],
    t: s.t,
    cpuCores: s.cpuCores,
    memoryBytes: s.memoryBytes,
    cpuFromMs: s.cpuFromMs,
    readAtMs: s.readAtMs,
  };
}

export function toPlatformEvent(e: ResourceEvent, cls: ContainerClass): PlatformEvent {
  return {
    t: e.t,
    name: e.container ? `${e.namespace}/${e.pod}/${e.container}` : `${e.namespace}/${e.pod}`,
    class: CLASS[cls],
    kind: e.kind === "restart" ? "restarted" : "vanished",
    message: e.detail,
    ...(e.restarts !== undefined ? { restarts: e.restarts } : {}),
  };
}
