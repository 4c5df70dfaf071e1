// Objects that were on the cluster before the run are never touched: a user's CRD that the
// install would change is refused (naming it and the difference) before anything of the
// manifest is applied; one the install would leave as it is stays unlabelled, and survives
// the install, the run's cleanup, Ctrl-C mid-install and `meshbench cleanup`.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MANAGED_BY } from "../../../src/kube/labels.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { differences } from "../../../src/platform/kubernetes/existing.ts";
import { parseManifest } from "../../../src/platform/kubernetes/manifest.ts";
import { KubernetesPlatform } from "../../../src/platform/kubernetes/platform.ts";
import { providerFor } from "../../../src/provision/provider-for.ts";
import { parseScenario } from "../../../src/scenario/load.ts";
import {
  type FakeKube,
  type KObject,
  resourceOf,
  startFakeKube,
} from "../../helpers/fake-kube/index.ts";
import { kubeScenarioYaml } from "../../helpers/scenario-yaml.ts";

const BIN = resolve("test/fixtures/bin");
const CLI = new URL("../../../src/cli/main.ts", import.meta.url).pathname;
const CRDS = resourceOf("customresourcedefinitions", "apiextensions.k8s.io");
const CRD = "servers.policy.linkerd.io";

let fake: FakeKube | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** linkerd's Server CRD as the stand-in CLI prints it (what the install applies). */
function linkerdCrd(): KObject {
  const text = execFileSync(join(BIN, "linkerd"), ["install", "--crds"], { encoding: "utf8" });
  return parseManifest(text, "linkerd install --crds").find(
    (o) => o.metadata?.name === CRD,
  ) as unknown as KObject;
}

async function setUp(crd: KObject, adopt = false) {
  const f = await startFakeKube({ readyAfterMs: 20 });
  fake = f;
  // The user's, installed before meshbench came: no meshbench label.
  f.store.create(CRDS, undefined, crd);
  // Established by the fake's control loop, as a real one's is, before it is compared.
  while (!f.store.get(CRDS, undefined, CRD)?.status) await new Promise((r) => setTimeout(r, 10));
  const dir = await mkdtemp(join(tmpdir(), "meshbench-existing-"));
  const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, XDG_CACHE_HOME: dir };
  const { scenario } = parseScenario(
    "existing.yaml",
    kubeScenarioYaml("existing", {
      cluster: {
        kubeconfig: f.kubeconfigPath,
        timeouts: { cleanup: "10s", install: "20s" },
        ...(adopt && { adoptExisting: true }),
      },
      workload: { instances: 1 },
    }),
  );
  const platform = new KubernetesPlatform({
    cluster: scenario.cluster!,
    provider: providerFor(scenario.cluster!),
    env,
    pollMs: 50,
  });
  return { f, platform, env };
}

const crdNow = (f: FakeKube) => f.store.get(CRDS, undefined, CRD);

function meshbenchCleanup(f: FakeKube, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, "cleanup", "--kubeconfig", f.kubeconfigPath], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise<{ code: number | null; out: string }>((done) =>
    child.on("exit", (code) => done({ code, out })),
  );
}

describe("objects that were there before the run", () => {
  it("names where an install would change an object", () => {
    expect(differences({ spec: { a: 1, b: [1, 2] } }, { spec: { a: 1, b: [1, 2], c: 3 } })).toEqual(
      [],
    );
    expect(
      differences(
        { metadata: { labels: { x: "1" } }, spec: { versions: [{ name: "v1" }] } },
        { metadata: {}, spec: { versions: [{ name: "v2" }] } },
      ),
    ).toEqual(['spec.versions[0].name: "v1" wanted, "v2" on the cluster']);
    expect(differences({ spec: { versions: [1] } }, { spec: { versions: [1, 2] } })).toEqual([
      "spec.versions: 1 items wanted, 2 on the cluster",
    ]);
  });

  it("refuses to install over a CRD the install would change, before applying any of it; the CRD survives run cleanup and meshbench cleanup", async () => {
    const theirs = linkerdCrd();
    theirs.spec.versions[0].name = "v1beta9";
    const { f, platform, env } = await setUp(theirs);
    const before = JSON.stringify(crdNow(f));
    const lines: string[] = [];
    try {
      await platform.prepare({ runId: "existing-1", log: (l) => lines.push(l) });
      await expect(
        platform.installMesh(await loadMeshDefinition("scenarios/meshes/linkerd.yaml"), null),
      ).rejects.toThrow(
        `CustomResourceDefinition ${CRD} was on the cluster before this run (not created by meshbench) and the install would change it: spec.versions[0].name: "v1beta1" wanted, "v1beta9" on the cluster`,
      );
      // Nothing of that manifest was applied.
      // (The Gateway API step before it applied its own object; `linkerd install --crds` none.)
      const crdStep = lines.indexOf("$ linkerd install --crds | apply");
      expect(crdStep).toBeGreaterThan(-1);
      expect(lines.slice(crdStep).filter((l) => l.includes("applied"))).toEqual([]);
      expect(JSON.stringify(crdNow(f))).toBe(before);
    } finally {
      await platform.cleanup();
      await platform.close();
    }
    expect(JSON.stringify(crdNow(f))).toBe(before);
    const cleaned = await meshbenchCleanup(f, env);
    expect(cleaned.code, cleaned.out).toBe(0);
    expect(JSON.stringify(crdNow(f))).toBe(before);
  }, 60_000);

  it("keeps an identical CRD unlabelled through install, uninstall, cleanup and meshbench cleanup", async () => {
    const { f, platform, env } = await setUp(linkerdCrd());
    const before = JSON.stringify(crdNow(f));
    const lines: string[] = [];
    try {
      await platform.prepare({ runId: "existing-2", log: (l) => lines.push(l) });
      await platform.installMesh(await loadMeshDefinition("scenarios/meshes/linkerd.yaml"), null);
      expect(lines).toContain(
        `  kept CustomResourceDefinition ${CRD}: it was there before the run, already as wanted`,
      );
    } finally {
      await platform.cleanup();
      await platform.close();
    }
    expect(JSON.stringify(crdNow(f))).toBe(before);
    expect(crdNow(f)!.metadata.labels ?? {}).not.toHaveProperty(MANAGED_BY);
    expect((await meshbenchCleanup(f, env)).code).toBe(0);
    expect(JSON.stringify(crdNow(f))).toBe(before);
  }, 60_000);

  it("survives Ctrl-C mid-install", async () => {
    const { f, platform } = await setUp(linkerdCrd());
    const before = JSON.stringify(crdNow(f));
    const stop = new AbortController();
    try {
      await platform.prepare({
        runId: "existing-3",
        signal: stop.signal,
        // Ctrl-C as soon as the CRDs are dealt with, while the control plane is installing.
        log: (l) => {
          if (l.startsWith("  kept")) stop.abort();
        },
      });
      await platform
        .installMesh(await loadMeshDefinition("scenarios/meshes/linkerd.yaml"), null)
        .catch(() => {});
    } finally {
      await platform.cleanup();
      await platform.close();
    }
    expect(stop.signal.aborted).toBe(true);
    expect(JSON.stringify(crdNow(f))).toBe(before);
  }, 60_000);

  it("with cluster.adoptExisting: true the install takes it over (and cleanup deletes it)", async () => {
    const theirs = linkerdCrd();
    theirs.spec.versions[0].name = "v1beta9";
    const { f, platform } = await setUp(theirs, true);
    try {
      await platform.prepare({ runId: "existing-4" });
      await platform.installMesh(await loadMeshDefinition("scenarios/meshes/linkerd.yaml"), null);
      expect(crdNow(f)!.metadata.labels?.[MANAGED_BY]).toBe("meshbench");
    } finally {
      await platform.cleanup();
      await platform.close();
    }
    expect(crdNow(f)).toBeUndefined();
  }, 60_000);
});
