// The kind cluster configuration meshbench generates (kind.x-k8s.io/v1alpha4): the
// scenario's nodes with their roles and labels. Pure; every value is checked first.
import { stringify } from "yaml";
import { checked, IMAGE, LABEL_KEY, LABEL_VALUE } from "../kube/names.ts";

export interface KindNodeSpec {
  role: "control-plane" | "worker";
  labels?: Record<string, string>;
}

export function kindConfig(nodes: KindNodeSpec[], options: { image?: string } = {}): string {
  if (!nodes.some((n) => n.role === "control-plane"))
    throw new Error(
      "cluster.nodes: needs a control-plane node; allowed roles: control-plane, worker",
    );
  if (nodes.length > 20)
    throw new Error(`cluster.nodes: ${nodes.length} nodes; allowed: at most 20 on kind`);
  const image =
    options.image === undefined ? undefined : checked("cluster.image", options.image, IMAGE);
  return stringify({
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    nodes: nodes.map((n, i) => {
      if (n.role !== "control-plane" && n.role !== "worker")
        throw new Error(
          `cluster.nodes[${i}].role: ${JSON.stringify(n.role)} is not allowed; allowed: control-plane, worker`,
        );
      const labels = Object.fromEntries(
        Object.entries(n.labels ?? {}).map(([k, v]) => [
          checked(`cluster.nodes[${i}].labels key`, k, LABEL_KEY),
          checked(`cluster.nodes[${i}].labels["${k}"]`, v, LABEL_VALUE),
        ]),
      );
      return {
        role: n.role,
        ...(image ? { image } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
      };
    }),
  });
}
