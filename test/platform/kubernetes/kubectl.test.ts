// Is the fake API server faithful? The real kubectl, pointed at it, must do what it does
// against a cluster: server-side apply, label selectors, JSON output, logs (whole,
// timestamped, followed), `kubectl top` (metrics.k8s.io shapes), paging, and the error
// messages it builds from Status objects. Needs kubectl on the PATH (scripts/system-deps.ts).
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { labelled } from "../../../src/kube/apply.ts";
import { findExecutable } from "../../../src/tools/find-executable.ts";
import { emojivotoManifests } from "../../../src/workload/emojivoto/kubernetes.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../../helpers/fake-kube/index.ts";

const KUBECTL = findExecutable("kubectl");
if (!KUBECTL)
  throw new Error("kubectl not found on the PATH: see https://kubernetes.io/docs/tasks/tools/");
const RUN = "mb-kubectl-1";

let fake: FakeKube;
let cacheDir: string;

function kubectl(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL!,
      ["--kubeconfig", fake.kubeconfigPath, "--cache-dir", cacheDir, ...args],
      { encoding: "utf8", timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe("kubectl against the fake API server", () => {
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "meshbench-kubectl-"));
    fake = await startFakeKube({
      injections: [{ namespaceLabel: ["istio-injection", "enabled"], container: "istio-proxy" }],
      usage: (_pod, container) =>
        container === "istio-proxy"
          ? { cpu: "3000000n", memory: "40960Ki" }
          : { cpu: "1m", memory: "8Mi" },
      jobRun: () => ({ lines: ["first line", "second line"], durationMs: 200 }),
    });
  });
  afterAll(() => fake.close());

  it("applies our manifests server-side and lists pods by label as JSON", async () => {
    const yaml = emojivotoManifests({
      instances: 2,
      namespaceLabels: { "istio-injection": "enabled" },
    })
      .map((o) => stringify(labelled(o, RUN)))
      .join("---\n");
    // The fake serves no OpenAPI schemas, so kubectl's client-side validation is off.
    const applied = await kubectl(["apply", "--server-side", "--validate=false", "-f", "-"], yaml);
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("namespace/emojivoto-1 serverside-applied");
    expect(applied.stdout).toContain("deployment.apps/web serverside-applied");
    expect(applied.stdout.trim().split("\n")).toHaveLength(20); // 2 × (ns + 3 × (sa, deploy, svc))
    await new Promise((r) => setTimeout(r, 300)); // pods created and Ready
    const got = await kubectl([
      "get",
      "pods",
      "-n",
      "emojivoto-1",
      "-l",
      `app=web-svc,meshbench.io/run-id=${RUN}`,
      "-o",
      "json",
    ]);
    expect(got.code).toBe(0);
    const list = JSON.parse(got.stdout) as {
      items: {
        metadata: { name: string };
        spec: { containers: { name: string }[] };
        status: { phase: string };
      }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.metadata.name).toMatch(/^web-/);
    expect(list.items[0]!.spec.containers.map((c) => c.name)).toEqual(["web-svc", "istio-proxy"]);
    expect(list.items[0]!.status.phase).toBe("Running");
    const all = await kubectl([
      "get",
      "pods",
      "-A",
      "-l",
      "app in (emoji-svc,voting-svc)",
      "-o",
      "name",
    ]);
    expect(all.stdout.trim().split("\n")).toHaveLength(4);
    const deploy = JSON.parse(
      (
        await kubectl([
          "get",
          "deployment",
          "web",
          "-n",
          "emojivoto-2",
          "-o",
          "json",
          "--show-managed-fields",
        ])
      ).stdout,
    );
    expect(deploy.status.readyReplicas).toBe(1);
    expect(deploy.metadata.managedFields[0].manager).toBe("kubectl");
  });

  it("shows pod metrics with kubectl top", async () => {
    const top = await kubectl(["top", "pod", "-n", "emojivoto-1", "--containers"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/web-\S+\s+istio-proxy\s+3m\s+40Mi/);
    expect(top.stdout).toMatch(/web-\S+\s+web-svc\s+1m\s+8Mi/);
  });

  it("reads, timestamps and follows a pod's log", async () => {
    fake.store.create(resourceOf("namespaces"), undefined, { metadata: { name: "jobs" } });
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "hello", namespace: "jobs" },
      spec: {
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "hello", image: "node:24-slim" }] },
        },
      },
    };
    // `create -f` sends JSON (generators such as `create job` send protobuf, which the fake does not read).
    const created = await kubectl(["create", "--validate=false", "-f", "-"], JSON.stringify(job));
    expect(created.stdout).toContain("job.batch/hello created");
    let pod = "";
    for (let i = 0; i < 100 && !pod; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pod =
        fake.store.list(resourceOf("pods"), "jobs").find((p) => p.status?.phase === "Running")
          ?.metadata.name ?? "";
    }
    const followed = await kubectl(["logs", "-f", "-n", "jobs", pod]);
    expect(followed.stdout).toBe("first line\nsecond line\n");
    const stamped = await kubectl(["logs", "--timestamps", "-n", "jobs", pod]);
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z first line\n/);
    const bad = await kubectl(["logs", "-n", "jobs", pod, "-c", "nope"]);
    expect(bad.stderr).toContain(`container nope is not valid for pod ${pod}`);
  });

  it("prints the API server's errors the way it does for a real one", async () => {
    const missing = await kubectl(["get", "pod", "nope", "-n", "default"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const ns = (name: string) =>
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    await kubectl(["create", "--validate=false", "-f", "-"], ns("twice"));
    const again = await kubectl(["create", "--validate=false", "-f", "-"], ns("twice"));
    expect(again.stderr.trim()).toBe(
      'Error from server (AlreadyExists): error when creating "STDIN": namespaces "twice" already exists',
    );
    const invalid = await kubectl(["create", "--validate=false", "-f", "-"], ns("Not_Valid"));
    expect(invalid.stderr).toContain(
      'The Namespace "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid"',
    );
  });

  it("pages through a long list with continue tokens", async () => {
    fake.store.create(resourceOf("namespaces"), undefined, { metadata: { name: "many" } });
    for (let i = 0; i < 7; i++)
      fake.store.create(resourceOf("configmaps"), "many", { metadata: { name: `cm-${i}` } });
    const paged = await kubectl([
      "get",
      "configmaps",
      "-n",
      "many",
      "--chunk-size=2",
      "-o",
      "name",
    ]);
    expect(paged.stdout.trim().split("\n")).toEqual(
      Array.from({ length: 7 }, (_, i) => `configmap/cm-${i}`),
    );
    expect(
      fake.requests.filter(
        (r) => r.path === "/api/v1/namespaces/many/configmaps" && r.query.get("limit") === "2",
      ),
    ).toHaveLength(4);
  });

  it("deletes a namespace, which takes its pods with it", async () => {
    const deleted = await kubectl(["delete", "namespace", "emojivoto-2", "--wait=false"]);
    expect(deleted.stdout).toContain('namespace "emojivoto-2" deleted');
    await new Promise((r) => setTimeout(r, 200));
    const gone = await kubectl(["get", "namespace", "emojivoto-2"]);
    expect(gone.stderr.trim()).toBe(
      'Error from server (NotFound): namespaces "emojivoto-2" not found',
    );
    expect(fake.store.list(resourceOf("pods"), "emojivoto-2")).toEqual([]);
  });
});
