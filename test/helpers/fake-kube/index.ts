// A fake Kubernetes API server on 127.0.0.1 for tests: the real paths and shapes that
// meshbench and kubectl use, a tiny control loop, faults on demand. Not a second
// Kubernetes: just enough to be driven by the real @kubernetes/client-node and kubectl.
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Controller, type ControlOptions, type Injection, type JobRun } from "./controller.ts";
import { LogBook } from "./logs.ts";
import type { PodSecurityLevel } from "./pod-security.ts";
import {
  type AccessRule,
  type Fault,
  handle,
  type MetricsWindow,
  type SeenRequest,
  type ServerState,
  type Usage,
} from "./server.ts";
import { type KObject, resourceOf, Store } from "./store.ts";

export type { AccessRule, Fault, Injection, JobRun, KObject, MetricsWindow, SeenRequest, Usage };
export { resourceOf };

export interface FakeNode {
  name: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  /** What the scheduler may place on it (default 4 CPUs, 8Gi). */
  allocatable?: { cpu: string; memory: string };
}

export interface FakeKubeOptions extends Partial<ControlOptions> {
  /** Default: a kind-like cluster, one tainted control-plane node and three workers. */
  nodes?: FakeNode[];
  /**
   * Serve metrics.k8s.io (default true); false = no metrics-server installed; "starting" =
   * installed but not serving yet (the aggregator answers 503 in plain text).
   */
  metricsServer?: boolean | "starting";
  usage?: Usage;
  /** Default: read now, over the last 10.5 s. */
  metricsWindow?: MetricsWindow;
  tickMs?: number;
  /** The Kubernetes minor version the server reports (default "1.33"). */
  version?: string;
  /** Refuse every request with 401, as for an expired token. */
  rejectCredentials?: boolean;
  /** Pod Security level of namespaces without an enforce label (default privileged). */
  podSecurity?: PodSecurityLevel;
  /** A policy forbids namespaces to set a Pod Security level below that default. */
  podSecurityLocked?: boolean;
  /** What SelfSubjectAccessReview says is not allowed (default: nothing). */
  denied?: AccessRule[];
}

export interface FakeKube {
  url: string;
  /** A kubeconfig (YAML) pointing at the fake, and the file it was written to. */
  kubeconfig: string;
  kubeconfigPath: string;
  store: Store;
  faults: Fault[];
  requests: SeenRequest[];
  controller: Controller;
  /** Every stored object, as JSON, to compare the cluster before and after. */
  snapshot(): string;
  /** Changes the metrics-server's state mid-test (e.g. "starting" → true). */
  setMetricsServer(mode: boolean | "starting"): void;
  close(): Promise<void>;
}

/**
 * Puts a cluster-scoped object on the cluster as if it had been there before the test, as
 * the control loop leaves it (a CustomResourceDefinition already Established), so that a
 * snapshot taken now is the one to compare with later.
 */
export function preexisting(
  fake: FakeKube,
  plural: string,
  group: string,
  name: string,
  labels?: Record<string, string>,
): KObject {
  const crd = plural === "customresourcedefinitions";
  const since = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return fake.store.create(resourceOf(plural, group), undefined, {
    metadata: { name, ...(labels ? { labels } : {}) },
    ...(crd
      ? {
          status: {
            conditions: ["NamesAccepted", "Established"].map((type) => ({
              type,
              status: "True",
              lastTransitionTime: since,
            })),
          },
        }
      : {}),
  });
}

export const KIND_NODES: FakeNode[] = [
  {
    name: "meshbench-control-plane",
    labels: { "node-role.kubernetes.io/control-plane": "" },
    taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
  },
  { name: "meshbench-worker" },
  { name: "meshbench-worker2" },
  { name: "meshbench-worker3" },
];

const defaultUsage: Usage = () => ({ cpu: "1500000n", memory: "20480Ki" });

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const store = new Store();
  store.podSecurity = {
    level: options.podSecurity ?? "privileged",
    locked: options.podSecurityLocked ?? false,
  };
  const logs = new LogBook();
  for (const n of options.nodes ?? KIND_NODES) {
    store.create(resourceOf("nodes"), undefined, {
      metadata: {
        name: n.name,
        labels: { "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", ...n.labels },
      },
      spec: {
        ...(n.taints ? { taints: n.taints } : {}),
        ...(n.unschedulable ? { unschedulable: true } : {}),
      },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        nodeInfo: { kubeletVersion: `v${options.version ?? "1.33"}.0` },
        allocatable: n.allocatable ?? { cpu: "4", memory: "8Gi" },
      },
    });
  }
  for (const ns of ["default", "kube-system"])
    store.create(resourceOf("namespaces"), undefined, {
      metadata: { name: ns },
      status: { phase: "Active" },
    });

  const state: ServerState = {
    version: options.version ?? "1.33",
    rejectCredentials: options.rejectCredentials ?? false,
    denied: options.denied ?? [],
    store,
    logs,
    faults: [],
    requests: [],
    metricsServer: options.metricsServer ?? true,
    usage: options.usage ?? defaultUsage,
    metricsWindow: options.metricsWindow ?? (() => ({ timestamp: new Date(), window: "10.5s" })),
  };
  const controller = new Controller(store, logs, {
    readyAfterMs: options.readyAfterMs ?? 50,
    neverReady: options.neverReady,
    injections: options.injections ?? [],
    jobRun: options.jobRun,
  });
  const timer = setInterval(() => controller.tick(), options.tickMs ?? 20);

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(state, req, res));
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fake",
    "  cluster:",
    `    server: ${url}`,
    // client-node refuses plain http:// unless TLS verification is explicitly off.
    "    insecure-skip-tls-verify: true",
    "contexts:",
    "- name: fake",
    "  context: { cluster: fake, user: fake }",
    "current-context: fake",
    "users:",
    "- name: fake",
    "  user: { token: fake-token }",
    "",
  ].join("\n");
  const kubeconfigPath = join(
    tmpdir(),
    `meshbench-fake-kube-${process.pid}-${url.split(":").pop()}.yaml`,
  );
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });

  return {
    url,
    kubeconfig,
    kubeconfigPath,
    store,
    faults: state.faults,
    requests: state.requests,
    controller,
    snapshot: () => store.snapshot(),
    setMetricsServer: (mode) => {
      state.metricsServer = mode;
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
