// The fake cluster's "kubelet" for load-generator pods: runs each pod's container command
// for real (node with the Job's args and the ConfigMap's dist/loadgen.js and urls.txt),
// against loopback servers standing in for the Emojivoto instances — one set per run id, so
// a test can compare what each run's load generator counted with what its servers received.
// Every child is killed at close() (a run interrupted mid-load leaves none behind).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_ID } from "../../src/kube/labels.ts";
import type { FakeKube, JobRun, KObject } from "./fake-kube/index.ts";
import { resourceOf } from "./fake-kube/index.ts";
import { httpServer, type TestServer } from "./servers.ts";

export class LoadgenPods {
  /** Run id → namespace (emojivoto-N) → its stand-in server; in the order runs began. */
  readonly servers = new Map<string, Map<string, Promise<TestServer>>>();
  readonly children = new Set<ChildProcess>();
  readonly dirs: string[] = [];
  /** Called as each pod starts (e.g. to restart an app container mid-run). */
  onStart?: (pod: KObject) => void;
  #fake: () => FakeKube;

  constructor(fake: () => FakeKube) {
    this.#fake = fake;
  }

  #server(runId: string, ns: string): Promise<TestServer> {
    let run = this.servers.get(runId);
    if (!run) {
      run = new Map();
      this.servers.set(runId, run);
    }
    let s = run.get(ns);
    if (!s) {
      s = httpServer();
      run.set(ns, s);
    }
    return s;
  }

  /** Requests the servers of the run-th run (0-based) received. */
  async arrivals(run: number): Promise<number> {
    const servers = [...this.servers.values()][run];
    if (!servers) return 0;
    let n = 0;
    for (const s of servers.values()) n += (await s).arrivals.length;
    return n;
  }

  /** A JobRun for the fake controller: the pod's real command, its output as the log. */
  run = async (pod: KObject): Promise<JobRun> => {
    const ns = pod.metadata.namespace!;
    const runId = pod.metadata.labels?.[RUN_ID] ?? "none";
    const cm = this.#fake().store.get(resourceOf("configmaps"), ns, "loadgen")!;
    const data = cm.data as Record<string, string>;
    const dir = await mkdtemp(join(tmpdir(), "meshbench-pod-"));
    this.dirs.push(dir);
    await writeFile(join(dir, "loadgen.js"), data["loadgen.js"]!);
    const lines = data["urls.txt"]!.split("\n");
    const urls: string[] = [];
    for (const line of lines) {
      const m = /^http:\/\/web-svc\.(emojivoto-\d+)\.svc\.cluster\.local(\/.*)$/.exec(line);
      urls.push(m ? `${(await this.#server(runId, m[1]!)).url}${m[2]}` : line);
    }
    await writeFile(join(dir, "urls.txt"), urls.join("\n"));
    const container = pod.spec.containers[0] as { command: string[]; args: string[] };
    const args = container.args.map((a) =>
      a === "/tmp/meshbench" ? join(dir, "out") : a.replace(/^\/loadgen\//, `${dir}/`),
    );
    this.onStart?.(pod);
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number>((resolve) =>
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 137 : 1))),
    );
    this.children.delete(child);
    return { lines: [...err.split("\n"), ...out.split("\n")], exitCode: code };
  };

  async close(): Promise<void> {
    for (const c of this.children) c.kill("SIGKILL");
    for (const run of this.servers.values()) for (const s of run.values()) await (await s).close();
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}
