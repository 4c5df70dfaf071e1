// Pod Security admission: the fake refuses what a real API server refuses (with its
// words), and meshbench's namespaces carry the level their mesh needs, so a run works on a
// cluster that enforces restricted by default.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POD_SECURITY_ENFORCE } from "../../../src/kube/labels.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { KubernetesPlatform } from "../../../src/platform/kubernetes/platform.ts";
import { providerFor } from "../../../src/provision/provider-for.ts";
import { parseScenario } from "../../../src/scenario/load.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";
import { kubeScenarioYaml } from "../../helpers/scenario-yaml.ts";

const BIN = resolve("test/fixtures/bin");
let fake: FakeKube | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const post = (f: FakeKube, path: string, body: unknown) =>
  fetch(`${f.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(async (r) => ({ code: r.status, body: (await r.json()) as { message?: string } }));

const meshedPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web" },
  spec: {
    initContainers: [
      {
        name: "linkerd-init",
        image: "x",
        securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
      },
    ],
    containers: [{ name: "web-svc", image: "x" }],
  },
};

describe("Pod Security admission in the fake", () => {
  it("refuses under baseline and restricted with the API server's message; dry runs store nothing", async () => {
    const f = await startFakeKube({ podSecurity: "baseline" });
    fake = f;
    const refused = await post(f, "/api/v1/namespaces/default/pods", meshedPod);
    expect(refused.code).toBe(403);
    expect(refused.body.message).toBe(
      'pods "web" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "linkerd-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
    );
    const before = f.snapshot();
    const dry = await post(f, "/api/v1/namespaces?dryRun=All", {
      metadata: { name: "strict", labels: { [POD_SECURITY_ENFORCE]: "restricted" } },
    });
    expect(dry.code).toBe(201);
    expect(f.snapshot()).toEqual(before);
    await post(f, "/api/v1/namespaces", {
      metadata: { name: "strict", labels: { [POD_SECURITY_ENFORCE]: "restricted" } },
    });
    const plain = await post(f, "/api/v1/namespaces/strict/pods", {
      ...meshedPod,
      spec: { containers: [{ name: "web-svc", image: "x" }] },
    });
    expect(plain.body.message).toBe(
      'pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web-svc" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web-svc" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web-svc" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web-svc" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    await post(f, "/api/v1/namespaces", {
      metadata: { name: "open", labels: { [POD_SECURITY_ENFORCE]: "privileged" } },
    });
    expect((await post(f, "/api/v1/namespaces/open/pods", meshedPod)).code).toBe(201);
  });

  it("a locked cluster refuses a namespace that lowers the level", async () => {
    const f = await startFakeKube({ podSecurity: "restricted", podSecurityLocked: true });
    fake = f;
    const r = await post(f, "/api/v1/namespaces?dryRun=All", {
      metadata: { name: "open", labels: { [POD_SECURITY_ENFORCE]: "privileged" } },
    });
    expect(r.code).toBe(403);
    expect(r.body.message).toContain(`may not set ${POD_SECURITY_ENFORCE} below "restricted"`);
  });
});

describe("meshbench's namespaces on a cluster enforcing restricted", () => {
  it("installs linkerd (whose injected init container adds NET_ADMIN) and deploys meshed Emojivoto", async () => {
    const f = await startFakeKube({
      podSecurity: "restricted",
      readyAfterMs: 20,
      injections: [
        {
          namespaceAnnotation: ["linkerd.io/inject", "enabled"],
          container: "linkerd-proxy",
          initCapabilities: ["NET_ADMIN", "NET_RAW"],
        },
      ],
    });
    fake = f;
    const dir = await mkdtemp(join(tmpdir(), "meshbench-psa-"));
    const { scenario } = parseScenario(
      "psa.yaml",
      kubeScenarioYaml("psa", {
        cluster: {
          kubeconfig: f.kubeconfigPath,
          timeouts: { deploy: "20s", cleanup: "10s", install: "20s" },
        },
        workload: { instances: 1 },
      }),
    );
    const platform = new KubernetesPlatform({
      cluster: scenario.cluster!,
      provider: providerFor(scenario.cluster!),
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, XDG_CACHE_HOME: dir },
      pollMs: 50,
    });
    try {
      await platform.prepare({ runId: "psa-1" });
      await platform.installMesh(await loadMeshDefinition("scenarios/meshes/linkerd.yaml"), null);
      await platform.deployWorkload({ app: "emojivoto", instances: 1 });
      const labels = (ns: string) =>
        f.store.get(resourceOf("namespaces"), undefined, ns)?.metadata.labels ?? {};
      expect(labels("emojivoto-1")[POD_SECURITY_ENFORCE]).toBe("privileged");
      expect(labels("linkerd")[POD_SECURITY_ENFORCE]).toBe("privileged");
      const pods = f.store.list(resourceOf("pods"), "emojivoto-1");
      expect(pods).toHaveLength(3);
      for (const p of pods)
        expect(p.spec.initContainers.map((c: { name: string }) => c.name)).toEqual([
          "linkerd-proxy-init",
        ]);
    } finally {
      await platform.cleanup();
      await platform.close();
    }
  }, 60_000);
});
