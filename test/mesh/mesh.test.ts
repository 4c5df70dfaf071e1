// Mesh definitions: the shipped ones, the Kubernetes shape, finding them along the search
// path, and skipping a mesh whose program is missing (with the one line that says so).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  builtinMeshDir,
  findMeshDefinition,
  loadMeshDefinition,
  meshSearchPath,
} from "../../src/mesh/load.ts";
import { missingRequirement } from "../../src/mesh/requirements.ts";
import { loadScenarioPlan } from "../../src/run/scenario-plan.ts";
import { PlanError } from "../../src/scenario/plan.ts";
import { findExecutable } from "../../src/tools/find-executable.ts";

const tmp = mkdtempSync(join(tmpdir(), "meshbench-mesh-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("shipped definitions", () => {
  it("bare: no sidecar, nothing to install, runs on both platforms", async () => {
    const bare = await loadMeshDefinition("scenarios/meshes/bare.yaml");
    expect(bare.local).toEqual({ requires: [], sidecar: null });
    expect(bare.kubernetes?.install).toEqual([]);
    expect(missingRequirement(bare, "local", "")).toBeNull();
    expect(missingRequirement(bare, "kubernetes", "")).toBeNull();
  });

  it("haproxy-sidecar: HAProxy in front of every service, local only", async () => {
    const h = await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml");
    expect(h.local?.requires.map((r) => r.binary)).toEqual(["haproxy"]);
    expect(h.local?.sidecar?.command).toEqual(["haproxy", "-db", "-f", "{config}"]);
    expect(h.local?.sidecar?.config.grpc).toContain("proto h2");
    expect(missingRequirement(h, "kubernetes")).toMatch(/^not defined for the kubernetes platform/);
  });

  it("the built-in directory is the package's scenarios/meshes", () => {
    expect(builtinMeshDir()).toBe(join(process.cwd(), "scenarios/meshes/"));
  });
});

describe("the Kubernetes shape", () => {
  it("accepts install/uninstall steps, readiness, joining and recognition, with defaults", async () => {
    const l = await loadMeshDefinition("test/fixtures/meshes/linkerd-example.yaml");
    expect(l.local).toBeUndefined();
    expect(l.kubernetes).toMatchObject({
      version: "stable-2.14.10",
      install: [
        { run: ["linkerd", "install", "--crds"], output: "apply", timeout: 300_000 },
        { run: ["linkerd", "install"], output: "apply", timeout: 300_000 },
        { run: ["linkerd", "check"], output: "ignore", timeout: 600_000 },
      ],
      uninstall: [{ run: ["linkerd", "uninstall"], output: "delete" }],
      ready: [{ namespace: "linkerd", deployments: "all", daemonsets: [] }],
      join: { namespaceAnnotations: { "linkerd.io/inject": "enabled" }, namespaceLabels: {} },
      recognise: {
        controlPlaneNamespaces: ["linkerd"],
        proxyContainers: ["linkerd-proxy"],
        nodeProxies: [],
      },
    });
    expect(missingRequirement(l, "local")).toMatch(/^not defined for the local platform/);
  });
});

describe("requirements", () => {
  const bin = join(tmp, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "haproxy"), "#!/bin/sh\n");
  writeFileSync(join(bin, "not-executable"), "");
  chmodSync(join(bin, "haproxy"), 0o755);

  it("finds executables on the PATH, and only executables", () => {
    expect(findExecutable("haproxy", `/nonexistent:${bin}`)).toBe(join(bin, "haproxy"));
    expect(findExecutable("not-executable", bin)).toBeUndefined();
    expect(findExecutable("haproxy", "")).toBeUndefined();
  });

  it("skips a mesh whose program is missing, with one line saying how to get it", async () => {
    const h = await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml");
    expect(missingRequirement(h, "local", bin)).toBeNull();
    const reason = missingRequirement(h, "local", "/nonexistent");
    expect(reason).toBe(
      "`haproxy` not found on the PATH; install it: sudo apt-get install -y haproxy (Debian/Ubuntu), brew install haproxy (macOS)",
    );
    expect(reason).not.toContain("\n");
  });

  it("a scenario plan leaves the skipped mesh out and keeps the rest", async () => {
    const { plan } = await loadScenarioPlan("scenarios/local-quick.yaml", {
      pathEnv: "/nonexistent",
    });
    expect(plan.runs.map((r) => r.mesh)).toEqual(["bare", "bare"]);
    expect(plan.skipped.map((s) => s.mesh)).toEqual(["haproxy-sidecar"]);
    const full = await loadScenarioPlan("scenarios/local-quick.yaml", { pathEnv: bin });
    expect(full.plan.runs.map((r) => r.mesh)).toEqual([
      "bare",
      "haproxy-sidecar",
      "bare",
      "haproxy-sidecar",
    ]);
  });
});

describe("the search path", () => {
  it("looks in given directories, then meshes/ beside the scenario, then the built-in ones", () => {
    expect(meshSearchPath(join(tmp, "s.yaml"), ["extra"])).toEqual([
      join(process.cwd(), "extra"),
      join(tmp, "meshes"),
      join(process.cwd(), "scenarios/meshes"),
    ]);
  });

  it("lets a project's definition override a built-in one of the same name", async () => {
    const dir = join(tmp, "project");
    mkdirSync(join(dir, "meshes"), { recursive: true });
    writeFileSync(join(dir, "meshes", "bare.yaml"), "description: our own bare\nlocal: {}\n");
    writeFileSync(join(dir, "bench.yaml"), "meshes: [bare, haproxy-sidecar]\n");
    const { meshes } = await loadScenarioPlan(join(dir, "bench.yaml"));
    expect(meshes.get("bare")?.description).toBe("our own bare");
    expect(meshes.get("haproxy-sidecar")?.file).toBe(
      join(builtinMeshDir(), "haproxy-sidecar.yaml"),
    );
  });

  it("finds one definition by name or by file, and names the known ones otherwise", async () => {
    const dirs = meshSearchPath();
    expect((await findMeshDefinition("bare", dirs)).name).toBe("bare");
    expect((await findMeshDefinition("test/fixtures/meshes/linkerd-example.yaml", dirs)).name).toBe(
      "linkerd-example",
    );
    const error = await findMeshDefinition("haproxy", dirs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as Error).message).toBe(
      'no mesh definition named "haproxy"; defined: bare, cilium, haproxy-sidecar, istio-ambient, istio-ambient-waypoint, istio-default, istio-stock, istio-tuned, linkerd, linkerd-native-sidecar (in scenarios/meshes)',
    );
  });
});
