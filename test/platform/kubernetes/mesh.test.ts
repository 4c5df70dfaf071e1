// Installing and removing a mesh on the (fake) cluster, through the real client-node and a
// stand-in `linkerd` CLI (test/fixtures/bin/linkerd) that records its calls and prints
// manifests: the shipped linkerd definition's steps run in order with the run's kubeconfig,
// their output is applied in-process (CRDs first and Established, everything labelled with
// the run), readiness is waited for, uninstall deletes what the CLI lists, and cleanup by
// label sweeps cluster-scoped leftovers. A namespace that is not meshbench's is refused.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Kube } from "../../../src/kube/client.ts";
import { MANAGED_BY, RUN_ID } from "../../../src/kube/labels.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { cleanup } from "../../../src/platform/kubernetes/cleanup.ts";
import {
  applyManifest,
  deleteManifest,
  installOrder,
  parseManifest,
} from "../../../src/platform/kubernetes/manifest.ts";
import {
  installMesh,
  MESH_ANNOTATION,
  MESH_VERSION_ANNOTATION,
  type MeshContext,
  uninstallMesh,
} from "../../../src/platform/kubernetes/mesh-install.ts";
import { waitForMeshReady } from "../../../src/platform/kubernetes/mesh-ready.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";
import { passEnv } from "../../helpers/process.ts";

const RUN = "mb-mesh-test-1";
const BIN = resolve("test/fixtures/bin");
const CRDS = resourceOf("customresourcedefinitions", "apiextensions.k8s.io");
const NAMESPACES = resourceOf("namespaces");

let fake: FakeKube;
let kube: Kube;
let dir: string;
let lines: string[];
beforeEach(async () => {
  fake = await startFakeKube({ readyAfterMs: 50 });
  kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
  dir = await mkdtemp(join(tmpdir(), "meshbench-mesh-"));
  lines = [];
});
afterEach(() => fake.close());

function context(extraEnv: Record<string, string> = {}): MeshContext {
  return {
    kube,
    runId: RUN,
    kubeconfigPath: fake.kubeconfigPath,
    workDir: dir,
    tools: {
      cacheDir: join(dir, "cache"),
      download: async (url) => {
        throw new Error(`no downloads in tests: ${url}`);
      },
    },
    env: {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH}`,
      ...passEnv({ FAKE_LINKERD_LOG: join(dir, "linkerd.log"), ...extraEnv }),
    },
    log: (line) => lines.push(line),
  };
}
const linkerdCalls = async () =>
  (await readFile(join(dir, "linkerd.log"), "utf8")).trim().split("\n");

describe("manifests from a mesh CLI", () => {
  it("parses every document, unpacks Lists, and names a document that is not an object", () => {
    const objects = parseManifest(
      "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n# nothing\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
      "out",
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/a",
      "Namespace/b",
    ]);
    expect(() => parseManifest("kind: Thing\n", "the output of x")).toThrow(
      "the output of x: document 1 is not a Kubernetes object (it needs apiVersion, kind and metadata.name)",
    );
    expect(() => parseManifest("a: [\n", "the output of x")).toThrow(
      "the output of x: document 1 is not valid YAML",
    );
  });

  it("orders CRDs, namespaces, config, workloads, custom resources, then webhooks", () => {
    const o = (kind: string) => ({
      apiVersion: "v1",
      kind,
      metadata: { name: kind.toLowerCase() },
    });
    const kinds = installOrder(
      [
        "ValidatingWebhookConfiguration",
        "Server",
        "Deployment",
        "ConfigMap",
        "Namespace",
        "CustomResourceDefinition",
      ].map(o),
    ).map((x) => x.kind);
    expect(kinds).toEqual([
      "CustomResourceDefinition",
      "Namespace",
      "ConfigMap",
      "Deployment",
      "Server",
      "ValidatingWebhookConfiguration",
    ]);
  });

  it("applies CRDs first and waits until they are Established; labels cluster-scoped objects too", async () => {
    const objects = parseManifest(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\n${(await readFile(join(BIN, "linkerd"), "utf8")).split("cat <<'YAML'\n")[1]!.split("YAML\n")[0]}`,
      "x",
    );
    await applyManifest(kube, objects, RUN, { pollMs: 10 });
    const writes = fake.requests
      .filter((r) => r.method === "PATCH" || r.method === "GET")
      .map((r) => `${r.method} ${r.path}`);
    const crdApply = writes.indexOf(
      "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/servers.policy.linkerd.io",
    );
    // The last read: the first is the look before applying (was it there before the run?).
    const crdRead = writes.lastIndexOf(
      "GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/servers.policy.linkerd.io",
    );
    const nsApply = writes.indexOf("PATCH /api/v1/namespaces/demo");
    expect(crdApply).toBeGreaterThanOrEqual(0);
    expect(crdRead).toBeGreaterThan(crdApply);
    expect(nsApply).toBeGreaterThan(crdRead);
    const crd = fake.store.get(CRDS, undefined, "servers.policy.linkerd.io")!;
    expect(crd.metadata.labels).toMatchObject({ [MANAGED_BY]: "meshbench", [RUN_ID]: RUN });

    expect(await deleteManifest(kube, objects)).toEqual([
      "Namespace demo",
      "CustomResourceDefinition servers.policy.linkerd.io",
    ]);
    for (let i = 0; i < 100 && fake.store.get(NAMESPACES, undefined, "demo"); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await deleteManifest(kube, objects)).toEqual([]); // gone already: not an error
  });

  it("cleanup by label sweeps labelled cluster-scoped objects and leaves others", async () => {
    const crd = (name: string, plural = name.split(".")[0]!) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural, kind: plural[0]!.toUpperCase() + plural.slice(1) },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object" } },
          },
        ],
      },
    });
    await applyManifest(kube, [crd("ours.example.com")], RUN, { pollMs: 10 });
    fake.store.create(CRDS, undefined, crd("theirs.example.com") as never);
    const report = await cleanup(kube, { runId: RUN });
    expect(report.objects).toEqual(["CustomResourceDefinition ours.example.com"]);
    expect(fake.store.list(CRDS).map((c) => c.metadata.name)).toEqual(["theirs.example.com"]);
  });
});

describe("installing and removing linkerd (shipped definition, stand-in CLI)", () => {
  it("claims its namespace, runs the steps with the run's kubeconfig, applies, waits ready; uninstall removes it", async () => {
    const mesh = await loadMeshDefinition("scenarios/meshes/linkerd.yaml");
    await installMesh(context(), mesh, null, {
      timeoutMs: null,
      namespaceWaitMs: 1000,
      pollMs: 20,
    });

    // The CLI on the PATH says the pinned version, so it is used as is (no download).
    expect(await linkerdCalls()).toEqual([
      `version --client --short KUBECONFIG=${process.env.KUBECONFIG ?? ""}`,
      `install --crds KUBECONFIG=${fake.kubeconfigPath}`,
      `install KUBECONFIG=${fake.kubeconfigPath}`,
      `check --wait 5m KUBECONFIG=${fake.kubeconfigPath}`,
    ]);
    const ns = fake.store.get(NAMESPACES, undefined, "linkerd")!;
    expect(ns.metadata.labels).toMatchObject({
      [MANAGED_BY]: "meshbench",
      [RUN_ID]: RUN,
      "linkerd.io/is-control-plane": "true",
    });
    expect(ns.metadata.annotations).toMatchObject({
      [MESH_ANNOTATION]: "linkerd",
      [MESH_VERSION_ANNOTATION]: "edge-26.8.3",
      "linkerd.io/inject": "disabled",
    });
    const d = fake.store.get(resourceOf("deployments", "apps"), "linkerd", "linkerd-destination")!;
    expect(d.status.availableReplicas).toBe(1);
    expect(d.metadata.labels?.[RUN_ID]).toBe(RUN);
    // The Gateway API CRDs Linkerd needs, rendered by kubectl, applied as the run's own.
    const gatewayApi = fake.store.get(CRDS, undefined, "httproutes.gateway.networking.k8s.io")!;
    expect(gatewayApi.metadata.labels?.[RUN_ID]).toBe(RUN);
    const gatewayStep = lines.findIndex((l) => l.startsWith("$ kubectl create --dry-run=client"));
    expect(gatewayStep).toBeGreaterThanOrEqual(0);
    expect(gatewayStep).toBeLessThan(lines.indexOf("$ linkerd install --crds | apply"));
    expect(lines).toContain("$ linkerd install --crds | apply");
    expect(lines).toContain("  applied 5 objects");
    expect(lines).toContain("linkerd: ready in linkerd");

    expect(await uninstallMesh(context(), mesh, null)).toEqual([]);
    expect((await linkerdCalls()).at(-1)).toBe(`uninstall KUBECONFIG=${fake.kubeconfigPath}`);
    expect(fake.store.get(CRDS, undefined, "servers.policy.linkerd.io")).toBeUndefined();
    // Being deleted, or gone already (the fake empties and removes it within a tick or two).
    const meshNs = fake.store.get(NAMESPACES, undefined, "linkerd");
    expect(meshNs === undefined || meshNs.metadata.deletionTimestamp !== undefined).toBe(true);
  });

  it("refuses to install over a namespace that is not meshbench's, and names a leftover's run", async () => {
    const mesh = await loadMeshDefinition("scenarios/meshes/linkerd.yaml");
    fake.store.create(NAMESPACES, undefined, { metadata: { name: "linkerd" } });
    await expect(
      installMesh(context(), mesh, null, { timeoutMs: null, namespaceWaitMs: 100 }),
    ).rejects.toThrow(
      "namespace linkerd already exists and was not created by meshbench: linkerd (or another install using it) is on this cluster already",
    );
    // Nothing ran: the user's namespace is untouched.
    expect(
      fake.store.get(NAMESPACES, undefined, "linkerd")?.metadata.labels?.[MANAGED_BY],
    ).toBeUndefined();
    fake.store.remove(NAMESPACES, undefined, "linkerd");
    fake.store.create(NAMESPACES, undefined, {
      metadata: {
        name: "linkerd",
        labels: { [MANAGED_BY]: "meshbench", [RUN_ID]: "mb-killed-7" },
        annotations: { [MESH_ANNOTATION]: "linkerd" },
      },
    });
    await expect(
      installMesh(context(), mesh, null, { timeoutMs: null, namespaceWaitMs: 100 }),
    ).rejects.toThrow(
      "namespace linkerd is left over from meshbench run mb-killed-7 (linkerd); remove it with: meshbench cleanup",
    );
  });

  it("a failing step fails the install with the command and its stderr", async () => {
    const mesh = await loadMeshDefinition("scenarios/meshes/linkerd.yaml");
    const error = await installMesh(context({ FAKE_LINKERD_CHECK_FAIL: "1" }), mesh, null, {
      timeoutMs: null,
      namespaceWaitMs: 100,
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /linkerd check --wait 5m: exit 1\n {4}linkerd-existence\n {4}× control plane pods are ready: No running pods/,
    );
  });
});

describe("mesh readiness", () => {
  it("times out naming the deployment that is not available, its pods, why, and their events", async () => {
    await fake.close();
    fake = await startFakeKube({
      readyAfterMs: 20,
      neverReady: (pod) => pod.metadata.namespace === "istio-system",
    });
    kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
    await applyManifest(
      kube,
      parseManifest(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  selector: {matchLabels: {app: istiod}}\n  template:\n    metadata: {labels: {app: istiod}}\n    spec: {containers: [{name: discovery, image: istio/pilot}]}\n",
        "x",
      ),
      RUN,
    );
    const error = await waitForMeshReady(
      kube,
      "istio-tuned",
      [
        {
          namespace: "istio-system",
          deployments: ["istiod", "istio-ingressgateway"],
          daemonsets: [],
          timeoutMs: 400,
        },
      ],
      { pollMs: 20 },
    ).catch((e: Error) => e);
    const message = (error as Error).message;
    expect(message).toMatch(/^mesh istio-tuned not ready after 0s in namespace istio-system:\n/);
    expect(message).toContain("  deployment istio-system/istio-ingressgateway does not exist");
    expect(message).toContain("  deployment istio-system/istiod: 0 of 1 available");
    expect(message).toMatch(
      /\n {4}istio-system\/istiod-\w+-\w+: container discovery running but not ready\n( {6}.*\n)* {6}Warning Unhealthy: Readiness probe failed/,
    );
  });
});
