// The preflight's rules on values: each check's verdict at and around its boundary.
import { describe, expect, it } from "vitest";
import {
  clusterCheck,
  failed,
  formatChecks,
  metricsCheck,
  nodeCheck,
  nodesCheck,
  RIGHTS,
  registryOf,
  rightsCheck,
  versionChecks,
} from "../../src/platform/preflight-checks.ts";

const worker = (name: string, cpu: number) => ({ name, unsuitable: null, cpu });

describe("preflight checks", () => {
  it("Node: 22.19 and newer pass (the bundles' own floor), older fail with the way to get 24", () => {
    expect(nodeCheck("24.0.0").status).toBe("ok");
    expect(nodeCheck("v25.1.0").status).toBe("ok");
    expect(nodeCheck("22.19.0").status).toBe("ok");
    for (const v of ["22.18.1", "22.11.0", "20.20.2"]) {
      const old = nodeCheck(v);
      expect(old.status).toBe("fail");
      expect(old.detail).toContain("meshbench needs 22.19.0 or newer");
      expect(old.fix).toContain("nvm install 24");
    }
  });

  it("cluster: 401 is the credentials, 403 the rights, no answer the address", () => {
    expect(clusterCheck({ version: "v1.33.0" }).status).toBe("ok");
    expect(clusterCheck({ code: 401, message: "Unauthorized" }).detail).toContain(
      "refused the credentials",
    );
    expect(clusterCheck({ code: 403, message: "forbidden" }).detail).toContain("may not read");
    expect(clusterCheck({ code: null, message: "connect ECONNREFUSED" }).detail).toContain(
      "could not be reached",
    );
  });

  it("rights: the meshes' rights are needed only when a planned mesh installs something", () => {
    const crds = RIGHTS.find((r) => r.resource === "customresourcedefinitions")!;
    const answers = RIGHTS.map((right) => ({ right, allowed: right !== crds }));
    expect(rightsCheck(answers, false).status).toBe("ok");
    const denied = rightsCheck(answers, true);
    expect(denied.status).toBe("fail");
    expect(denied.detail).toBe(
      "not allowed: create customresourcedefinitions.apiextensions.k8s.io (the meshes' CRDs)",
    );
  });

  it("versions: both ends of the range are inside; minors compare as numbers (1.9 < 1.28)", () => {
    const mesh = { name: "m", version: "1", supports: { min: "1.9", max: "1.28" } };
    const status = (minor: string, allow = false) => versionChecks(minor, [mesh], allow)[0]!.status;
    expect(status("1.9")).toBe("ok");
    expect(status("1.28")).toBe("ok");
    expect(status("1.10")).toBe("ok");
    expect(status("1.8")).toBe("fail");
    expect(status("1.29")).toBe("fail");
    expect(status("1.29", true)).toBe("warn");
    expect(versionChecks("1.33", [{ ...mesh, supports: null }], false)[0]!.status).toBe("warn");
  });

  it("metrics: served, or installed by the provider, or fail", () => {
    expect(metricsCheck(true, false).status).toBe("ok");
    expect(metricsCheck(false, true).status).toBe("ok");
    expect(metricsCheck(false, false).status).toBe("fail");
  });

  it("nodes: two usable workers, and the apps fit whichever one the load generator takes", () => {
    const needs = { workloadCpu: 3, loadgenCpu: 0.5 };
    expect(nodesCheck([worker("a", 4), worker("b", 4)], needs).status).toBe("ok");
    // Exactly fitting is fitting.
    expect(nodesCheck([worker("a", 3), worker("b", 3)], needs).status).toBe("ok");
    // The load generator may take the 4-CPU node: 2 CPUs remain for 3 requested.
    const tight = nodesCheck([worker("a", 4), worker("b", 2)], needs);
    expect(tight.status).toBe("fail");
    expect(tight.fix).toContain("needs 2 workers like these");
    const one = nodesCheck(
      [worker("a", 4), { name: "cp", unsuitable: "control-plane node", cpu: 4 }],
      needs,
    );
    expect(one.status).toBe("fail");
    expect(one.detail).toBe("1 usable worker; not usable: cp (control-plane node)");
    expect(nodesCheck([worker("a", 4), worker("b", 4)], { ...needs, loadgenCpu: 8 }).status).toBe(
      "warn",
    );
  });

  it("registries: a first part with a dot, a port or localhost is a host, else Docker Hub", () => {
    expect(registryOf("node:24-slim")).toBe("docker.io");
    expect(registryOf("library/node:24")).toBe("docker.io");
    expect(registryOf("docker.l5d.io/buoyantio/emojivoto-web:v11")).toBe("docker.l5d.io");
    expect(registryOf("mirror:5000/node:24")).toBe("mirror:5000");
    expect(registryOf("localhost/node")).toBe("localhost");
  });

  it("the table: a failure shows its fix beneath; an ok row has none", () => {
    const checks = [nodeCheck("24.1.0"), metricsCheck(false, false)];
    expect(failed(checks)).toBe(true);
    const text = formatChecks(checks);
    expect(text).toMatch(/^ {2}ok {4}Node {5}Node 24\.1\.0/m);
    expect(text).toMatch(/^ {2}FAIL {2}metrics {2}metrics\.k8s\.io is not served/m);
    expect(text).toMatch(/^ {17}fix: install metrics-server/m);
  });
});
