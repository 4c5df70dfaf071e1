// `meshbench cleanup` against the fake API server: leftovers of killed runs (a reserved
// load-generator node, Emojivoto, a mesh installed through the stand-in linkerd CLI, a
// stray labelled object) are removed — the mesh by its own uninstall steps — and printed;
// one run's alone with --run-id; nothing else on the cluster is touched.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyObjects } from "../../src/kube/apply.ts";
import { connect, type Kube } from "../../src/kube/client.ts";
import { LOADGEN_NODE } from "../../src/kube/labels.ts";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import { reserveLoadgenNode } from "../../src/platform/kubernetes/loadgen-node.ts";
import { installMesh } from "../../src/platform/kubernetes/mesh-install.ts";
import { emojivotoManifests } from "../../src/workload/emojivoto/kubernetes.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { passEnv, runMeshbench } from "../helpers/process.ts";

const BIN = resolve("test/fixtures/bin");

let fake: FakeKube;
let kube: Kube;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  fake = await startFakeKube({ readyAfterMs: 20 });
  kube = connect({ path: fake.kubeconfigPath }, { sleep: async () => {} });
  dir = await mkdtemp(join(tmpdir(), "meshbench-cleanup-"));
  env = {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH}`,
    ...passEnv({ FAKE_LINKERD_LOG: join(dir, "linkerd.log") }),
  };
});
afterEach(() => fake.close());

function cleanupCli(args: string[]) {
  return runMeshbench(["cleanup", ...args], { env, until: "exit" });
}

/** What a killed run leaves: its node reserved, Emojivoto, linkerd installed. */
async function killedRun(runId: string) {
  await reserveLoadgenNode(kube, runId, () => 0);
  await applyObjects(kube, emojivotoManifests({ instances: 1 }), runId);
  await installMesh(
    { kube, runId, kubeconfigPath: fake.kubeconfigPath, workDir: dir, env, log: () => {} },
    await loadMeshDefinition("scenarios/meshes/linkerd.yaml"),
    null,
    { timeoutMs: 5000, namespaceWaitMs: 1000, pollMs: 20 },
  );
}

const namespaces = () => fake.store.list(resourceOf("namespaces")).map((n) => n.metadata.name);

describe("meshbench cleanup", () => {
  it("uninstalls a killed run's mesh, deletes its objects, releases its node, and prints it all", async () => {
    await killedRun("mb-killed-1");
    await applyObjects(
      kube,
      [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", namespace: "default" } }],
      "mb-killed-2",
    );
    fake.store.create(resourceOf("configmaps"), "default", { metadata: { name: "not-ours" } });

    const one = await cleanupCli([
      "--kubeconfig",
      fake.kubeconfigPath,
      "--run-id",
      "mb-killed-1",
      "--wait",
      "10s",
    ]);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    expect(one.stdout.split("\n")).toEqual([
      `meshbench cleanup: fake (${fake.url}), run mb-killed-1`,
      "    $ linkerd uninstall | delete",
      "      deleted 6 of 6 objects (the rest were gone)",
      "  uninstalled mesh linkerd edge-26.8.3 (run mb-killed-1)",
      "  deleted namespace emojivoto-1",
      // The Gateway API CRDs linkerd.yaml's first step applied, labelled with the run.
      "  deleted CustomResourceDefinition httproutes.gateway.networking.k8s.io",
      "  released node meshbench-worker (label and taint meshbench.io/loadgen removed)",
      "",
    ]);
    expect((await readFile(join(dir, "linkerd.log"), "utf8")).trim().split("\n").at(-1)).toMatch(
      /^uninstall KUBECONFIG=\S+\/kubeconfig$/,
    );
    expect(namespaces()).toEqual(["default", "kube-system"]);
    expect(
      fake.store.list(resourceOf("customresourcedefinitions", "apiextensions.k8s.io")),
    ).toEqual([]);
    for (const n of fake.store.list(resourceOf("nodes")))
      expect(n.metadata.labels ?? {}).not.toHaveProperty(LOADGEN_NODE);
    // Another run's leftover stays until asked for; what is not meshbench's always stays.
    const configMaps = () =>
      fake.store.list(resourceOf("configmaps"), "default").map((c) => c.metadata.name);
    expect(configMaps()).toEqual(["not-ours", "other"]);

    const all = await cleanupCli(["--kubeconfig", fake.kubeconfigPath, "--wait", "0s"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("  deleted ConfigMap default/other\n");
    expect(configMaps()).toEqual(["not-ours"]);
    const again = await cleanupCli(["--kubeconfig", fake.kubeconfigPath]);
    expect(again.stdout).toContain("  nothing of meshbench's was found\n");
  });

  it("refuses a run id that is not one, naming what is allowed", async () => {
    const r = await cleanupCli(["--kubeconfig", fake.kubeconfigPath, "--run-id", "x; rm -rf /"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'meshbench: --run-id: run id: "x; rm -rf /" is not allowed; allowed:',
    );
  });
});
