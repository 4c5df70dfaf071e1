// The client wrapper against the fake API server over HTTP, with the real client-node:
// kubeconfig loading, server-side apply with meshbench's labels and field manager,
// retries on 429/5xx only (Retry-After honoured), errors in words.
import { execFileSync } from "node:child_process";
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { applyObjects, FIELD_MANAGER } from "../../../src/kube/apply.ts";
import { connect, type Kube, loadKubeConfig } from "../../../src/kube/client.ts";
import { MANAGED_BY, RUN_ID } from "../../../src/kube/labels.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";

let fake: FakeKube;
let kube: Kube;
let delays: number[];

beforeEach(async () => {
  fake = await startFakeKube();
  delays = [];
  kube = connect(
    { path: fake.kubeconfigPath },
    { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
  );
});
afterEach(() => fake.close());

const namespace = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const configMap = (name: string, ns: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
  data,
});

describe("kubeconfig", () => {
  it("loads from a path, from content, and switches to a named context", () => {
    expect(loadKubeConfig({ path: fake.kubeconfigPath }).getCurrentCluster()?.server).toBe(
      fake.url,
    );
    const two = `${fake.kubeconfig}`.replace(
      "contexts:\n",
      "contexts:\n- name: other\n  context: { cluster: fake, user: fake }\n",
    );
    const kc = loadKubeConfig({ content: two, context: "other" });
    expect(kc.getCurrentContext()).toBe("other");
    expect(() => loadKubeConfig({ content: two, context: "nope" })).toThrow(
      'kubeconfig context "nope" does not exist; contexts: other, fake',
    );
  });
});

describe("server-side apply", () => {
  it("creates, then updates, labelled with the run and owned by meshbench's field manager", async () => {
    const [ns, cm] = await applyObjects(
      kube,
      [configMap("c", "demo", { a: "1" }), namespace("demo")],
      "mb-test-1",
    );
    expect(ns?.kind).toBe("Namespace"); // namespaces first, whatever the order given
    expect(cm?.metadata?.labels).toEqual({ [MANAGED_BY]: "meshbench", [RUN_ID]: "mb-test-1" });
    await applyObjects(kube, [configMap("c", "demo", { a: "2" })], "mb-test-1");
    const stored = fake.store.get(resourceOf("configmaps"), "demo", "c")!;
    expect(stored.data).toEqual({ a: "2" });
    const applies = fake.requests.filter((r) => r.method === "PATCH");
    expect(applies).toHaveLength(3);
    for (const r of applies) {
      expect(r.contentType).toBe("application/apply-patch+yaml");
      expect(r.query.get("fieldManager")).toBe(FIELD_MANAGER);
      expect(r.query.get("force")).toBe("true");
    }
  });

  it("sends each object's JSON unchanged: CRD schema extensions, enums, defaults, `from`, `default`", async () => {
    // What the stand-in `linkerd install --crds` prints, shaped like Linkerd's Server CRD.
    const crdYaml = execFileSync("sh", ["test/fixtures/bin/linkerd", "install", "--crds"], {
      encoding: "utf8",
    });
    const [crd] = parseAllDocuments(crdYaml).map((d) => d.toJS() as KubernetesObject);
    const policy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "from-web", namespace: "demo" },
      spec: {
        podSelector: { matchLabels: { app: "emoji" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      },
    };
    const limits = {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "limits", namespace: "demo" },
      spec: {
        limits: [{ type: "Container", default: { cpu: "500m" }, defaultRequest: { cpu: "100m" } }],
      },
    };
    const given = [crd!, namespace("demo"), policy, limits];
    await applyObjects(kube, structuredClone(given), "mb-test-1");
    const withRunLabels = (o: KubernetesObject) => ({
      ...o,
      metadata: {
        ...o.metadata,
        labels: { ...o.metadata?.labels, [MANAGED_BY]: "meshbench", [RUN_ID]: "mb-test-1" },
      },
    });
    const bodies = fake.requests
      .filter((r) => r.method === "PATCH")
      .map((r) => JSON.parse(r.body!) as KubernetesObject);
    // Namespaces go first; the rest in the order given.
    expect(bodies).toEqual([given[1]!, given[0]!, policy, limits].map(withRunLabels));
    const stored = fake.store.get(
      resourceOf("customresourcedefinitions", "apiextensions.k8s.io"),
      undefined,
      crd!.metadata!.name!,
    )!;
    expect(stored.spec).toEqual((crd as { spec: unknown }).spec);
    const schema = JSON.stringify(stored.spec);
    for (const field of [
      "x-kubernetes-int-or-string",
      "x-kubernetes-validations",
      '"enum"',
      '"default"',
    ])
      expect(schema).toContain(field);
  });

  it("refuses a run id that is not a label value, before calling the server", async () => {
    await expect(applyObjects(kube, [namespace("x")], "Run 1; rm")).rejects.toThrow(
      'run id: "Run 1; rm" is not allowed; allowed: lowercase letters',
    );
    expect(fake.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });
});

describe("retries", () => {
  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    fake.faults.push({
      method: "GET",
      path: /\/nodes$/,
      code: 429,
      retryAfterSeconds: 3,
      times: 2,
    });
    const nodes = await kube.call("list nodes", () => kube.core.listNode());
    expect(nodes.items.length).toBe(4);
    expect(delays).toEqual([3000, 3000]);
  });

  it("backs off exponentially on 5xx without Retry-After", async () => {
    fake.faults.push({ method: "GET", path: /\/nodes$/, code: 503, times: 3 });
    await kube.call("list nodes", () => kube.core.listNode());
    // base 250 ms doubling, half fixed + half jittered (random = 0.5 → 3/4 of the ceiling)
    expect(delays).toEqual([188, 375, 750]);
  });

  it("gives up after the last attempt with the server's reason and message", async () => {
    fake.faults.push({ method: "GET", path: /\/nodes$/, code: 500, times: 99 });
    await expect(kube.call("list nodes", () => kube.core.listNode())).rejects.toThrow(
      "list nodes (after 6 tries): HTTP 500 InternalError: injected fault",
    );
    expect(delays).toHaveLength(5);
  });

  for (const code of [400, 403, 404, 409, 422]) {
    it(`never retries a ${code}`, async () => {
      fake.faults.push({ method: "GET", path: /\/nodes$/, code, times: 5 });
      await expect(kube.call("list nodes", () => kube.core.listNode())).rejects.toThrow(
        `list nodes: HTTP ${code}`,
      );
      expect(delays).toEqual([]);
      expect(fake.requests.filter((r) => r.path === "/api/v1/nodes")).toHaveLength(1);
    });
  }

  it("reports the API server's 404 and 409 Status in words", async () => {
    await expect(
      kube.call("read pod", () => kube.core.readNamespacedPod({ name: "p", namespace: "default" })),
    ).rejects.toThrow('read pod: HTTP 404 NotFound: pods "p" not found');
    const ns = { metadata: { name: "twice" } };
    await kube.call("create namespace", () => kube.core.createNamespace({ body: ns }));
    await expect(
      kube.call("create namespace", () => kube.core.createNamespace({ body: ns })),
    ).rejects.toThrow(
      'create namespace: HTTP 409 AlreadyExists: namespaces "twice" already exists',
    );
  });

  it("gets a 422 for a ConfigMap over 1 MiB, as a real API server answers", async () => {
    await applyObjects(kube, [namespace("big")], "mb-test-1");
    await expect(
      applyObjects(kube, [configMap("c", "big", { f: "x".repeat(1024 * 1024 + 1) })], "mb-test-1"),
    ).rejects.toThrow("HTTP 422 Invalid");
  });
});
