// Where clusters come from. A provider creates (or adopts) a cluster and hands back a
// kubeconfig path; destroy() removes what create() made, is idempotent and safe to call
// twice (after a failed create too); describeNodes() says what the cluster is made of.
// Implemented by `kubeconfig` (an existing cluster), `kind` and `terraform` (bare metal).
// The platform is handed a provider (src/provision/provider-for.ts builds it from the
// scenario) and never knows which one it has.
import type { V1Node } from "@kubernetes/client-node";
import { connect } from "../kube/client.ts";

export interface NodeSummary {
  name: string;
  roles: string[];
  labels: Record<string, string>;
  schedulable: boolean;
  ready: boolean;
  kubeletVersion?: string;
  allocatable: { cpu?: string; memory?: string };
}

export interface ClusterInfo {
  provider: string;
  /** The cluster's name (kind) or the kubeconfig context used. */
  name: string;
  /** A kubeconfig file for this cluster (mode 0600); valid until destroy(). */
  kubeconfigPath: string;
  context?: string;
  nodes: NodeSummary[];
}

export interface Provider {
  readonly kind: string;
  /** `signal` stops the creation (what was made is still recorded, for destroy()). */
  create(signal?: AbortSignal): Promise<ClusterInfo>;
  destroy(): Promise<void>;
  describeNodes(): Promise<NodeSummary[]>;
  /**
   * Called before each run: throws when the cluster may no longer be used (bare metal past
   * its maximum lifetime, destroyed by this very call, so every later run fails here too).
   * Absent: always usable.
   */
  ensureUsable?(log?: (line: string) => void): Promise<void>;
}

const ROLE_PREFIX = "node-role.kubernetes.io/";

export function summarizeNode(n: V1Node): NodeSummary {
  const labels = n.metadata?.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith(ROLE_PREFIX))
    .map((k) => k.slice(ROLE_PREFIX.length));
  return {
    name: n.metadata?.name ?? "",
    roles: roles.length ? roles : ["worker"],
    labels,
    schedulable: !n.spec?.unschedulable,
    ready: n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion,
    allocatable: { cpu: n.status?.allocatable?.cpu, memory: n.status?.allocatable?.memory },
  };
}

/**
 * What describeNodes() says: the nodes of the cluster the kubeconfig at `path` reaches,
 * summarized. Without a path, `provider` (named in the error) was not created yet.
 */
export async function listNodeSummaries(
  provider: string,
  { path, context }: { path: string | null | undefined; context?: string },
): Promise<NodeSummary[]> {
  if (!path) throw new Error(`${provider}: create() first`);
  const kube = connect({ path, context });
  return (await kube.call("list nodes", () => kube.core.listNode())).items.map(summarizeNode);
}
