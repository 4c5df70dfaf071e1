// Which part of the system a container is (DESIGN.md, "Resources"): control plane (in a
// mesh namespace, its pods' own proxies included), data plane (a sidecar proxy container
// elsewhere, or a node-level proxy pod such as ztunnel), the load generator, or the
// application. Pure; the mesh definition says which names and namespaces are its own.
//
// A node proxy (a DaemonSet: one per node) carries the traffic of the pods on its node.
// On the application nodes that is the mesh's data plane; on the load-generator node it
// carries only the load generator's requests (or none, when the load generator is not
// meshed), so it is counted with the load generator, the instrument's side, never gated:
// adding it to the data plane would charge the mesh for a proxy a sidecar mesh does not
// have there when unmeshed.

export type ContainerClass = "control-plane" | "data-plane" | "application" | "loadgen";

export interface Classifier {
  /** The mesh's control-plane namespaces, e.g. linkerd, istio-system. */
  controlPlaneNamespaces: string[];
  /** Sidecar proxy container names, e.g. linkerd-proxy, istio-proxy. */
  proxyContainers: string[];
  /** Node-level proxy pods by name prefix, e.g. ztunnel (Istio ambient). */
  nodeProxyPods: string[];
  /** Node-level proxy pods by namespace and labels, as a mesh definition names them. */
  nodeProxies?: { namespace: string; podLabels: Record<string, string> }[];
  loadgenNamespace: string;
  /** The node reserved for the load generator; node proxies there count as loadgen. */
  loadgenNode?: string | null;
}

export function classify(
  c: Classifier,
  namespace: string,
  pod: string,
  container: string,
  podLabels: Record<string, string> = {},
  node?: string,
): ContainerClass {
  // Node proxies (ztunnel) live in the mesh's namespace but carry the apps' traffic.
  const nodeProxy =
    c.nodeProxyPods.some((prefix) => pod === prefix || pod.startsWith(`${prefix}-`)) ||
    (c.nodeProxies ?? []).some(
      (n) =>
        n.namespace === namespace &&
        Object.keys(n.podLabels).length > 0 &&
        Object.entries(n.podLabels).every(([k, v]) => podLabels[k] === v),
    );
  if (nodeProxy) return c.loadgenNode && node === c.loadgenNode ? "loadgen" : "data-plane";
  // Everything else there is the control plane, its pods' own proxies included.
  if (c.controlPlaneNamespaces.includes(namespace)) return "control-plane";
  // A sidecar proxy is data plane wherever else it runs, the load generator's included.
  if (c.proxyContainers.includes(container)) return "data-plane";
  if (namespace === c.loadgenNamespace) return "loadgen";
  return "application";
}
