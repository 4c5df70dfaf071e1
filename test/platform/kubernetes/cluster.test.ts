// The cluster-side pieces against the fake API server with the real client-node: the
// load-generator node, readiness (and a clear error when pods never get there), the
// resource sampler's restarts, vanished pods and missing metrics-server, and cleanup.
import { afterEach, describe, expect, it } from "vitest";
import { applyObjects } from "../../../src/kube/apply.ts";
import { connect, type Kube } from "../../../src/kube/client.ts";
import { LOADGEN_NODE, MANAGED_BY } from "../../../src/kube/labels.ts";
import { cleanup } from "../../../src/platform/kubernetes/cleanup.ts";
import {
  pickLoadgenNode,
  releaseLoadgenNodes,
  reserveLoadgenNode,
} from "../../../src/platform/kubernetes/loadgen-node.ts";
import { toPlatformEvent } from "../../../src/platform/kubernetes/platform-info.ts";
import { lastEvents } from "../../../src/platform/kubernetes/pods.ts";
import { NotReadyError, waitForReady } from "../../../src/platform/kubernetes/ready.ts";
import { NO_METRICS_NOTICE, ResourceSampler } from "../../../src/platform/kubernetes/sampler.ts";
import { emojivotoManifests } from "../../../src/workload/emojivoto/kubernetes.ts";
import { deployEmojivoto } from "../../helpers/emojivoto-kube.ts";
import {
  type FakeKube,
  type FakeKubeOptions,
  resourceOf,
  startFakeKube,
} from "../../helpers/fake-kube/index.ts";

const RUN = "mb-20261127t060000-0001";
const LINKERD = {
  namespaceAnnotation: ["linkerd.io/inject", "enabled"] as [string, string],
  container: "linkerd-proxy",
};
const classifier = {
  controlPlaneNamespaces: ["linkerd"],
  proxyContainers: ["linkerd-proxy"],
  nodeProxyPods: [],
  loadgenNamespace: "meshbench-loadgen",
};

let fake: FakeKube;
let kube: Kube;
async function start(options: FakeKubeOptions = {}) {
  fake = await startFakeKube({ injections: [LINKERD], ...options });
  kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
}
afterEach(() => fake?.close());

const node = (name: string) => fake.store.get(resourceOf("nodes"), undefined, name)!;
const configMap = (name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
});
/** A sampler of Emojivoto's and Linkerd's namespaces that keeps what it notices. */
function noticingSampler(intervalMs: number) {
  const notices: string[] = [];
  const sampler = new ResourceSampler(kube, {
    namespaces: ["emojivoto-1", "linkerd"],
    classifier,
    intervalMs,
    onNotice: (m) => notices.push(m),
  });
  return { sampler, notices };
}
const podsIn = (ns: string) => fake.store.list(resourceOf("pods"), ns);

describe("the load-generator node", () => {
  it("picks a random schedulable worker, labels and taints it, and undoes both", async () => {
    await start();
    // random() = 0.99 → the last of the three workers; the control plane is never picked.
    const name = await reserveLoadgenNode(kube, RUN, () => 0.99);
    expect(name).toBe("meshbench-worker3");
    expect(node(name).metadata.labels?.[LOADGEN_NODE]).toBe(RUN);
    expect(node(name).spec.taints).toEqual([
      { key: LOADGEN_NODE, value: RUN, effect: "NoSchedule" },
    ]);
    expect(await reserveLoadgenNode(kube, "mb-other", () => 0)).toBe("meshbench-worker");
    expect(await releaseLoadgenNodes(kube, RUN)).toEqual([name]);
    expect(node(name).metadata.labels).not.toHaveProperty(LOADGEN_NODE);
    expect(node(name).spec.taints).toEqual([]);
    expect(node("meshbench-worker").metadata.labels?.[LOADGEN_NODE]).toBe("mb-other"); // not ours
    expect(await releaseLoadgenNodes(kube, RUN)).toEqual([]); // twice is fine
  });

  it("re-reads the node when it changed under the patch (409 on a stale resourceVersion)", async () => {
    await start();
    fake.faults.push({ method: "PATCH", path: /\/nodes\//, code: 409, times: 1 });
    await reserveLoadgenNode(kube, RUN, () => 0);
    expect(
      fake.requests.filter((r) => r.method === "PATCH" && r.path.includes("/nodes/")),
    ).toHaveLength(2);
    expect(node("meshbench-worker").metadata.labels?.[LOADGEN_NODE]).toBe(RUN);
  });

  it("needs two usable workers and says which nodes are unusable and why", () => {
    const n = (name: string, extra: object = {}) => ({ metadata: { name, labels: {} }, ...extra });
    expect(() =>
      pickLoadgenNode([
        n("cp", {
          metadata: { name: "cp", labels: { "node-role.kubernetes.io/control-plane": "" } },
        }),
        n("w1"),
        n("w2", { spec: { unschedulable: true } }),
      ]),
    ).toThrow(
      "usable workers: 1 of 3: cp (control-plane node), w1 (usable), w2 (cordoned (unschedulable))",
    );
  });
});

describe("readiness", () => {
  it("waits until every pod is Ready and has its mesh proxy; apps stay off the load-generator node", async () => {
    await start({ readyAfterMs: 150 });
    const reserved = await reserveLoadgenNode(kube, RUN, () => 0.5);
    const pods = await deployEmojivoto(kube, RUN, {
      instances: 2,
      linkerd: true,
      timeoutMs: 10_000,
    });
    expect(pods).toHaveLength(6);
    for (const p of pods) {
      expect(p.spec?.containers.map((c) => c.name)).toContain("linkerd-proxy");
      expect(p.spec?.nodeName).not.toBe(reserved);
      expect(p.metadata?.labels?.[MANAGED_BY]).toBe("meshbench");
    }
  });

  it("times out naming the pods that are not ready, why, and their last events", async () => {
    await start({ neverReady: (p) => p.metadata.name.startsWith("voting-") });
    await applyObjects(kube, emojivotoManifests({ instances: 1 }), RUN);
    const error = await waitForReady(kube, {
      namespaces: ["emojivoto-1"],
      timeoutMs: 400,
      pollMs: 50,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error.message).toMatch(
      /^workload not ready after 0s; 1 not ready:\n {2}emojivoto-1\/voting-\w+-\w+: container voting-svc running but not ready/,
    );
    expect(error.message).toContain(
      "Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503",
    );
    const report = await cleanup(kube, { runId: RUN, waitMs: 2000, pollMs: 50 });
    expect(report.namespaces).toEqual(["emojivoto-1"]);
    expect(report.stillTerminating).toEqual([]);
    expect(podsIn("emojivoto-1")).toEqual([]);
  });

  it("says a pod is not meshed when the proxy is missing", async () => {
    await start();
    await applyObjects(kube, emojivotoManifests({ instances: 1 }), RUN); // no injection annotation
    const error = await waitForReady(kube, {
      namespaces: ["emojivoto-1"],
      expectContainers: ["linkerd-proxy"],
      timeoutMs: 300,
      pollMs: 50,
    }).catch((e) => e);
    expect(error.message).toContain("not meshed: no linkerd-proxy container");
  });
});

describe("a pod's last events", () => {
  it("come in time order, whatever the weekday names say", async () => {
    await start();
    const pod = fake.store.create(resourceOf("pods"), "default", {
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "x" }] },
    });
    // Sat 21 Nov is before Fri 27 Nov, though "Fri" sorts before "Sat".
    const at = (name: string, when: string, reason: string) =>
      fake.store.create(resourceOf("events"), "default", {
        metadata: { name },
        involvedObject: { kind: "Pod", namespace: "default", name: "p", uid: pod.metadata.uid },
        reason,
        message: when,
        type: "Normal",
        lastTimestamp: when,
      });
    at("p.b", "2026-11-27T10:00:00Z", "Later");
    at("p.a", "2026-11-21T10:00:00Z", "Earlier");
    at("p.c", "2026-11-27T09:59:59Z", "Middle");
    expect(await lastEvents(kube, pod as never)).toEqual([
      "Normal Earlier: 2026-11-21T10:00:00Z",
      "Normal Middle: 2026-11-27T09:59:59Z",
      "Normal Later: 2026-11-27T10:00:00Z",
    ]);
    expect(await lastEvents(kube, pod as never, 1)).toEqual(["Normal Later: 2026-11-27T10:00:00Z"]);
  });
});

describe("resource sampling", () => {
  it("samples every container with its class; records restarts and vanished pods as events", async () => {
    await start({
      usage: (pod, container) =>
        container === "linkerd-proxy"
          ? { cpu: "2500000n", memory: "10240Ki" }
          : { cpu: pod.metadata.name.startsWith("web") ? "12m" : "1m", memory: "32Mi" },
    });
    const pods = await deployEmojivoto(kube, RUN, { linkerd: true });
    let t = 1000;
    const sampler = new ResourceSampler(kube, {
      namespaces: ["emojivoto-1"],
      classifier,
      now: () => t,
    });
    await sampler.sampleOnce();
    const web = pods.find((p) => p.metadata?.name?.startsWith("web-"))!.metadata!.name!;
    const voting = pods.find((p) => p.metadata?.name?.startsWith("voting-"))!.metadata!.name!;
    fake.controller.restartContainer("emojivoto-1", web, "web-svc");
    fake.store.remove(resourceOf("pods"), "emojivoto-1", voting);
    t = 2000;
    await sampler.sampleOnce();
    const out = await sampler.stop();
    expect(out.metricsAvailable).toBe(true);
    const first = out.samples.filter((s) => s.t === 1000);
    expect(first).toHaveLength(6); // 3 pods × (app + proxy)
    expect(first.find((s) => s.pod === web && s.container === "web-svc")).toMatchObject({
      class: "application",
      cpuCores: 0.012,
      memoryBytes: 33_554_432,
    });
    expect(first.find((s) => s.pod === web && s.container === "linkerd-proxy")).toMatchObject({
      class: "data-plane",
      cpuCores: 0.0025,
      memoryBytes: 10_485_760,
    });
    expect(out.events).toEqual([
      {
        t: 2000,
        kind: "restart",
        namespace: "emojivoto-1",
        pod: web,
        container: "web-svc",
        restarts: 1,
        detail: "restarted 1 time(s) (restartCount 0 → 1); last exit 137 OOMKilled",
      },
      expect.objectContaining({ t: 2000, kind: "vanished", namespace: "emojivoto-1", pod: voting }),
    ]);
    expect(out.events[1]!.detail).toMatch(
      /^pod disappeared mid-run \(last seen Running on meshbench-worker\d?\)/,
    );
  });

  it("counts every restart of a container that restarted 3 times between two samples", async () => {
    await start();
    const pods = await deployEmojivoto(kube, RUN);
    const sampler = new ResourceSampler(kube, { namespaces: ["emojivoto-1"], classifier });
    await sampler.sampleOnce();
    const web = pods.find((p) => p.metadata?.name?.startsWith("web-"))!.metadata!.name!;
    for (let i = 0; i < 3; i++) fake.controller.restartContainer("emojivoto-1", web, "web-svc");
    await sampler.sampleOnce();
    const { events } = await sampler.stop();
    expect(events).toEqual([expect.objectContaining({ kind: "restart", pod: web, restarts: 3 })]);
    expect(events[0]!.detail).toMatch(/^restarted 3 time\(s\) \(restartCount 0 → 3\)/);
    // The count reaches run.json's event, which the run checks add up (run-checks.test.ts).
    expect(toPlatformEvent(events[0]!, "application")).toMatchObject({ restarts: 3 });
  });

  it("without metrics-server says so once and still records events", async () => {
    await start({ metricsServer: false });
    await deployEmojivoto(kube, RUN);
    const { sampler, notices } = noticingSampler(30);
    sampler.start();
    await new Promise((r) => setTimeout(r, 200));
    const out = await sampler.stop();
    expect(out.metricsAvailable).toBe(false);
    expect(out.samples).toEqual([]);
    expect(notices).toEqual([NO_METRICS_NOTICE]);
    expect(fake.requests.filter((r) => r.path.startsWith("/apis/metrics.k8s.io"))).toHaveLength(1);
    expect(
      fake.requests.filter((r) => r.path === "/api/v1/namespaces/emojivoto-1/pods").length,
    ).toBeGreaterThan(2);
  });
});

describe("resource sampling while metrics-server starts", () => {
  it("says once that metrics-server is not serving yet (plain-text 503), never retries it, and samples as soon as it serves", async () => {
    await start({ metricsServer: "starting" });
    const slept: number[] = [];
    kube = connect({ path: fake.kubeconfigPath }, { sleep: async (ms) => void slept.push(ms) });
    await deployEmojivoto(kube, RUN);
    const { sampler, notices } = noticingSampler(10_000);
    const metricsAsks = () =>
      fake.requests.filter((r) => r.path.startsWith("/apis/metrics.k8s.io/"));
    await sampler.sampleOnce();
    await sampler.sampleOnce();
    expect(sampler.samples).toEqual([]);
    // One question per sample: the first 503 stands for the whole API group.
    expect(metricsAsks().map((r) => r.code)).toEqual([503, 503]);
    expect(slept).toEqual([]);
    fake.setMetricsServer(true);
    await sampler.sampleOnce();
    const out = await sampler.stop();
    expect(out.metricsAvailable).toBe(true);
    expect(out.samples).toHaveLength(3); // web-svc, emoji-svc, voting-svc
    expect(notices).toEqual([
      "metrics-server not serving yet (metrics.k8s.io answers 503): CPU and memory samples start when it does",
    ]);
  });

  it("retries other 5xx answers within the sample's interval, not beyond", async () => {
    await start();
    const slept: number[] = [];
    kube = connect(
      { path: fake.kubeconfigPath },
      { sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
    );
    fake.faults.push({ method: "GET", path: /^\/apis\/metrics\.k8s\.io\//, code: 500, times: 99 });
    const notices: string[] = [];
    const sampler = new ResourceSampler(kube, {
      namespaces: ["default"],
      classifier,
      intervalMs: 1000,
      onNotice: (m) => notices.push(m),
    });
    await sampler.sampleOnce();
    // Backoff 188 + 375 ms fits in 1 s; the next 750 would not (the default would go on to 6 tries).
    expect(slept).toEqual([188, 375]);
    expect(notices).toEqual([
      "resource sample of default failed: read pod metrics of default (after 3 tries): HTTP 500 InternalError: injected fault",
    ]);
  });
});

describe("cleanup", () => {
  it("deletes meshbench's namespaces and labelled objects elsewhere, releases the node, and is safe twice", async () => {
    await start();
    await reserveLoadgenNode(kube, RUN, () => 0);
    await applyObjects(kube, emojivotoManifests({ instances: 2 }), RUN);
    await applyObjects(kube, [configMap("stray")], RUN);
    await applyObjects(kube, [configMap("other-run")], "mb-other");
    fake.store.create(resourceOf("configmaps"), "default", { metadata: { name: "not-ours" } });
    const report = await cleanup(kube, { runId: RUN, waitMs: 3000, pollMs: 50 });
    expect(report).toEqual({
      namespaces: ["emojivoto-1", "emojivoto-2"],
      objects: ["ConfigMap default/stray"],
      nodes: ["meshbench-worker"],
      stillTerminating: [],
      failures: [],
    });
    expect(fake.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
      "default",
      "kube-system",
    ]);
    expect(
      fake.store.list(resourceOf("configmaps"), "default").map((c) => c.metadata.name),
    ).toEqual(["not-ours", "other-run"]);
    expect(await cleanup(kube, { runId: RUN })).toEqual({
      namespaces: [],
      objects: [],
      nodes: [],
      stillTerminating: [],
      failures: [],
    });
    // Without a run id: every meshbench leftover (what `meshbench cleanup` does).
    expect((await cleanup(kube)).objects).toEqual(["ConfigMap default/other-run"]);
  });

  it("keeps going when one deletion fails, and reports it", async () => {
    await start();
    await applyObjects(kube, emojivotoManifests({ instances: 2 }), RUN);
    fake.faults.push({ method: "DELETE", path: /\/namespaces\/emojivoto-1$/, code: 403, times: 1 });
    const report = await cleanup(kube, { runId: RUN });
    expect(report.failures).toEqual([
      "delete namespace emojivoto-1: delete namespace emojivoto-1: HTTP 403 Unknown: injected fault",
    ]);
    expect(
      fake.store.get(resourceOf("namespaces"), undefined, "emojivoto-2")?.metadata
        .deletionTimestamp,
    ).toBeDefined();
  });
});
