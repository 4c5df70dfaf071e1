// The orchestrator on the real local platform when the workload crashes mid-load: web-1 is
// killed while the load is being measured. That run is failed, naming web-1, with what the
// load generator measured kept; the next run goes ahead; nothing is left running.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import { LocalPlatform } from "../../src/platform/local/platform.ts";
import { runSchema } from "../../src/results/run-schema.ts";
import { executePlan } from "../../src/run/execute.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { waitGone } from "../helpers/platform.ts";

const root = await mkdtemp(join(tmpdir(), "meshbench-execute-local-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("a workload process that dies during the load (local platform)", () => {
  it("fails that run naming it, keeps the load's results, and the matrix goes on", async () => {
    const { scenario } = parseScenario(
      "crash.yaml",
      [
        "name: crash",
        "platform: local",
        "meshes: [bare]",
        "repetitions: 2",
        "workload: { app: emojivoto, instances: 1 }",
        'load: { rate: 50, duration: 4s, warmup: 1s, connections: 2, paths: ["/api/list"] }',
        "resources: { interval: 500ms }",
      ].join("\n"),
    );
    const platform = new LocalPlatform({ readyTimeoutMs: 20_000 });
    const pids = new Set<number>();
    let killed = false;
    const outcomes = await executePlan({
      scenario,
      plan: planRuns(scenario),
      meshes: new Map([["bare", await loadMeshDefinition("scenarios/meshes/bare.yaml")]]),
      platform,
      platformInfo: { kind: "local", nodes: { count: 1, types: ["test"] } },
      resultsRoot: root,
      progress: (line) => {
        for (const p of platform.processes()) pids.add(p.pid);
        // In the first run, once a second of the load has been measured: kill web-1.
        if (killed || !/\b[12]s\/4s measure/.test(line)) return;
        killed = true;
        const web = platform.processes().find((p) => p.name === "web-1")!;
        process.kill(web.pid, "SIGKILL");
      },
    });

    expect(killed).toBe(true);
    expect(outcomes.map((o) => o.state)).toEqual(["failed", "ok"]);
    expect(outcomes[0]!.phase).toBe("load");
    expect(outcomes[0]!.reason).toMatch(
      /^web-1 exited during the load: web-1 \(pid \d+\) was killed by SIGKILL/,
    );
    const run = runSchema.parse(
      JSON.parse(await readFile(join(root, "crash", "bare", "r1", "run.json"), "utf8")),
    );
    expect(run.status).toMatchObject({ state: "failed", phase: "load" });
    // What was measured stays: the load ran to its end, its requests to web-1 failing after.
    expect(run.load!.achieved.measuredMs).toBeGreaterThan(2500);
    const a = run.load!.achieved;
    expect(a.errors.connect + a.errors.reset + a.status["5xx"]).toBeGreaterThan(0);
    expect(run.resources!.containers.map((c) => c.id)).toContain("web-1");
    expect(run.events).toMatchObject([{ kind: "other", container: "web-1" }]);
    const second = runSchema.parse(
      JSON.parse(await readFile(join(root, "crash", "bare", "r2", "run.json"), "utf8")),
    );
    expect(second.status).toEqual({ state: "ok" });
    expect(pids.size).toBeGreaterThanOrEqual(8); // 2 runs × (web, emoji, voting, loadgen)
    expect(await waitGone([...pids])).toEqual([]);
  }, 90_000);
});
