// The shipped Kubernetes mesh definitions, rendered as the steps that will run (golden
// files: a change to what meshbench runs on a cluster shows up as a diff to review), and
// the rules of rendering: {version} from the scenario or the definition, {files} the
// run's directory, a version that is not a release's refused.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import type { MeshDefinition } from "../../src/mesh/schema.ts";
import { formatMeshPlan, renderSteps } from "../../src/platform/kubernetes/mesh-steps.ts";
import { expectGolden } from "../helpers/golden.ts";

const LINUX = { os: "linux", arch: "amd64" } as const;
const load = (name: string) => loadMeshDefinition(`scenarios/meshes/${name}.yaml`);

describe("the shipped mesh definitions, as they will run", () => {
  it.each([
    "linkerd",
    "linkerd-native-sidecar",
    "istio-default",
    "istio-stock",
    "istio-tuned",
    "istio-ambient",
    "istio-ambient-waypoint",
    "cilium",
    "bare",
  ])("%s", async (name) => {
    expectGolden(`mesh-plans/${name}.txt`, formatMeshPlan(await load(name), null, LINUX));
  });

  it("every shipped mesh states the Kubernetes its default version supports; only Cilium needs a cluster without a CNI", async () => {
    const { readdir } = await import("node:fs/promises");
    const names = (await readdir("scenarios/meshes")).map((f) => f.replace(/\.yaml$/, ""));
    for (const name of names) {
      const k = (await load(name)).kubernetes;
      if (!k || name === "bare") continue;
      expect(k.supports?.kubernetes, name).toBeDefined();
      expect(k.requiresNoCni, name).toBe(name === "cilium");
    }
  });

  it("a scenario's version replaces the definition's: a one-line bump", async () => {
    const text = formatMeshPlan(await load("istio-tuned"), "1.29.9", LINUX, 15 * 60_000);
    expect(text).toContain("istio-tuned 1.29.9 (scenarios/meshes/istio-tuned.yaml)");
    expect(text).toContain("releases/download/1.29.9/istioctl-1.29.9-linux-amd64.tar.gz");
    expect(text).toContain("(timeout 15m)");
    expect(text).not.toContain("1.30.4");
  });

  it("istio-stock is the study's evaluation install: the demo profile with mTLS off", async () => {
    const [install] = renderSteps(await load("istio-stock"), "install", {
      version: null,
      filesDir: "/run/files",
    });
    expect(install!.argv).toEqual([
      "istioctl",
      "install",
      "--set",
      "profile=demo",
      "--set",
      "meshConfig.enableAutoMtls=false",
      "--skip-confirmation",
    ]);
  });

  it("istio-tuned's overlay is the study's patch: demo profile, no tracing, no access log, no gateways, mTLS, istiod 1 CPU, sidecar CPU 250m", async () => {
    const tuned = await load("istio-tuned");
    const overlay = parse(tuned.kubernetes!.files["tuned.yaml"]!).spec;
    expect(overlay.profile).toBe("demo");
    expect(overlay.meshConfig).toEqual({
      enableTracing: false,
      accessLogFile: "",
      enableAutoMtls: true,
    });
    expect(overlay.components.ingressGateways).toEqual([
      { name: "istio-ingressgateway", enabled: false },
    ]);
    expect(overlay.components.egressGateways).toEqual([
      { name: "istio-egressgateway", enabled: false },
    ]);
    expect(overlay.values.pilot.resources).toEqual({
      requests: { cpu: "1", memory: "100Mi" },
      limits: { cpu: "1" },
    });
    // Requested and limited to 250m; no memory annotation, so no memory request or limit.
    expect(tuned.kubernetes!.join.podAnnotations).toEqual({
      "sidecar.istio.io/proxyCPU": "250m",
      "sidecar.istio.io/proxyCPULimit": "250m",
    });
    const [install] = renderSteps(tuned, "install", { version: null, filesDir: "/run/files" });
    expect(install!.argv).toEqual([
      "istioctl",
      "install",
      "-f",
      "/run/files/tuned.yaml",
      "--skip-confirmation",
    ]);
  });
});

describe("rendering", () => {
  const mesh = (command: string): MeshDefinition => ({
    name: "m",
    file: "m.yaml",
    description: "",
    kubernetes: {
      requires: [],
      requiresNoCni: false,
      files: {},
      install: [{ run: command.split(" "), output: "ignore", timeout: 1000 }],
      uninstall: [],
      ready: [],
      join: {
        namespaceLabels: {},
        namespaceAnnotations: {},
        podAnnotations: {},
        optOutPodAnnotations: {},
      },
      recognise: { controlPlaneNamespaces: [], proxyContainers: [], nodeProxies: [] },
    },
  });

  it("fills {version} with the scenario's version, else the definition's", () => {
    const m = mesh("helm install m --version {version}");
    const render = (version: string | null, own?: string) =>
      renderSteps(
        { ...m, kubernetes: { ...m.kubernetes!, ...(own ? { version: own } : {}) } },
        "install",
        { version, filesDir: "/f" },
      )[0]!.argv.join(" ");
    expect(render("1.2.3", "1.0.0")).toBe("helm install m --version 1.2.3");
    expect(render(null, "1.0.0")).toBe("helm install m --version 1.0.0");
    expect(() => render(null)).toThrow(
      "m.yaml: kubernetes.install[0] uses {version}, and no version is set",
    );
    expect(() => render("1.2.3 --set x")).toThrow(
      'meshes[].version of m: "1.2.3 --set x" is not allowed; allowed: a release version',
    );
  });

  it("refuses {files} when the definition has none, and settles timeouts", () => {
    const m = mesh("istioctl install -f {files}/x.yaml");
    expect(() => renderSteps(m, "install", { version: null, filesDir: "/f" })).toThrow(
      "uses {files}, but the definition has no files",
    );
    const withFiles = { ...m, kubernetes: { ...m.kubernetes!, files: { "x.yaml": "a: 1" } } };
    const [step] = renderSteps(withFiles, "install", {
      version: null,
      filesDir: "/f",
      timeoutMs: 5000,
    });
    expect(step).toEqual({
      argv: ["istioctl", "install", "-f", "/f/x.yaml"],
      output: "ignore",
      timeoutMs: 5000,
    });
  });
});
