// Which part of the system a container is (DESIGN.md, "Resources"): control plane (in a
// mesh namespace, its pods' own proxies included), data plane (a sidecar proxy container
// elsewhere, or a node-level proxy pod such as ztunnel), the load generator, or the
// application. Pure; the mesh definition says
// which names and namespaces are its own.

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
}

export function classify(
  c: Classifier,
  namespace: string,
  pod: string,
  container: string,
  podLabels: Record<string, string> = {},
): ContainerClass {
  // Node proxies (ztunnel) live in the mesh's namespace but carry the apps' traffic.
  if (c.nodeProxyPods.some((prefix) => pod === prefix || pod.startsWith(`${prefix}-`)))
    return "data-plane";
  if (
    (c.nodeProxies ?? []).some(
      (n) =>
        n.namespace === namespace &&
        Object.keys(n.podLabels).length > 0 &&
        Object.entries(n.podLabels).every(([k, v]) => podLabels[k] === v),
    )
  )
    return "data-plane";
  // Everything else there is the control plane, its pods' own proxies included.
  if (c.controlPlaneNamespaces.includes(namespace)) return "control-plane";
  // A sidecar proxy is data plane wherever else it runs, the load generator's included.
  if (c.proxyContainers.includes(container)) return "data-plane";
  if (namespace === c.loadgenNamespace) return "loadgen";
  return "application";
}
