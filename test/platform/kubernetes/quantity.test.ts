// Quantities as metrics.k8s.io reports them, against values computed by hand.
import { describe, expect, it } from "vitest";
import {
  cpuCores,
  memoryBytes,
  parseDurationMs,
  parseQuantity,
} from "../../../src/kube/quantity.ts";
import { type Classifier, classify } from "../../../src/platform/kubernetes/classify.ts";

describe("CPU quantities → cores", () => {
  const cases: [string, number][] = [
    ["1500000n", 0.0015], // 1.5e6 × 1e-9
    ["250000u", 0.25], // 2.5e5 × 1e-6
    ["100m", 0.1],
    ["2", 2],
    ["1.5", 1.5],
    ["0", 0],
    ["12345678n", 0.012345678],
    ["1e3", 1000],
  ];
  for (const [text, cores] of cases)
    it(`${text} = ${cores}`, () => expect(cpuCores(text)).toBeCloseTo(cores, 12));
});

describe("memory quantities → bytes", () => {
  const cases: [string, number][] = [
    ["20480Ki", 20_971_520], // 20480 × 1024
    ["128Mi", 134_217_728], // 128 × 1024²
    ["1Gi", 1_073_741_824],
    ["1G", 1_000_000_000],
    ["512k", 512_000],
    ["1048576", 1_048_576],
    ["1.5Mi", 1_572_864],
  ];
  for (const [text, bytes] of cases)
    it(`${text} = ${bytes}`, () => expect(memoryBytes(text)).toBe(bytes));

  it("refuses what is not a quantity, naming it", () => {
    expect(() => parseQuantity("12 Mi")).toThrow('quantity: "12 Mi" is not a Kubernetes quantity');
    expect(() => memoryBytes("lots")).toThrow('memory: "lots" is not a Kubernetes quantity');
    expect(() => cpuCores("1KB")).toThrow('cpu: "1KB"');
  });
});

describe("classify", () => {
  const c: Classifier = {
    controlPlaneNamespaces: ["istio-system"],
    proxyContainers: ["istio-proxy"],
    nodeProxyPods: ["ztunnel"],
    loadgenNamespace: "meshbench-loadgen",
  };
  it("classes node proxies and sidecars as data plane, the mesh's namespace as control plane", () => {
    expect(classify(c, "emojivoto-1", "web-abc", "istio-proxy")).toBe("data-plane");
    expect(classify(c, "meshbench-loadgen", "loadgen-x", "istio-proxy")).toBe("data-plane");
    expect(classify(c, "istio-system", "ztunnel-7xk2p", "ztunnel")).toBe("data-plane");
    expect(classify(c, "istio-system", "istiod-5d8f-abc", "discovery")).toBe("control-plane");
    // A control-plane pod's own proxy serves the control plane, not the apps.
    expect(classify(c, "istio-system", "istio-ingress-abc", "istio-proxy")).toBe("control-plane");
    expect(classify(c, "meshbench-loadgen", "loadgen-x", "loadgen")).toBe("loadgen");
    expect(classify(c, "emojivoto-1", "web-abc", "web-svc")).toBe("application");
    expect(classify(c, "istio-system", "ztunnelish-1", "x")).toBe("control-plane");
  });

  it("counts a node proxy on the load-generator node with the load generator", () => {
    const reserved = { ...c, loadgenNode: "worker-3" };
    expect(classify(reserved, "istio-system", "ztunnel-a", "istio-proxy", {}, "worker-3")).toBe(
      "loadgen",
    );
    expect(classify(reserved, "istio-system", "ztunnel-b", "istio-proxy", {}, "worker-1")).toBe(
      "data-plane",
    );
    // Sidecars and the control plane are not node-bound: the node changes nothing for them.
    expect(classify(reserved, "istio-system", "istiod-x", "discovery", {}, "worker-3")).toBe(
      "control-plane",
    );
  });

  it("knows node proxies by namespace and pod labels, as a mesh definition names them", () => {
    const byLabels: Classifier = {
      ...c,
      nodeProxyPods: [],
      nodeProxies: [{ namespace: "istio-system", podLabels: { app: "ztunnel" } }],
    };
    const ztunnel = { app: "ztunnel", "pod-template-generation": "1" };
    expect(classify(byLabels, "istio-system", "zt-abc", "istio-proxy", ztunnel)).toBe("data-plane");
    expect(classify(byLabels, "istio-system", "istiod-x", "discovery", { app: "istiod" })).toBe(
      "control-plane",
    );
    // The same labels elsewhere are not the mesh's node proxy.
    expect(classify(byLabels, "emojivoto-1", "zt-abc", "web-svc", ztunnel)).toBe("application");
  });
});

describe("metrics-server's window (a Go duration)", () => {
  it("reads seconds, minutes, fractions and sub-second units into ms", () => {
    expect(parseDurationMs("10.5s")).toBe(10_500);
    expect(parseDurationMs("1m0.5s")).toBe(60_500);
    expect(parseDurationMs("1h2m3s")).toBe(3_723_000);
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("1500us")).toBeCloseTo(1.5, 12);
    expect(parseDurationMs("0s")).toBe(0);
    expect(parseDurationMs("0")).toBe(0);
  });

  it("names what it could not read", () => {
    expect(() => parseDurationMs("10 s", "window")).toThrow(
      'window: "10 s" is not a duration (e.g. 10.5s, 1m0s, 500ms)',
    );
    expect(() => parseDurationMs("")).toThrow(/is not a duration/);
  });
});
