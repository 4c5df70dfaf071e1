// A mesh that is the cluster's CNI (Cilium) only where the cluster has none: the rule on
// values, and the preflight against the tests' API server with and without a CNI.
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../../../src/kube/client.ts";
import { loadMeshDefinition } from "../../../src/mesh/load.ts";
import { clusterChecks } from "../../../src/platform/kubernetes/preflight.ts";
import { cniChecks } from "../../../src/platform/preflight-checks.ts";
import { parseScenario } from "../../../src/scenario/load.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";

let fake: FakeKube | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe("a mesh that is the CNI", () => {
  it("passes where no CNI runs, fails naming the one that does", () => {
    expect(cniChecks(["cilium"], [])).toEqual([
      { name: "cilium as CNI", status: "ok", detail: "no CNI found: cilium can be the CNI" },
    ]);
    const [row] = cniChecks(["cilium"], ["kube-system/kindnet"]);
    expect(row!.status).toBe("fail");
    expect(row!.detail).toContain("this cluster has one already: kube-system/kindnet");
    expect(row!.fix).toContain("networking.disableDefaultCNI: true");
    expect(cniChecks([], ["kube-system/kindnet"])).toEqual([]);
  });

  for (const cni of [null, "kindnet"] as const) {
    it(`the preflight finds ${cni ?? "no CNI"} on the cluster`, async () => {
      fake = await startFakeKube({ version: "1.33" });
      if (cni)
        fake.store.create(resourceOf("daemonsets", "apps"), "kube-system", {
          metadata: { name: cni, labels: { app: cni } },
          spec: {
            selector: { matchLabels: { app: cni } },
            template: {
              metadata: { labels: { app: cni } },
              spec: { containers: [{ name: cni, image: `example/${cni}:1` }] },
            },
          },
        });
      const { scenario } = parseScenario(
        "cni.yaml",
        `name: cni\nplatform: kubernetes\ncluster: { kubeconfig: ${fake.kubeconfigPath} }\nmeshes: [cilium]\nworkload: { instances: 1 }\n`,
      );
      const cilium = await loadMeshDefinition("scenarios/meshes/cilium.yaml");
      const checks = await clusterChecks(
        connect({ path: fake.kubeconfigPath }),
        scenario,
        scenario.cluster!,
        [{ definition: cilium, version: null }],
      );
      const row = checks.find((c) => c.name === "cilium as CNI")!;
      expect(row.status).toBe(cni ? "fail" : "ok");
      if (cni) expect(row.detail).toContain(`kube-system/${cni}`);
    });
  }
});
