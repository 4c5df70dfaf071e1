// The orchestrator against a scripted platform (an implementation of the Platform
// interface whose runs break on cue): which runs are failed and why, what run.json keeps,
// and that the matrix goes on or stops. The local platform end to end is in
// run-e2e.test.ts and execute-local.test.ts.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import type { MeshDefinition } from "../../src/mesh/schema.ts";
import type {
  Deployment,
  Platform,
  PlatformEvent,
  RunCollection,
  RunContext,
} from "../../src/platform/types.ts";
import type { LoadgenResult } from "../../src/results/loadgen-schema.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import { executePlan } from "../../src/run/execute.ts";
import { workloadFailure } from "../../src/run/workload-health.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { loadResult, uniformHistogram } from "../helpers/runs.ts";

const { scenario } = parseScenario(
  "t.yaml",
  "name: t\nplatform: local\nmeshes: [bare, haproxy-sidecar]\nrepetitions: 2\nworkload: { app: emojivoto, instances: 1 }\nload: { rate: 100, duration: 10s, warmup: 1s }\nresources: { interval: 1s }\n",
);
const plan = planRuns(scenario);
const meshes = new Map<string, MeshDefinition>([
  ["bare", await loadMeshDefinition("scenarios/meshes/bare.yaml")],
  ["haproxy-sidecar", await loadMeshDefinition("scenarios/meshes/haproxy-sidecar.yaml")],
]);
const root = await mkdtemp(join(tmpdir(), "meshbench-execute-"));
afterAll(() => rm(root, { recursive: true, force: true }));

type Script = {
  /** Events that happen while the load runs (t is filled in then). */
  duringLoad?: Omit<PlatformEvent, "t">[];
  /** Called inside deployWorkload (e.g. to abort as Ctrl-C would). */
  onDeploy?: () => void;
};

/** Every phase is recorded; each run's load "measures" for a few ms and delivers a result. */
class ScriptedPlatform implements Platform {
  readonly kind = "local" as const;
  readonly calls: string[] = [];
  #runs = 0;
  #events: PlatformEvent[] = [];
  #load: LoadgenResult | null = null;
  readonly scripts: Record<number, Script>;
  constructor(scripts: Record<number, Script>) {
    this.scripts = scripts;
  }
  async checkMesh() {
    return { ok: true } as const;
  }
  async prepare(_context: RunContext) {
    this.#runs++;
    this.#events = [];
    this.#load = null;
    this.calls.push(`prepare ${this.#runs}`);
  }
  async installMesh(mesh: MeshDefinition) {
    this.calls.push(`install ${mesh.name}`);
  }
  async deployWorkload(): Promise<Deployment> {
    this.calls.push("deploy");
    this.scripts[this.#runs]?.onDeploy?.();
    return { instances: [{ name: "emojivoto-1", baseUrl: "http://127.0.0.1:1/" }] };
  }
  async runLoad() {
    this.calls.push("load");
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    for (const e of this.scripts[this.#runs]?.duringLoad ?? [])
      this.#events.push({ ...e, t: Date.now() });
    await new Promise((r) => setTimeout(r, 5));
    this.#load = loadResult({
      histogram: uniformHistogram(1000, 2000),
      rate: 100,
      durationMs: 10_000,
      warmupMs: 1000,
      measuredFromMs: from,
    });
  }
  async collect(): Promise<RunCollection> {
    return {
      loadgen: this.#load,
      loadgenPath: "",
      hlogPath: "",
      samples: [],
      events: [...this.#events],
    };
  }
  async cleanup() {
    this.calls.push("cleanup");
  }
}

function execute(platform: Platform, name: string, signal?: AbortSignal) {
  return executePlan({
    scenario,
    plan,
    meshes,
    platform,
    platformInfo: { kind: "local", nodes: { count: 1, types: ["test"] } },
    resultsRoot: join(root, name),
    ...(signal ? { signal } : {}),
  });
}

async function runJson(name: string, dir: string) {
  return runSchema.parse(
    JSON.parse(await readFile(join(root, name, "t", dir, "run.json"), "utf8")),
  );
}

describe("a workload that breaks during the load", () => {
  it("fails that run with the process named, keeps what it measured, and the matrix goes on", async () => {
    const platform = new ScriptedPlatform({
      2: {
        duringLoad: [
          {
            name: "web-1",
            class: "application",
            kind: "exited",
            message: "web-1 (pid 42) exited with code 1: boom",
          },
        ],
      },
    });
    const outcomes = await execute(platform, "crash");
    expect(outcomes.map((o) => [o.run.case, o.run.repetition, o.state])).toEqual([
      ["bare", 1, "ok"],
      ["haproxy-sidecar", 1, "failed"],
      ["bare", 2, "ok"],
      ["haproxy-sidecar", 2, "ok"],
    ]);
    expect(outcomes[1]).toMatchObject({
      phase: "load",
      reason: "web-1 exited during the load: web-1 (pid 42) exited with code 1: boom",
    });
    const failed = await runJson("crash", "haproxy-sidecar/r1");
    expect(failed.status).toEqual({
      state: "failed",
      phase: "load",
      reason: "web-1 exited during the load: web-1 (pid 42) exited with code 1: boom",
    });
    // What it measured is kept for the record.
    expect(failed.load?.achieved.requests).toBe(1001);
    expect(failed.events).toMatchObject([{ kind: "other", container: "web-1" }]);
    expect((await runJson("crash", "bare/r2")).status).toEqual({ state: "ok" });
    // Every run was cleaned up.
    expect(platform.calls.filter((c) => c === "cleanup")).toHaveLength(4);
  });

  it("fails a run whose workload vanished; a restart is an event beside the numbers", async () => {
    const platform = new ScriptedPlatform({
      1: {
        duringLoad: [
          {
            name: "t-bare/web-1-abc/web",
            class: "application",
            kind: "vanished",
            message: "pod disappeared mid-run",
          },
        ],
      },
      2: {
        duringLoad: [
          {
            name: "t/emoji-1/linkerd-proxy",
            class: "data-plane",
            kind: "restarted",
            message: "restarted 1 time(s)",
          },
          {
            name: "t/voting-1/linkerd-proxy",
            class: "data-plane",
            kind: "restarted",
            message: "restarted 1 time(s)",
          },
        ],
      },
    });
    const outcomes = await execute(platform, "k8s-events");
    expect(outcomes.map((o) => o.reason ?? "ok")).toEqual([
      "t-bare/web-1-abc/web vanished during the load: pod disappeared mid-run",
      "ok",
      "ok",
      "ok",
    ]);
    // The restarts are kept beside the run's numbers.
    const restarted = runSchema.parse(
      JSON.parse(await readFile(join(outcomes[1]!.dir, "run.json"), "utf8")),
    );
    expect(restarted.events.map((e) => e.container)).toEqual([
      "t/emoji-1/linkerd-proxy",
      "t/voting-1/linkerd-proxy",
    ]);
  });

  it("does not fail a run for the control plane's or the load generator's events", async () => {
    const platform = new ScriptedPlatform({
      1: {
        duringLoad: [
          { name: "istiod", class: "control-plane", kind: "restarted", message: "restarted" },
          { name: "loadgen", class: "load-generator", kind: "vanished", message: "gone" },
        ],
      },
    });
    const outcomes = await execute(platform, "other-events");
    expect(outcomes.map((o) => o.state)).toEqual(["ok", "ok", "ok", "ok"]);
    expect((await runJson("other-events", "bare/r1")).events).toHaveLength(2);
  });
});

describe("workloadFailure", () => {
  const load = { startedAtMs: 1000, endedAtMs: 2000 };
  const event = (t: number, kind: PlatformEvent["kind"] = "exited"): PlatformEvent => ({
    t,
    name: "voting-2",
    class: "application",
    kind,
    message: "voting-2 (pid 7) was killed by SIGKILL",
  });

  it("says whether the process broke before or during the load", () => {
    expect(workloadFailure([event(1500)], load)).toBe(
      "voting-2 exited during the load: voting-2 (pid 7) was killed by SIGKILL",
    );
    expect(workloadFailure([event(999, "vanished")], load)).toBe(
      "voting-2 vanished before the load: voting-2 (pid 7) was killed by SIGKILL",
    );
  });

  it("ignores what happened after the load ended (the measurement was complete)", () => {
    expect(workloadFailure([event(2001)], load)).toBeNull();
    expect(workloadFailure([], load)).toBeNull();
  });
});

describe("an abort between phases", () => {
  it("starts no load after the workload was deployed, cleans up, and stops the matrix", async () => {
    const stop = new AbortController();
    const platform = new ScriptedPlatform({ 1: { onDeploy: () => stop.abort() } });
    const outcomes = await execute(platform, "abort", stop.signal);
    expect(platform.calls).toEqual(["prepare 1", "install bare", "deploy", "cleanup"]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      state: "failed",
      phase: "load",
      reason: "interrupted before the load phase",
      load: null,
    });
    expect((await runJson("abort", "bare/r1")).status).toMatchObject({ state: "failed" });
  });
});
