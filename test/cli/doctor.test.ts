// `meshbench doctor` against the fake API server: a cluster that can run the scenario
// passes, and each thing that would break a real run (no metrics-server, a Kubernetes
// newer than the mesh supports, one worker, no right to create CRDs, credentials refused)
// prints its failing check with the fix, exits 2, and leaves the cluster as it was.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeKube,
  type FakeKubeOptions,
  KIND_NODES,
  preexisting,
  startFakeKube,
} from "../helpers/fake-kube/index.ts";
import { passEnv } from "../helpers/process.ts";
import { kubeScenarioYaml } from "../helpers/scenario-yaml.ts";

const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const BIN = resolve("test/fixtures/bin");

let fake: FakeKube | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function meshbench(args: string[], dir: string) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH}`,
      ...passEnv({ FAKE_LINKERD_LOG: join(dir, "linkerd.log") }),
      XDG_CACHE_HOME: join(dir, "cache"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on("exit", (code) => done({ code, stdout, stderr })),
  );
}

const doctor = (args: string[], dir: string) => meshbench(["doctor", ...args], dir);

/**
 * A scenario on the fake with bare and linkerd, linkerd's definition stating 1.21–1.28;
 * `cluster` adds to its cluster section.
 */
async function scenario(f: FakeKube, cluster: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "meshbench-doctor-"));
  await mkdir(join(dir, "meshes"));
  // Whatever the shipped definition's default is, this one states 1.21–1.28.
  const linkerd = (await readFile("scenarios/meshes/linkerd.yaml", "utf8")).replace(
    /kubernetes: \{ min: "[\d.]+", max: "[\d.]+" \}/,
    'kubernetes: { min: "1.21", max: "1.28" }',
  );
  expect(linkerd).toContain('kubernetes: { min: "1.21", max: "1.28" }');
  await writeFile(join(dir, "meshes", "linkerd.yaml"), linkerd);
  const file = join(dir, "doctor.yaml");
  await writeFile(
    file,
    kubeScenarioYaml("doctor", {
      cluster: { provider: "kubeconfig", kubeconfig: f.kubeconfigPath, ...cluster },
      meshes: ["bare", "linkerd"],
      workload: { instances: 2 },
    }),
  );
  return { dir, file };
}

/**
 * On a fake cluster started with `options`, doctor fails (exit 2) and changes nothing; the
 * row of the check that failed, and all it printed.
 */
async function failedCheck(check: string, options: FakeKubeOptions) {
  fake = await startFakeKube(options);
  const { code, stdout } = await checkUnchanged(fake);
  expect(code).toBe(2);
  return { r: row(stdout, "FAIL", check), stdout };
}

/** Runs doctor; the cluster's objects must be exactly as before. */
async function checkUnchanged(f: FakeKube, cluster: Record<string, unknown> = {}) {
  const { dir, file } = await scenario(f, cluster);
  const before = f.snapshot();
  const out = await doctor([file], dir);
  expect(f.snapshot()).toEqual(before);
  return out;
}

/** The row of a check and the line beneath it (its fix, when there is one). */
function row(stdout: string, status: string, name: string): string {
  const lines = stdout.split("\n");
  const i = lines.findIndex((l) => new RegExp(`^  ${status}\\s+${name}\\s`).test(l));
  expect(i, `no ${status} ${name} row in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  return `${lines[i]}\n${lines[i + 1] ?? ""}`;
}

describe("meshbench doctor", () => {
  it("passes a cluster that can run the scenario (Kubernetes in the mesh's range), changing nothing", async () => {
    fake = await startFakeKube({ version: "1.28" });
    const { code, stdout } = await checkUnchanged(fake);
    expect(code, stdout).toBe(0);
    for (const name of [
      "Node",
      "linkerd",
      "cluster",
      "rights",
      "pod security",
      "metrics",
      "nodes",
      "cluster objects",
      "images",
    ])
      expect(row(stdout, "ok ", name)).toBeTruthy();
    expect(row(stdout, "ok ", "linkerd on 1.28")).toContain("supports Kubernetes 1.21–1.28");
    expect(row(stdout, "ok ", "images")).toContain("docker.l5d.io/buoyantio/emojivoto-web");
    // Nothing was written: the rights were asked, Pod Security tried by dry runs only.
    expect(fake.requests.filter((r) => !["GET", "POST"].includes(r.method))).toEqual([]);
    const writes = fake.requests.filter(
      (r) =>
        r.method === "POST" &&
        r.path !== "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" &&
        r.query.get("dryRun") !== "All",
    );
    expect(writes).toEqual([]);
  });

  const small = { cpu: "500m", memory: "2Gi" };
  it.each<{ what: string; check: string; cluster: FakeKubeOptions; says: string[] }>([
    {
      what: "fails without metrics.k8s.io and says how to install metrics-server",
      check: "metrics",
      cluster: { version: "1.28", metricsServer: false },
      says: ["metrics.k8s.io is not served", "fix: install metrics-server: kubectl apply -f"],
    },
    {
      what: "fails with one worker and says how many the scenario needs",
      check: "nodes",
      cluster: { version: "1.28", nodes: KIND_NODES.slice(0, 2) },
      says: [
        "1 usable worker; not usable: meshbench-control-plane (control-plane node)",
        "fix: the scenario needs 2 workers",
      ],
    },
    {
      // 2 instances × 3 services × 100m = 0.6 CPU; one 0.5-CPU worker remains for the apps.
      what: "fails when the workload's requests do not fit the workers left beside the load generator's",
      check: "nodes",
      cluster: {
        version: "1.28",
        nodes: [
          { name: "w1", allocatable: small },
          { name: "w2", allocatable: small },
        ],
      },
      says: [
        "the apps request 0.6 CPU, the workers besides the load generator's offer 0.5 CPU",
        "needs 3 workers",
      ],
    },
    {
      what: "fails without the right to create CRDs, naming the right and why the plan needs it",
      check: "rights",
      cluster: {
        version: "1.28",
        denied: [
          { verb: "create", resource: "customresourcedefinitions", group: "apiextensions.k8s.io" },
        ],
      },
      says: [
        "not allowed: create customresourcedefinitions.apiextensions.k8s.io (the meshes' CRDs)",
        "fix: ask the cluster's admin for these rights",
      ],
    },
  ])("$what", async ({ check, cluster, says }) => {
    const { r } = await failedCheck(check, cluster);
    for (const text of says) expect(r).toContain(text);
  });

  it("fails on a Kubernetes newer than the mesh supports, and only warns with cluster.allowUnsupported", async () => {
    fake = await startFakeKube({ version: "1.33" });
    const failing = await checkUnchanged(fake);
    expect(failing.code).toBe(2);
    const r = row(failing.stdout, "FAIL", "linkerd on 1.33");
    expect(r).toContain("edge-26.8.3 supports Kubernetes 1.21–1.28; this cluster runs 1.33");
    expect(r).toContain("fix: use a mesh version that supports 1.33");
    const allowed = await checkUnchanged(fake, {
      allowUnsupported: true,
      images: { registry: "mirror.example.com/hub" },
    });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(row(allowed.stdout, "WARN", "linkerd on 1.33")).toContain("allowUnsupported");
    // The images listed are the ones the run pulls: through the mirror.
    expect(row(allowed.stdout, "ok ", "images")).toContain(
      "pulled from mirror.example.com: mirror.example.com/hub/buoyantio/emojivoto-web:v11",
    );
    expect(row(allowed.stdout, "ok ", "images")).toContain(
      "mirror.example.com/hub/library/node:24-slim",
    );
  });

  it("on a cluster enforcing restricted: ok when it accepts meshbench's label, FAIL with the reason when a policy forbids it", async () => {
    fake = await startFakeKube({ version: "1.28", podSecurity: "restricted" });
    const accepted = await checkUnchanged(fake);
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(row(accepted.stdout, "ok ", "pod security")).toContain(
      "unlabelled namespaces enforce restricted (a meshed pod in default is refused); meshbench labels its namespaces pod-security.kubernetes.io/enforce=privileged, and the cluster accepts that",
    );
    await fake.close();
    const { r } = await failedCheck("pod security", {
      version: "1.28",
      podSecurity: "restricted",
      podSecurityLocked: true,
    });
    expect(r).toContain(
      "the cluster refuses a namespace labelled pod-security.kubernetes.io/enforce=privileged, which the planned meshes need: admission webhook",
    );
    expect(r).toContain("fix: have the cluster's admin exempt meshbench's namespaces");
  });

  it("fails when the credentials are refused, with nothing else asked", async () => {
    const { r, stdout } = await failedCheck("cluster", { rejectCredentials: true });
    expect(r).toContain("refused the credentials");
    expect(r).toContain("fix: renew the kubeconfig's credentials");
    expect(stdout).not.toMatch(/^\s+\S+\s+rights/m);
  });

  it("meshbench run stops at a failing preflight with exit 2, the table, and nothing created", async () => {
    fake = await startFakeKube({ version: "1.28", metricsServer: false });
    const { dir, file } = await scenario(fake);
    const before = fake.snapshot();
    const out = join(dir, "results");
    const { code, stderr } = await meshbench(["run", file, "--out", out], dir);
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/^ {2}FAIL {2}metrics\s+metrics\.k8s\.io is not served/m);
    expect(stderr).toContain("the preflight failed (metrics); nothing was created on the cluster");
    expect(fake.snapshot()).toEqual(before);
    // linkerd's CLI was asked its version (the tools check) and nothing else.
    const calls = (await readFile(join(dir, "linkerd.log"), "utf8")).trim().split("\n");
    expect(calls.map((c) => c.replace(/ KUBECONFIG=.*/, ""))).toEqual(["version --client --short"]);
  });

  it("lists cluster-scoped objects already there: meshbench's leftovers by run, a mesh's by name, never others", async () => {
    fake = await startFakeKube({ version: "1.28" });
    const crashed = {
      "app.kubernetes.io/managed-by": "meshbench",
      "meshbench.io/run-id": "mb-crashed-1",
    };
    const add = (plural: string, group: string, name: string, labels?: Record<string, string>) =>
      preexisting(fake!, plural, group, name, labels);
    // Another product's Gateway API CRD and an old linkerd install's role: not meshbench's.
    add(
      "customresourcedefinitions",
      "apiextensions.k8s.io",
      "httproutes.gateway.networking.k8s.io",
    );
    add("clusterroles", "rbac.authorization.k8s.io", "linkerd-heartbeat");
    // The cluster's own: nothing to do with the plan, not listed.
    add("clusterroles", "rbac.authorization.k8s.io", "system:monitoring");
    // A crashed run's cluster role binding.
    add("clusterrolebindings", "rbac.authorization.k8s.io", "linkerd-destination", crashed);
    const warned = await checkUnchanged(fake);
    expect(warned.code, warned.stdout).toBe(0);
    const r = row(warned.stdout, "WARN", "cluster objects");
    expect(r).toContain(
      "1 left by meshbench run(s) mb-crashed-1: ClusterRoleBinding linkerd-destination",
    );
    expect(r).toMatch(
      /2 not meshbench's \(there before; never changed, adopted or deleted.*\): CustomResourceDefinition httproutes\.gateway\.networking\.k8s\.io, ClusterRole linkerd-heartbeat/,
    );
    expect(r).not.toContain("system:monitoring");
    expect(r).toContain("fix: meshbench cleanup --run-id mb-crashed-1 removes meshbench's");

    // A webhook left by a crashed run (its service gone) would refuse the run's pods: FAIL.
    add(
      "validatingwebhookconfigurations",
      "admissionregistration.k8s.io",
      "linkerd-sp-validator-webhook-config",
      crashed,
    );
    const failing = await checkUnchanged(fake);
    expect(failing.code).toBe(2);
    expect(row(failing.stdout, "FAIL", "cluster objects")).toContain(
      "ValidatingWebhookConfiguration linkerd-sp-validator-webhook-config",
    );
  });

  it("refuses a local scenario", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-doctor-"));
    const { code, stderr } = await doctor(["scenarios/local-quick.yaml"], dir);
    expect(code).toBe(2);
    expect(stderr).toContain("doctor checks scenarios with platform: kubernetes");
  });
});
