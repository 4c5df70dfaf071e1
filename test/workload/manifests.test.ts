// The rendered manifests, compared with reviewed YAML goldens (UPDATE_GOLDEN=1 rewrites
// them) and validated by kubernetes-models against the Kubernetes schemas.
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { labelled } from "../../src/kube/apply.ts";
import { LOADGEN_NODE } from "../../src/kube/labels.ts";
import { loadgenManifests } from "../../src/platform/kubernetes/loadgen-manifests.ts";
import { emojivotoManifests, emojivotoUrls } from "../../src/workload/emojivoto/kubernetes.ts";

type PodSpec = {
  containers: { image: string; resources: { requests: { cpu: string } } }[];
  affinity: unknown;
};

const RUN = "mb-20261127t053000-ab12";

async function golden(name: string, objects: { validate(): void }[]) {
  for (const o of objects) o.validate();
  const text = objects
    .map((o) => stringify(labelled(o as never, RUN), { lineWidth: 0 }))
    .join("---\n");
  const path = new URL(`../golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, text);
  expect(text).toBe(await readFile(path, "utf8"));
}

const loadgenOptions = {
  runId: RUN,
  script: "// dist/loadgen.js stands here\n",
  urls: emojivotoUrls(2, ["/api/list", "/api/vote?choice=:joy:"]),
  pods: 2,
  rate: 500,
  durationMs: 600_000,
  warmupMs: 30_000,
  connections: 16,
  startAtMs: 1_800_000_000_000,
  meshed: true,
  namespaceLabels: { "istio-injection": "enabled" },
};

describe("Emojivoto ×N", () => {
  it("renders two instances in their own namespaces (golden)", async () => {
    await golden(
      "emojivoto-2.yaml",
      emojivotoManifests({
        instances: 2,
        namespaceAnnotations: { "linkerd.io/inject": "enabled" },
      }),
    );
  });

  it("requests 100m CPU, uses the pinned images and keeps off the load-generator node", () => {
    const deployments = emojivotoManifests({ instances: 3 }).filter((o) => o.kind === "Deployment");
    expect(deployments).toHaveLength(9);
    for (const d of deployments) {
      const spec = (d.toJSON() as unknown as { spec: { template: { spec: PodSpec } } }).spec
        .template.spec;
      expect(spec.containers[0]!.resources.requests.cpu).toBe("100m");
      expect(spec.containers[0]!.image).toMatch(
        /^docker\.l5d\.io\/buoyantio\/emojivoto-(web|emoji-svc|voting-svc):v11$/,
      );
      expect(JSON.stringify(spec.affinity)).toContain(
        `"key":"${LOADGEN_NODE}","operator":"DoesNotExist"`,
      );
    }
  });

  it("lists every instance's URLs", () => {
    expect(emojivotoUrls(2, ["/api/list"])).toEqual([
      "http://web-svc.emojivoto-1.svc.cluster.local/api/list",
      "http://web-svc.emojivoto-2.svc.cluster.local/api/list",
    ]);
  });

  it("refuses values that are not names, naming the field and what is allowed", () => {
    expect(() => emojivotoManifests({ instances: 0 })).toThrow(
      "workload.instances: 0 is not allowed; allowed: a whole number from 1 to 500",
    );
    expect(() => emojivotoManifests({ instances: 1, version: "v11; rm -rf /" })).toThrow(
      'workload.version: "v11; rm -rf /" is not allowed; allowed: a release version',
    );
    expect(() =>
      emojivotoManifests({ instances: 1, namespaceLabels: { "istio-injection": "en abled" } }),
    ).toThrow('mesh namespace label["istio-injection"]: "en abled" is not allowed');
  });
});

describe("the load-generator Job", () => {
  it("renders P pods at rate/P with a shared start, on the load-generator node (golden)", async () => {
    await golden("loadgen-job.yaml", loadgenManifests(loadgenOptions));
  });

  it("opts the pods out of the mesh when the load generator is not meshed", () => {
    const [ns, , job] = loadgenManifests({
      ...loadgenOptions,
      meshed: false,
      optOutAnnotations: { "sidecar.istio.io/inject": "false" },
    });
    expect((ns as { metadata: { labels: object } }).metadata.labels).not.toHaveProperty(
      "istio-injection",
    );
    expect(JSON.stringify(job)).toContain('"annotations":{"sidecar.istio.io/inject":"false"}');
  });

  it("fits the real dist/loadgen.js in its ConfigMap, and refuses one over 1 MiB", async () => {
    const script = await readFile(new URL("../../dist/loadgen.js", import.meta.url), "utf8");
    expect(() => loadgenManifests({ ...loadgenOptions, script })).not.toThrow();
    expect(() => loadgenManifests({ ...loadgenOptions, script: "x".repeat(1024 * 1024) })).toThrow(
      /^the load generator's ConfigMap would be 10488\d\d bytes, over the API server's 1048576$/,
    );
  });

  it("needs a connection per host in every pod", () => {
    expect(() => loadgenManifests({ ...loadgenOptions, connections: 2, pods: 2 })).toThrow(
      "load.connections: 2 over 2 load-generator pods is 1 per pod, fewer than the 2 hosts every pod talks to; use at least 4",
    );
  });
});
