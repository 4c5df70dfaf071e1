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
import {
  type FakeKube,
  preexisting,
  resourceOf,
  startFakeKube,
} from "../helpers/fake-kube/index.ts";
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

  it("deletes the cluster-scoped objects of every kind meshbench labelled, and none that were there before", async () => {
    const kinds = [
      ["customresourcedefinitions", "apiextensions.k8s.io", "grpcroutes.gateway.networking.k8s.io"],
      ["clusterroles", "rbac.authorization.k8s.io", "linkerd-linkerd-destination"],
      ["clusterrolebindings", "rbac.authorization.k8s.io", "linkerd-linkerd-destination"],
      ["mutatingwebhookconfigurations", "admissionregistration.k8s.io", "linkerd-proxy-injector"],
      ["validatingwebhookconfigurations", "admissionregistration.k8s.io", "linkerd-sp-validator"],
      ["apiservices", "apiregistration.k8s.io", "v1alpha1.tap.linkerd.io"],
    ] as const;
    const crashed = {
      "app.kubernetes.io/managed-by": "meshbench",
      "meshbench.io/run-id": "mb-crashed-1",
    };
    // Each kind twice: a crashed run's (labelled) and one that was there before (same
    // names, from an install by hand, with a label of its own).
    for (const [plural, group, name] of kinds) {
      preexisting(fake, plural, group, `${name}-left`, crashed);
      preexisting(fake, plural, group, name, { "app.kubernetes.io/managed-by": "linkerd" });
    }
    const theirs = () =>
      kinds.map(([plural, group]) =>
        fake.store
          .list(resourceOf(plural, group))
          .filter((o) => !o.metadata.name.endsWith("-left")),
      );
    const before = JSON.stringify(theirs());

    const r = await cleanupCli(["--kubeconfig", fake.kubeconfigPath, "--wait", "0s"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const [plural, group, name] of kinds) {
      expect(fake.store.list(resourceOf(plural, group)).map((o) => o.metadata.name)).toEqual([
        name,
      ]);
      expect(r.stdout).toMatch(new RegExp(`  deleted \\w+ ${name.replace(/\./g, "\\.")}-left\n`));
    }
    // What was there before is exactly as it was (uid, resourceVersion, labels and all).
    expect(JSON.stringify(theirs())).toBe(before);
  });

  it("deletes meshbench's custom resources before their definition, and keeps a definition others' still use", async () => {
    const crashed = {
      "app.kubernetes.io/managed-by": "meshbench",
      "meshbench.io/run-id": "mb-crashed-1",
    };
    // Two definitions a crashed run applied (labelled), served by the fake once Established.
    const definition = (plural: string, kind: string) => {
      const crd = preexisting(
        fake,
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        `${plural}.policy.example.io`,
        crashed,
      );
      crd.spec = {
        group: "policy.example.io",
        scope: "Namespaced",
        names: { plural, kind },
        versions: [{ name: "v1", served: true, storage: true }],
      };
    };
    definition("budgets", "Budget");
    definition("routes", "Route");
    const custom = (plural: string, kind: string) => ({
      group: "policy.example.io",
      version: "v1",
      plural,
      kind,
      namespaced: true,
      custom: true,
    });
    const budgets = custom("budgets", "Budget");
    const routes = custom("routes", "Route");
    fake.store.create(budgets, "default", { metadata: { name: "run-budget", labels: crashed } });
    fake.store.create(routes, "default", { metadata: { name: "run-route", labels: crashed } });
    // Someone's own route, made with the definition the run left: deleting it would go too.
    fake.store.create(routes, "default", { metadata: { name: "team-route" } });
    const teamRoute = JSON.stringify(fake.store.list(routes));

    const r = await cleanupCli(["--kubeconfig", fake.kubeconfigPath, "--wait", "0s"]);
    expect(r.stdout).toContain("  deleted Budget default/run-budget\n");
    expect(r.stdout).toContain("  deleted CustomResourceDefinition budgets.policy.example.io\n");
    expect(r.stdout).toContain("  deleted Route default/run-route\n");
    expect(r.stdout).not.toContain("CustomResourceDefinition routes.policy.example.io");
    expect(r.stderr).toContain(
      "meshbench cleanup: kept CustomResourceDefinition routes.policy.example.io: deleting it would delete 1 Route object(s) that are not meshbench's (default/team-route)",
    );
    expect(r.code).toBe(1);
    const crds = () =>
      fake.store
        .list(resourceOf("customresourcedefinitions", "apiextensions.k8s.io"))
        .map((c) => c.metadata.name);
    expect(crds()).toEqual(["routes.policy.example.io"]);
    expect(fake.store.list(budgets)).toEqual([]);
    // The team's route is as it was, the run's gone.
    expect(
      JSON.parse(teamRoute).filter(
        (o: { metadata: { name: string } }) => o.metadata.name === "team-route",
      ),
    ).toEqual(fake.store.list(routes));
  });

  it("a definition deleted with custom resources in it takes them along, and waits for those with finalizers", async () => {
    const crd = preexisting(
      fake,
      "customresourcedefinitions",
      "apiextensions.k8s.io",
      "gates.policy.example.io",
    );
    crd.spec = {
      group: "policy.example.io",
      scope: "Cluster",
      names: { plural: "gates", kind: "Gate" },
      versions: [{ name: "v1", served: true, storage: true }],
    };
    const gates = {
      group: "policy.example.io",
      version: "v1",
      plural: "gates",
      kind: "Gate",
      namespaced: false,
      custom: true,
    };
    // Served like any kind, through discovery: the real client reads and writes them.
    await kube.objects.create({
      apiVersion: "policy.example.io/v1",
      kind: "Gate",
      metadata: { name: "open" },
    });
    await kube.objects.create({
      apiVersion: "policy.example.io/v1",
      kind: "Gate",
      metadata: { name: "held", finalizers: ["example.io/controller"] },
    });
    expect(fake.store.list(gates).map((g) => g.metadata.name)).toEqual(["held", "open"]);
    await kube.objects.delete({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "gates.policy.example.io" },
    });
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(ok()).toBe(true);
    };
    // The finalizer-free one goes; the held one is Terminating, and so is the definition.
    await until(() => fake.store.list(gates).length === 1);
    const held = fake.store.list(gates)[0]!;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    const def = () =>
      fake.store.get(
        resourceOf("customresourcedefinitions", "apiextensions.k8s.io"),
        undefined,
        "gates.policy.example.io",
      );
    expect(def()?.metadata.finalizers).toContain("customresourcecleanup.apiextensions.k8s.io");
    // Its controller lets go: both go.
    held.metadata.finalizers = [];
    await until(() => def() === undefined);
    expect(fake.store.list(gates)).toEqual([]);
  });

  it("refuses a run id that is not one, naming what is allowed", async () => {
    const r = await cleanupCli(["--kubeconfig", fake.kubeconfigPath, "--run-id", "x; rm -rf /"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'meshbench: --run-id: run id: "x; rm -rf /" is not allowed; allowed:',
    );
  });
});
