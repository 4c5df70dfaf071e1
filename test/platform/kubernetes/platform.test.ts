// The Kubernetes platform under the orchestrator, in-process (short polls), against the
// fake API server with the real client-node: a run whose pod never becomes ready fails
// with the pod and its events and is cleaned up; a 4xx from the API server is not retried
// and fails its run, which still keeps the resource samples it took; the matrix goes on,
// and the next run, on the same namespaces, measures exactly what its servers received and
// records a container restart mid-load as an event in its run.json. A user's own namespace
// of a name meshbench uses is refused and left alone.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RUN_ID } from "../../../src/kube/labels.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { KubernetesPlatform } from "../../../src/platform/kubernetes/platform.ts";
import { clusterRunId } from "../../../src/platform/kubernetes/platform-info.ts";
import { providerFor } from "../../../src/provision/provider-for.ts";
import { runSchema } from "../../../src/results/run-schema.ts";
import { executePlan } from "../../../src/run/execute.ts";
import { parseScenario } from "../../../src/scenario/load.ts";
import { planRuns } from "../../../src/scenario/plan.ts";
import { restartWebSoon } from "../../helpers/emojivoto-kube.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";
import { LoadgenPods } from "../../helpers/loadgen-pods.ts";
import { passEnv } from "../../helpers/process.ts";
import { kubeScenarioYaml } from "../../helpers/scenario-yaml.ts";

const BIN = resolve("test/fixtures/bin");
let fake: FakeKube | undefined;
let pods: LoadgenPods | undefined;
afterEach(async () => {
  await pods?.close();
  await fake?.close();
});

/**
 * A scenario on the fake cluster (`cluster` adds to its cluster section), and the platform
 * `meshbench run` builds for it, running programs with `env`.
 */
function onFake(
  f: FakeKube,
  name: string,
  { cluster, ...fields }: { cluster: Record<string, unknown> } & Record<string, unknown>,
  env?: NodeJS.ProcessEnv,
) {
  const { scenario } = parseScenario(
    `${name}.yaml`,
    kubeScenarioYaml(name, { cluster: { kubeconfig: f.kubeconfigPath, ...cluster }, ...fields }),
  );
  const platform = new KubernetesPlatform({
    cluster: scenario.cluster!,
    provider: providerFor(scenario.cluster!),
    pollMs: 50,
    ...(env && { env }),
  });
  return { scenario, platform };
}

describe("the Kubernetes platform under the orchestrator", () => {
  it("fails a run that never gets ready, and one the API server refuses (not retried); the next run is clean and exact", async () => {
    const p = new LoadgenPods(() => f);
    let first: string | undefined;
    const f = await startFakeKube({
      readyAfterMs: 50,
      jobRun: p.run,
      // The first run's web pod never passes its readiness probe.
      neverReady: (pod) => {
        first ??= pod.metadata.labels?.[RUN_ID];
        return pod.metadata.labels?.[RUN_ID] === first && pod.metadata.name.startsWith("web-");
      },
    });
    fake = f;
    pods = p;
    // The second run's load-generator ConfigMap is refused once: a 403 is final.
    f.faults.push({ method: "PATCH", path: /\/configmaps\/loadgen$/, code: 403, times: 1 });
    // The third run (the first whose load generator starts): its web container restarts mid-load.
    p.onStart = () => restartWebSoon(f);

    const { scenario, platform } = onFake(f, "plat", {
      cluster: { loadgen: { startLead: "1500ms" }, timeouts: { deploy: "1s", cleanup: "10s" } },
      repetitions: 3,
      workload: { instances: 1 },
      load: { rate: 50, duration: "2s", warmup: "500ms", connections: 2, paths: ["/api/list"] },
      resources: { interval: "300ms" },
    });
    const dir = await mkdtemp(join(tmpdir(), "meshbench-platform-"));
    const outcomes = await executePlan({
      scenario,
      plan: planRuns(scenario),
      meshes: new Map([["bare", await loadMeshDefinition("scenarios/meshes/bare.yaml")]]),
      platform,
      platformInfo: await platform.open(),
      resultsRoot: dir,
    });
    await platform.close();
    const run = async (k: number) =>
      runSchema.parse(
        JSON.parse(await readFile(join(dir, "plat", "bare", `r${k}`, "run.json"), "utf8")),
      );

    expect(outcomes.map((o) => `${o.state}${o.phase ? ` (${o.phase})` : ""}`)).toEqual([
      "failed (deploy)",
      "failed (load)",
      "ok",
    ]);
    const r1 = await run(1);
    expect(r1.status).toMatchObject({ state: "failed", phase: "deploy" });
    const reason1 = (r1.status as { reason: string }).reason;
    expect(reason1).toMatch(
      /^workload not ready after 1s; 1 not ready: \| {3}emojivoto-1\/web-\w+-\w+: container web-svc running but not ready \|/,
    );
    expect(reason1).toContain("Warning Unhealthy: Readiness probe failed");

    const r2 = await run(2);
    expect((r2.status as { reason: string }).reason).toBe(
      "apply ConfigMap meshbench-loadgen/loadgen: HTTP 403 Unknown: injected fault",
    );
    const applies = f.requests.filter(
      (q) => q.method === "PATCH" && q.path.endsWith("/configmaps/loadgen"),
    );
    expect(applies.map((q) => q.code)).toEqual([403, 201]); // r2's, not retried; r3's
    // What the failed run measured before it failed is kept.
    expect(r2.resources?.containers.map((c) => c.class)).toContain("application");
    expect(r2.load).toBeNull();

    const r3 = await run(3);
    const load = r3.load!;
    expect(load.achieved.requests).toBe(
      (await p.arrivals(0)) - load.warmup.requests - load.warmup.failures,
    );
    expect(Math.abs(load.achieved.requests - 75)).toBeLessThanOrEqual(3); // 50 rps × 1.5 s
    expect(r3.spec.loadgenPods).toBe(1);
    // The restart is an event of that run, beside its numbers; the other runs had none.
    expect(r3.events).toEqual([
      expect.objectContaining({
        kind: "restart",
        container: expect.stringMatching(/^emojivoto-1\/web-\w+-\w+\/web-svc$/),
        detail: "restarted 1 time(s) (restartCount 0 → 1); last exit 137 OOMKilled",
      }),
    ]);
    expect([r1.events, r2.events]).toEqual([[], []]);

    // Everything every run made is gone.
    expect(f.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
      "default",
      "kube-system",
    ]);
  }, 60_000);
});

describe("what is not this run's", () => {
  it("never uninstalls a mesh it did not install, and refuses to run over a killed run's leftovers", async () => {
    const f = await startFakeKube({ readyAfterMs: 20 });
    fake = f;
    // Someone's own linkerd is on the cluster already.
    f.store.create(resourceOf("namespaces"), undefined, { metadata: { name: "linkerd" } });
    const dir = await mkdtemp(join(tmpdir(), "meshbench-platform-"));
    const { scenario, platform } = onFake(
      f,
      "mine",
      {
        cluster: { timeouts: { cleanup: "5s" } },
        meshes: ["linkerd"],
        repetitions: 1,
        workload: { instances: 1 },
      },
      {
        ...process.env,
        PATH: `${BIN}:${process.env.PATH}`,
        ...passEnv({ FAKE_LINKERD_LOG: join(dir, "linkerd.log") }),
      },
    );
    const [outcome] = await executePlan({
      scenario,
      plan: planRuns(scenario),
      meshes: new Map([["linkerd", await loadMeshDefinition("scenarios/meshes/linkerd.yaml")]]),
      platform,
      platformInfo: await platform.open(),
      resultsRoot: dir,
    });
    expect(outcome).toMatchObject({ state: "failed", phase: "install" });
    expect(outcome!.reason).toContain(
      "namespace linkerd already exists and was not created by meshbench",
    );
    // Their linkerd is untouched: no uninstall ran, their namespace is there as it was.
    expect(await readFile(join(dir, "linkerd.log"), "utf8")).not.toContain("uninstall");
    expect(
      f.store.get(resourceOf("namespaces"), undefined, "linkerd")?.metadata.deletionTimestamp,
    ).toBeUndefined();

    // A killed run's namespace: the next run refuses to start, and says what to do.
    f.store.create(resourceOf("namespaces"), undefined, {
      metadata: {
        name: "emojivoto-1",
        labels: { "app.kubernetes.io/managed-by": "meshbench", [RUN_ID]: "mb-killed-3" },
      },
    });
    const error = await platform.prepare({ runId: "mine-2-x" }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "the cluster holds what an earlier meshbench run left: namespace emojivoto-1 (run mb-killed-3); remove it with: meshbench cleanup",
    );
  }, 30_000);
});

describe("a user's own namespaces of the names meshbench uses", () => {
  it("are refused before anything is applied, and never deleted", async () => {
    const f = await startFakeKube({ readyAfterMs: 20 });
    fake = f;
    const theirs = (name: string) => {
      f.store.create(resourceOf("namespaces"), undefined, {
        metadata: { name, labels: { team: "web" } },
      });
      f.store.create(resourceOf("configmaps"), name, { metadata: { name: "keep-me" } });
    };
    const { scenario, platform } = onFake(f, "theirs", {
      cluster: { timeouts: { cleanup: "5s" } },
      repetitions: 1,
      workload: { instances: 2 },
      load: { rate: 10, duration: "1s" },
    });
    const runOnce = async () => {
      const [outcome] = await executePlan({
        scenario,
        plan: planRuns(scenario),
        meshes: new Map([["bare", await loadMeshDefinition("scenarios/meshes/bare.yaml")]]),
        platform,
        platformInfo: await platform.open(),
        resultsRoot: await mkdtemp(join(tmpdir(), "meshbench-platform-")),
      });
      return outcome!;
    };
    const intact = (name: string) => {
      const ns = f.store.get(resourceOf("namespaces"), undefined, name);
      expect(ns?.metadata.deletionTimestamp).toBeUndefined();
      expect(ns?.metadata.labels).toEqual({ team: "web" });
      expect(f.store.get(resourceOf("configmaps"), name, "keep-me")).toBeDefined();
    };

    theirs("emojivoto-2");
    const deploy = await runOnce();
    expect(deploy).toMatchObject({ state: "failed", phase: "deploy" });
    expect(deploy.reason).toBe(
      "namespace emojivoto-2 already exists and was not created by meshbench (no app.kubernetes.io/managed-by=meshbench label); meshbench would take it over and delete it after the run. Delete it (kubectl delete namespace emojivoto-2) if it is not needed, or use another cluster",
    );
    intact("emojivoto-2");
    // Nothing of the workload was applied, so nothing else is left.
    expect(f.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
      "default",
      "emojivoto-2",
      "kube-system",
    ]);

    f.store.remove(resourceOf("configmaps"), "emojivoto-2", "keep-me");
    f.store.remove(resourceOf("namespaces"), undefined, "emojivoto-2");
    theirs("meshbench-loadgen");
    const load = await runOnce();
    expect(load).toMatchObject({ state: "failed", phase: "load" });
    expect(load.reason).toContain("namespace meshbench-loadgen already exists");
    intact("meshbench-loadgen");
    await platform.close();
  }, 30_000);
});

describe("run ids on the cluster", () => {
  it("keeps an id that is a label value, shortens one that is not, uniquely", () => {
    expect(clusterRunId("kind-smoke-3-mwx1")).toBe("kind-smoke-3-mwx1");
    const long = `${"a".repeat(60)}-12-lx2k`;
    const id = clusterRunId(long);
    expect(id).toMatch(/^a+-[0-9a-f]{6}$/);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(clusterRunId(`${"a".repeat(60)}-13-lx2k`)).not.toBe(id);
    expect(clusterRunId("Mixed_Case.run")).toMatch(/^mixed-case-run-[0-9a-f]{6}$/);
  });
});
