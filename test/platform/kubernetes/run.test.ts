// A whole run on the fake cluster, as the Kubernetes platform will drive it: reserve the
// load-generator node, deploy Emojivoto ×2 meshed, wait ready, run the load generator as a
// Job of 2 pods while sampling, collect and merge, clean up. The fake's "kubelet" really
// runs each pod's command: the Job's args, with the ConfigMap's dist/loadgen.js and
// urls.txt, against loopback servers standing in for the instances. Then SIGINT mid-run.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../../../src/kube/client.ts";
import { LOADGEN_NODE, newRunId } from "../../../src/kube/labels.ts";
import { cleanup } from "../../../src/platform/kubernetes/cleanup.ts";
import {
  collectLoadgen,
  startLoadgen,
  waitForLoadgen,
} from "../../../src/platform/kubernetes/loadgen-job.ts";
import { LOADGEN_NAMESPACE } from "../../../src/platform/kubernetes/loadgen-manifests.ts";
import { reserveLoadgenNode } from "../../../src/platform/kubernetes/loadgen-node.ts";
import { followLog } from "../../../src/platform/kubernetes/logs.ts";
import { ResourceSampler } from "../../../src/platform/kubernetes/sampler.ts";
import { loadgenResultSchema } from "../../../src/results/loadgen-schema.ts";
import { emojivotoUrls } from "../../../src/workload/emojivoto/kubernetes.ts";
import { deployEmojivoto } from "../../helpers/emojivoto-kube.ts";
import {
  type FakeKube,
  type KObject,
  resourceOf,
  startFakeKube,
} from "../../helpers/fake-kube/index.ts";
import { httpServer, type TestServer } from "../../helpers/servers.ts";

const LINKERD = {
  namespaceAnnotation: ["linkerd.io/inject", "enabled"] as [string, string],
  container: "linkerd-proxy",
};
const JOIN = { "linkerd.io/inject": "enabled" };

let fake: FakeKube | undefined;
let servers: Record<string, TestServer> = {};
afterEach(async () => {
  await fake?.close();
  for (const s of Object.values(servers)) await s.close();
  servers = {};
});

/** Runs a load-generator pod's container command for real, with its ConfigMap mounted. */
async function runPod(f: FakeKube, pod: KObject) {
  const ns = pod.metadata.namespace!;
  const cm = f.store.get(resourceOf("configmaps"), ns, "loadgen")!;
  const data = cm.data as Record<string, string>;
  const dir = await mkdtemp(join(tmpdir(), "meshbench-pod-"));
  await writeFile(join(dir, "loadgen.js"), data["loadgen.js"]!);
  // Cluster DNS names → the loopback server standing in for that instance.
  const urls = data["urls.txt"]!.replace(
    /http:\/\/web-svc\.(emojivoto-\d+)\.svc\.cluster\.local/g,
    (_, instance: string) => servers[instance]!.url,
  );
  await writeFile(join(dir, "urls.txt"), urls);
  const container = pod.spec.containers[0] as { command: string[]; args: string[] };
  const args = container.args.map((a) =>
    a === "/tmp/meshbench" ? join(dir, "out") : a.replace(/^\/loadgen\//, `${dir}/`),
  );
  expect(container.command).toEqual(["node"]);
  const r = await promisify(execFile)(process.execPath, args, {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { lines: [...r.stderr.split("\n"), ...r.stdout.split("\n")] };
}

type StartOptions = Parameters<typeof startLoadgen>[1];

/** The smallest load-generator Job: one unmeshed pod at 10 rps for 1 s on one connection. */
function oneUnmeshedPod(runId: string, overrides: Partial<StartOptions> = {}): StartOptions {
  return {
    runId,
    script: "//\n",
    urls: emojivotoUrls(1),
    pods: 1,
    rate: 10,
    durationMs: 1000,
    warmupMs: 0,
    connections: 1,
    meshed: false,
    startLeadMs: 0,
    ...overrides,
  };
}

describe("a whole run on a (fake) cluster", () => {
  it("deploys, loads with 2 pods, samples, merges exactly, and leaves nothing behind", async () => {
    for (const ns of ["emojivoto-1", "emojivoto-2"]) servers[ns] = await httpServer();
    const f = await startFakeKube({
      injections: [LINKERD],
      readyAfterMs: 100,
      jobRun: (pod) => runPod(f, pod),
    });
    fake = f;
    const kube = connect({ path: f.kubeconfigPath });
    const runId = newRunId();
    const script = await readFile(new URL("../../../dist/loadgen.js", import.meta.url), "utf8");

    const loadgenNode = await reserveLoadgenNode(kube, runId);
    const appPods = await deployEmojivoto(kube, runId, {
      instances: 2,
      linkerd: true,
      timeoutMs: 10_000,
    });
    for (const p of appPods) expect(p.spec?.nodeName).not.toBe(loadgenNode);

    const sampler = new ResourceSampler(kube, {
      namespaces: ["linkerd", "emojivoto-1", "emojivoto-2", LOADGEN_NAMESPACE],
      classifier: {
        controlPlaneNamespaces: ["linkerd"],
        proxyContainers: ["linkerd-proxy"],
        nodeProxyPods: [],
        loadgenNamespace: LOADGEN_NAMESPACE,
      },
      intervalMs: 200,
    });
    sampler.start();
    const run = await startLoadgen(kube, {
      runId,
      script,
      urls: emojivotoUrls(2, ["/api/list", "/api/leaderboard"]),
      pods: 2,
      rate: 200,
      durationMs: 2000,
      warmupMs: 500,
      connections: 4,
      meshed: true,
      namespaceAnnotations: JOIN,
      startLeadMs: 3000, // room for two node processes to start on a busy machine
    });
    const pods = await waitForLoadgen(kube, run, { pollMs: 100, graceMs: 20_000 });
    const results = await collectLoadgen(kube, run, pods);
    const resources = await sampler.stop();

    // Both pods ran on the reserved node, meshed; their sidecars keep the Job from completing.
    expect(pods.map((p) => p.spec?.nodeName)).toEqual([loadgenNode, loadgenNode]);
    for (const p of pods)
      expect(p.spec?.containers.map((c) => c.name)).toEqual(["loadgen", "linkerd-proxy"]);
    expect(
      f.store.get(resourceOf("jobs", "batch"), LOADGEN_NAMESPACE, "loadgen")!.status.conditions,
    ).toBeUndefined();

    // Each pod ran at rate/P from the shared start; the merge adds up to what the servers saw.
    const m = loadgenResultSchema.parse(results.merged);
    for (const p of results.pods) {
      expect(p.result.target.rate).toBe(100);
      expect(p.result.startedAt).toBe(new Date(run.startAtMs).toISOString());
    }
    expect(m.target).toMatchObject({ rate: 200, pods: 2 });
    const arrivals = Object.values(servers).reduce((n, s) => n + s.arrivals.length, 0);
    expect(m.achieved.requests).toBe(arrivals - m.warmup.requests - m.warmup.failures);
    expect(results.late).toEqual([]); // both started before the shared start
    expect(Math.abs(m.achieved.requests - 300)).toBeLessThanOrEqual(4); // 200 rps × 1.5 s measured
    expect(Object.keys(m.paths)).toHaveLength(4);
    expect(results.hlog).toContain("#[BaseTime:");

    // Samples of every class that ran; no restarts or vanished pods in a clean run.
    expect(new Set(resources.samples.map((s) => s.class))).toEqual(
      new Set(["application", "data-plane", "loadgen"]),
    );
    expect(resources.events).toEqual([]);

    const report = await cleanup(kube, { runId, waitMs: 5000, pollMs: 50 });
    expect(report.namespaces.sort()).toEqual(["emojivoto-1", "emojivoto-2", LOADGEN_NAMESPACE]);
    expect(report.nodes).toEqual([loadgenNode]);
    expect(f.store.list(resourceOf("pods"))).toEqual([]);
    expect(
      f.store.list(resourceOf("nodes")).some((n) => LOADGEN_NODE in (n.metadata.labels ?? {})),
    ).toBe(false);
  });

  it("on SIGINT mid-run removes everything it created, then exits 130", async () => {
    const f = await startFakeKube({ readyAfterMs: 60_000 }); // nothing ever gets ready
    fake = f;
    const runId = newRunId();
    const child = spawn(
      process.execPath,
      [new URL("./fixtures/interrupted-run.ts", import.meta.url).pathname, f.kubeconfigPath, runId],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the run never said "running": ${stderr}`)),
        20_000,
      );
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("running")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(f.store.list(resourceOf("namespaces")).length).toBe(5); // default, kube-system + 3 of ours
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(stderr).toContain("SIGINT: stopping and removing what this run created on the cluster");
    expect(code).toBe(130);
    expect(f.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
      "default",
      "kube-system",
    ]);
    expect(f.store.list(resourceOf("pods"))).toEqual([]);
    expect(f.store.list(resourceOf("nodes")).flatMap((n) => n.spec.taints ?? [])).toEqual([
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
    ]);
  });

  it("reports a failed load-generator pod with its exit code and last log lines", async () => {
    const f = await startFakeKube({
      jobRun: async () => {
        throw new Error(
          "starting\nError: getaddrinfo ENOTFOUND web-svc.emojivoto-1.svc.cluster.local",
        );
      },
    });
    fake = f;
    const kube = connect({ path: f.kubeconfigPath });
    await reserveLoadgenNode(kube, "mb-fail");
    const run = await startLoadgen(kube, oneUnmeshedPod("mb-fail"));
    const error = await waitForLoadgen(kube, run, { pollMs: 50, graceMs: 10_000 }).catch((e) => e);
    expect(error.message).toMatch(
      /^load generator failed:\n {2}meshbench-loadgen\/loadgen-\w+: exit 1 \(Error\)\n {6}starting\n {6}Error: getaddrinfo ENOTFOUND/,
    );
  });

  it("follows a running pod's log line by line until its container ends", async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `[${i}.0s/5.0s] measure 100.0 rps`);
    const f = await startFakeKube({ jobRun: () => ({ lines, durationMs: 300 }) });
    fake = f;
    const kube = connect({ path: f.kubeconfigPath });
    await reserveLoadgenNode(kube, "mb-follow");
    const run = await startLoadgen(kube, oneUnmeshedPod("mb-follow"));
    let pod: string | undefined;
    for (let i = 0; i < 100 && !pod; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pod = f.store
        .list(resourceOf("pods"), run.namespace)
        .find((p) => p.status?.phase === "Running")?.metadata.name;
    }
    const seen: string[] = [];
    await followLog(kube, run.namespace, pod!, "loadgen", (line) => seen.push(line));
    expect(seen).toEqual(lines);
    expect(f.requests.find((r) => r.path.endsWith("/log"))?.query.get("follow")).toBe("true");
  });

  it("fails soon after the shared start, with the reason, when a pod cannot start", async () => {
    const f = await startFakeKube();
    fake = f;
    const kube = connect({ path: f.kubeconfigPath });
    // No load-generator node reserved: the pod's nodeSelector matches no node.
    const run = await startLoadgen(
      kube,
      oneUnmeshedPod("mb-nonode", { durationMs: 600_000, startLeadMs: 100 }),
    );
    const error = await waitForLoadgen(kube, run, { pollMs: 50, startGraceMs: 300 }).catch(
      (e) => e,
    );
    expect(error.message).toMatch(
      /^load generator not started \ds after the shared start: 0 of 1 pods running:\n {2}meshbench-loadgen\/loadgen-\w+: unschedulable: 0\/4 nodes are available: 4 node\(s\) didn't match Pod's node affinity\/selector/,
    );
    expect(error.message).toContain("Warning FailedScheduling");
  });
});
