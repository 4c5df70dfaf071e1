// Meshes whose data plane is node proxies (Istio ambient: ztunnel and the CNI agent as
// DaemonSets; Cilium: its agent and a per-node Envoy), on the fake cluster through the real client-node: readiness waits for a
// DaemonSet's pod on every node it targets, and the resource sampler attributes each
// ztunnel by the node it runs on — data plane on the application nodes, the load
// generator's on the reserved node — from the shipped definition's recognise section.
// istioctl and the cilium CLI are not run (they apply their manifests directly, not
// through meshbench); the objects below stand for what they install.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Kube } from "../../../src/kube/client.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { reserveLoadgenNode } from "../../../src/platform/kubernetes/loadgen-node.ts";
import { applyManifest, parseManifest } from "../../../src/platform/kubernetes/manifest.ts";
import { waitForMeshReady } from "../../../src/platform/kubernetes/mesh-ready.ts";
import { kubernetesOf } from "../../../src/platform/kubernetes/mesh-steps.ts";
import { ResourceSampler } from "../../../src/platform/kubernetes/sampler.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";

const RUN = "mb-ambient-test-1";

/**
 * A manifest of one namespace and, in it, workloads of one container each: a Deployment, or a
 * DaemonSet that tolerates every taint (a node agent on every node, the tainted control-plane
 * and load-generator nodes included). Pods are labelled `label: <name>`.
 */
function manifest(
  namespace: string,
  workloads: {
    kind: "Deployment" | "DaemonSet";
    name: string;
    label: string;
    container: string;
    image: string;
  }[],
): string {
  const objects = workloads.map(
    (w) => `apiVersion: apps/v1
kind: ${w.kind}
metadata: { name: ${w.name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { ${w.label}: ${w.name} } }
  template:
    metadata: { labels: { ${w.label}: ${w.name} } }
    spec:${w.kind === "DaemonSet" ? "\n      tolerations: [{ operator: Exists }]" : ""}
      containers: [{ name: ${w.container}, image: ${w.image} }]
`,
  );
  return [`apiVersion: v1\nkind: Namespace\nmetadata: { name: ${namespace} }\n`, ...objects].join(
    "---\n",
  );
}

// What `istioctl install --set profile=ambient` puts in istio-system, reduced to what
// readiness and recognition look at: names, labels, and the node agents' tolerations.
const AMBIENT = manifest("istio-system", [
  {
    kind: "Deployment",
    name: "istiod",
    label: "app",
    container: "discovery",
    image: "istio/pilot",
  },
  {
    kind: "DaemonSet",
    name: "ztunnel",
    label: "app",
    container: "istio-proxy",
    image: "istio/ztunnel",
  },
  {
    kind: "DaemonSet",
    name: "istio-cni-node",
    label: "k8s-app",
    container: "install-cni",
    image: "istio/install-cni",
  },
]);

// What `cilium install --namespace cilium` puts there, reduced the same way.
const CILIUM = manifest("cilium", [
  {
    kind: "Deployment",
    name: "cilium-operator",
    label: "name",
    container: "cilium-operator",
    image: "cilium/operator",
  },
  {
    kind: "DaemonSet",
    name: "cilium",
    label: "k8s-app",
    container: "cilium-agent",
    image: "cilium/cilium",
  },
  {
    kind: "DaemonSet",
    name: "cilium-envoy",
    label: "k8s-app",
    container: "cilium-envoy",
    image: "cilium/cilium-envoy",
  },
]);

let fake: FakeKube;
let kube: Kube;
beforeEach(async () => {
  fake = await startFakeKube({ readyAfterMs: 50 });
  kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
});
afterEach(() => fake.close());

/**
 * Installs the stand-in objects, waits as the definition's ready checks say, takes one
 * resource sample of the namespace, and returns each sample with its pod's node.
 */
async function installAndSample(definition: string, manifest: string, namespace: string) {
  const mesh = await loadMeshDefinition(`scenarios/meshes/${definition}.yaml`);
  const k = kubernetesOf(mesh);
  const loadgenNode = await reserveLoadgenNode(kube, RUN, () => 0);
  await applyManifest(kube, parseManifest(manifest, definition), RUN, { pollMs: 10 });
  await waitForMeshReady(
    kube,
    mesh.name,
    k.ready.map((c) => ({ ...c, timeoutMs: 20_000 })),
    { pollMs: 20 },
  );
  const sampler = new ResourceSampler(kube, {
    namespaces: [namespace],
    classifier: {
      controlPlaneNamespaces: k.recognise.controlPlaneNamespaces,
      proxyContainers: k.recognise.proxyContainers,
      nodeProxyPods: [],
      nodeProxies: k.recognise.nodeProxies,
      loadgenNamespace: "meshbench-loadgen",
      loadgenNode,
    },
    now: () => 1000,
  });
  await sampler.sampleOnce();
  const { samples } = await sampler.stop();
  const nodeOf = new Map(
    fake.store
      .list(resourceOf("pods"), namespace)
      .map((p) => [p.metadata.name, p.spec.nodeName as string]),
  );
  return { loadgenNode, samples: samples.map((s) => ({ ...s, node: nodeOf.get(s.pod) })) };
}

describe("Istio ambient's node proxies (shipped definition, fake cluster)", () => {
  it("waits for a ztunnel on every node, and attributes each by its node", async () => {
    const { loadgenNode, samples } = await installAndSample(
      "istio-ambient",
      AMBIENT,
      "istio-system",
    );
    // The fake's four nodes (a tainted control plane, three workers): one ztunnel each.
    const daemonSet = fake.store.get(resourceOf("daemonsets", "apps"), "istio-system", "ztunnel")!;
    expect(daemonSet.status).toMatchObject({ desiredNumberScheduled: 4, numberReady: 4 });
    const ztunnels = samples.filter((s) => s.pod.startsWith("ztunnel-"));
    expect(ztunnels).toHaveLength(4);
    for (const s of ztunnels)
      expect(s.class).toBe(s.node === loadgenNode ? "loadgen" : "data-plane");
    expect(ztunnels.filter((s) => s.class === "loadgen")).toHaveLength(1);
    // The CNI agent and istiod are the control plane, wherever they run.
    const others = samples.filter((s) => !s.pod.startsWith("ztunnel-"));
    expect(others.length).toBe(5); // istiod + four CNI agents
    expect(new Set(others.map((s) => s.class))).toEqual(new Set(["control-plane"]));
  });
});

describe("Cilium's per-node Envoy (shipped definition, fake cluster)", () => {
  it("waits for the agents and Envoys on every node; Envoy is data plane, the agents control plane", async () => {
    const { loadgenNode, samples } = await installAndSample("cilium", CILIUM, "cilium");
    const envoys = samples.filter((s) => s.pod.startsWith("cilium-envoy-"));
    expect(envoys).toHaveLength(4);
    for (const s of envoys) expect(s.class).toBe(s.node === loadgenNode ? "loadgen" : "data-plane");
    const agents = samples.filter((s) => s.container === "cilium-agent");
    expect(agents).toHaveLength(4);
    expect(new Set(agents.map((s) => s.class))).toEqual(new Set(["control-plane"]));
  });
});
