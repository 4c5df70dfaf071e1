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

// What `istioctl install --set profile=ambient` puts in istio-system, reduced to what
// readiness and recognition look at: names, labels, and the tolerations that put the node
// agents on every node (the tainted control-plane and load-generator nodes included).
const AMBIENT = `
apiVersion: v1
kind: Namespace
metadata: { name: istio-system }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: istiod, namespace: istio-system }
spec:
  selector: { matchLabels: { app: istiod } }
  template:
    metadata: { labels: { app: istiod } }
    spec: { containers: [{ name: discovery, image: istio/pilot }] }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ztunnel, namespace: istio-system }
spec:
  selector: { matchLabels: { app: ztunnel } }
  template:
    metadata: { labels: { app: ztunnel } }
    spec:
      tolerations: [{ operator: Exists }]
      containers: [{ name: istio-proxy, image: istio/ztunnel }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: istio-cni-node, namespace: istio-system }
spec:
  selector: { matchLabels: { k8s-app: istio-cni-node } }
  template:
    metadata: { labels: { k8s-app: istio-cni-node } }
    spec:
      tolerations: [{ operator: Exists }]
      containers: [{ name: install-cni, image: istio/install-cni }]
`;

// What `cilium install --namespace cilium` puts there, reduced the same way.
const CILIUM = `
apiVersion: v1
kind: Namespace
metadata: { name: cilium }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cilium-operator, namespace: cilium }
spec:
  selector: { matchLabels: { name: cilium-operator } }
  template:
    metadata: { labels: { name: cilium-operator } }
    spec: { containers: [{ name: cilium-operator, image: cilium/operator }] }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: cilium, namespace: cilium }
spec:
  selector: { matchLabels: { k8s-app: cilium } }
  template:
    metadata: { labels: { k8s-app: cilium } }
    spec:
      tolerations: [{ operator: Exists }]
      containers: [{ name: cilium-agent, image: cilium/cilium }]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: cilium-envoy, namespace: cilium }
spec:
  selector: { matchLabels: { k8s-app: cilium-envoy } }
  template:
    metadata: { labels: { k8s-app: cilium-envoy } }
    spec:
      tolerations: [{ operator: Exists }]
      containers: [{ name: cilium-envoy, image: cilium/cilium-envoy }]
`;

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
