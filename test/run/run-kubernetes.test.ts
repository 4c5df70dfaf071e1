// `meshbench run` on a (fake) cluster, end to end: the CLI, the orchestrator and the
// Kubernetes platform talk to the fake API server through the real client-node; the
// linkerd CLI is a stand-in on the PATH; the load-generator pods really run dist/loadgen.js
// against loopback servers standing in for the instances. Then Ctrl-C mid-run.
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LOADGEN_NODE } from "../../src/kube/labels.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import { restartWebSoon } from "../helpers/emojivoto-kube.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { LoadgenPods } from "../helpers/loadgen-pods.ts";
import { passEnv, runMeshbench } from "../helpers/process.ts";
import { kubeScenarioYaml } from "../helpers/scenario-yaml.ts";

const BIN = resolve("test/fixtures/bin");
const LINKERD = {
  namespaceAnnotation: ["linkerd.io/inject", "enabled"] as [string, string],
  container: "linkerd-proxy",
};

let fake: FakeKube | undefined;
let pods: LoadgenPods | undefined;
afterEach(async () => {
  await pods?.close();
  await fake?.close();
  pods = fake = undefined;
});

async function setUp(options: Parameters<typeof startFakeKube>[0] = {}) {
  const p = new LoadgenPods(() => f);
  const f = await startFakeKube({
    injections: [LINKERD],
    readyAfterMs: 100,
    jobRun: p.run,
    ...options,
  });
  fake = f;
  pods = p;
  const dir = await mkdtemp(join(tmpdir(), "meshbench-kube-e2e-"));
  return { f, p, dir };
}

function meshbench(
  args: string[],
  dir: string,
  onStderr?: (text: string, interrupt: () => void) => void,
) {
  return runMeshbench(args, {
    env: {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH}`,
      ...passEnv({ FAKE_LINKERD_LOG: join(dir, "linkerd.log") }),
      XDG_CACHE_HOME: join(dir, "cache"), // nothing is downloaded; if it were, not into ~
    },
    ...(onStderr ? { onStderr: (text, kill) => onStderr(text, () => kill("SIGINT")) } : {}),
    until: "exit",
  });
}

const readRun = async (path: string) => runSchema.parse(JSON.parse(await readFile(path, "utf8")));

/** Nothing of meshbench's is left on the cluster. */
function expectClean(f: FakeKube) {
  expect(f.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
    "default",
    "kube-system",
  ]);
  expect(f.store.list(resourceOf("pods"))).toEqual([]);
  expect(f.store.list(resourceOf("customresourcedefinitions", "apiextensions.k8s.io"))).toEqual([]);
  for (const n of f.store.list(resourceOf("nodes"))) {
    expect(n.metadata.labels ?? {}).not.toHaveProperty(LOADGEN_NODE);
    expect((n.spec.taints ?? []).map((t: { key: string }) => t.key)).not.toContain(LOADGEN_NODE);
  }
}

describe("meshbench run on a cluster", () => {
  it("runs bare and linkerd with 2 load-generator pods: merged results, resources, events, nothing left", async () => {
    const { f, p, dir } = await setUp();
    const file = join(dir, "kube-e2e.yaml");
    await writeFile(
      file,
      `name: kube-e2e
platform: kubernetes
cluster:
  provider: kubeconfig
  kubeconfig: ${f.kubeconfigPath}
  loadgen: { pods: 2, meshed: true, startLead: 3s }
  timeouts: { deploy: 30s, cleanup: 20s }
meshes: [bare, linkerd]
repetitions: 1
workload: { app: emojivoto, instances: 2 }
load: { rate: 100, duration: 3s, warmup: 1s, connections: 4, paths: ["/api/list", "/api/leaderboard"] }
resources: { interval: 500ms }
`,
    );
    // The API server says "later" and fails once on the way: both are retried.
    f.faults.push(
      {
        method: "PATCH",
        path: /\/namespaces\/emojivoto-1\/deployments\/web$/,
        code: 429,
        retryAfterSeconds: 0,
        times: 2,
      },
      { method: "GET", path: /\/namespaces\/emojivoto-2\/pods$/, code: 503, times: 1 },
    );
    // A container restarts mid-run in the linkerd run (the second run's first pod starting).
    let restarted = false;
    p.onStart = () => {
      if (restarted || p.servers.size < 2) return;
      restarted = true;
      restartWebSoon(f);
    };
    const out = join(dir, "results");
    const r = await meshbench(["run", file, "--out", out, "--chart-host", "none"], dir);
    expect(r.stderr).not.toContain("FAILED");
    expect(r.code, r.stderr).toBe(0);

    // Retried: two 429s then the apply; one 503 then the list.
    const webApplies = f.requests.filter(
      (q) => q.method === "PATCH" && q.path.endsWith("/namespaces/emojivoto-1/deployments/web"),
    );
    expect(webApplies.slice(0, 3).map((q) => q.code)).toEqual([429, 429, 201]);
    expect(
      f.requests
        .filter((q) => q.path.endsWith("/namespaces/emojivoto-2/pods"))
        .some((q) => q.code === 503),
    ).toBe(true);

    for (const [i, mesh] of ["bare", "linkerd"].entries()) {
      const runDir = join(out, "kube-e2e", mesh, "r1");
      const run = await readRun(join(runDir, "run.json"));
      expect(run.status).toEqual({ state: "ok" });
      expect(run.spec.loadgenPods).toBe(2);
      expect(run.platform).toMatchObject({
        kind: "kubernetes",
        provider: "kubeconfig",
        nodes: { count: 4 },
        kubernetesVersion: "v1.33.0-fake",
      });
      const load = run.load!;
      expect(load.target).toMatchObject({ rate: 100, pods: 2 });
      // Exactly what this run's servers received, less the warm-up.
      expect(load.achieved.requests).toBe(
        (await p.arrivals(i)) - load.warmup.requests - load.warmup.failures,
      );
      expect(Math.abs(load.achieved.requests - 200)).toBeLessThanOrEqual(4); // 100 rps × 2 s
      expect((await readdir(join(runDir, "pods"))).filter((n) => n.endsWith(".hlog"))).toHaveLength(
        2,
      );
      expect(await readFile(join(runDir, "latency.hlog"), "utf8")).toContain("#[BaseTime:");

      const classes = new Set(run.resources!.containers.map((c) => c.class));
      expect(classes.has("application")).toBe(true);
      expect(classes.has("loadGenerator")).toBe(true);
      expect(classes.has("dataPlane")).toBe(mesh === "linkerd");
      expect(classes.has("controlPlane")).toBe(mesh === "linkerd");
      expect(run.resources!.containers.map((c) => c.id)).toContainEqual(
        expect.stringMatching(/^emojivoto-1\/web-[a-z]+-[a-z]+\/web-svc$/),
      );
      if (mesh === "linkerd") {
        expect(run.events).toContainEqual(
          expect.objectContaining({
            kind: "restart",
            container: expect.stringMatching(/^emojivoto-1\/web-.*\/web-svc$/),
            detail: expect.stringContaining("last exit 137 OOMKilled"),
          }),
        );
      } else expect(run.events).toEqual([]);
    }
    // Live progress came from the pods' logs.
    expect(r.stderr).toMatch(/\s\d+s\/3s measure\s+\d+\.\d rps/);
    expect(r.stderr).toContain("load generator: 2 pods on meshbench-worker");
    // linkerd was installed and removed with the run's kubeconfig; everything is gone.
    const calls = (await readFile(join(dir, "linkerd.log"), "utf8")).trim().split("\n");
    // The first version check is the preflight's, before the cluster is touched.
    expect(calls.map((c) => c.replace(/ KUBECONFIG=.*/, ""))).toEqual([
      "version --client --short",
      "version --client --short",
      "install --crds",
      "install",
      "check --wait 5m",
      "version --client --short",
      "uninstall",
    ]);
    expectClean(f);
    expect(await readFile(join(out, "kube-e2e", "report.md"), "utf8")).toContain("linkerd");
  }, 120_000);

  it("on Ctrl-C mid-load removes everything, uninstalls the mesh, records the run, exits 130", async () => {
    const { f, dir } = await setUp();
    const file = join(dir, "stop.yaml");
    await writeFile(
      file,
      kubeScenarioYaml("stop", {
        cluster: {
          kubeconfig: f.kubeconfigPath,
          loadgen: { startLead: "1s" },
          timeouts: { cleanup: "20s" },
        },
        meshes: ["linkerd"],
        repetitions: 2,
        workload: { instances: 1 },
        load: { rate: 20, duration: "60s", warmup: "1s", connections: 2, paths: ["/api/list"] },
        resources: { interval: "500ms" },
      }),
    );
    const out = join(dir, "results");
    let sent = false;
    const r = await meshbench(
      ["run", file, "--out", out, "--chart-host", "none"],
      dir,
      (stderr, interrupt) => {
        if (!sent && stderr.includes("load generator: 1 pod")) {
          sent = true;
          setTimeout(interrupt, 2500);
        }
      },
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain("SIGINT: ending the current run early");
    const run = await readRun(join(out, "stop", "linkerd", "r1", "run.json"));
    expect(run.status).toMatchObject({ state: "failed", phase: "load" });
    await expect(readFile(join(out, "stop", "linkerd", "r2", "run.json"))).rejects.toThrow();
    const calls = await readFile(join(dir, "linkerd.log"), "utf8");
    expect(calls).toContain("uninstall");
    expectClean(f);
  }, 90_000);
});
