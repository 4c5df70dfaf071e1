// The cost in money against an analytic case on the real local platform: two sidecar
// "meshes" built from one small proxy (test/fixtures/local/spin-sidecar.cjs), one burning
// SPIN_US of its own CPU time per request in front of web, one burning nothing, run in the
// same matrix as bare. What the burn adds is known exactly: SPIN_US per request, so
// SPIN_US × 1,000 µs of CPU a second per 1,000 rps, SPIN_US / 1,000 vCPU per 1,000 rps,
// whatever the rate achieved. The reported difference between the two meshes must be that,
// and the dollars per million requests that figure priced.
//
// Tolerance, from what this test can measure: /proc counts CPU in clock ticks (10 ms), so
// each of a mesh's three sidecars is off by at most 2 ticks over the measured window
// (MEASURED_S): 3 × 0.02 / MEASURED_S cores per mesh, 0.02 cores at most, 0.5 vCPU per
// 1,000 rps at 40 rps, in each of the two meshes. And the proxies' own cost per request
// (about 1.4 ms of CPU for the three Node proxies on a busy 2-core machine: spin-0's
// figure) is not the same in two runs; we allow it to differ by up to 0.2 ms per request.
// Together: 1.2 of the 4 vCPU per 1,000 rps, so the difference must be within 30 %.
// Measured three times on this machine at load 16–19: 4.12, 4.22, 3.78 (analytic 4).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMeshDefinition } from "../../src/mesh/load.ts";
import { LocalPlatform } from "../../src/platform/local/platform.ts";
import { readResults } from "../../src/results/results-dir.ts";
import { executePlan } from "../../src/run/execute.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { scenarioCosts } from "../../src/stats/cost.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { waitGone } from "../helpers/platform.ts";

const SPIN_US = 4000;
const RATE = 40;
const MEASURED_S = 6;
const SIDECAR = resolve("test/fixtures/local/spin-sidecar.cjs");

const root = await mkdtemp(join(tmpdir(), "meshbench-cost-local-"));
afterAll(() => rm(root, { recursive: true, force: true }));

async function spinMesh(name: string, spinUs: number) {
  const lines = (mode: string) =>
    `listen={listenPort}\n          app={appPort}\n          spinUs=${mode === "http" ? spinUs : 0}\n          mode=${mode}\n`;
  const file = join(root, `${name}.yaml`);
  await writeFile(
    file,
    [
      `name: ${name}`,
      "local:",
      "  sidecar:",
      `    command: [${process.execPath}, ${SIDECAR}, "{config}"]`,
      "    config:",
      `      http: |\n          ${lines("http")}`,
      `      grpc: |\n          ${lines("tcp")}`,
    ].join("\n"),
  );
  return loadMeshDefinition(file);
}

describe("the cost of a sidecar that burns a known CPU time per request (local platform)", () => {
  it("reports the burn's vCPU per 1,000 rps and its dollars per million requests", async () => {
    const { scenario } = parseScenario(
      "cost.yaml",
      [
        "name: cost",
        "platform: local",
        "meshes: [bare, spin-0, spin-4ms]",
        "repetitions: 1",
        "workload: { app: emojivoto, instances: 1 }",
        `load: { rate: ${RATE}, duration: ${MEASURED_S + 1}s, warmup: 1s, connections: 2, paths: ["/api/list"] }`,
        "resources: { interval: 500ms }",
      ].join("\n"),
    );
    const platform = new LocalPlatform({ readyTimeoutMs: 20_000 });
    const pids = new Set<number>();
    const outcomes = await executePlan({
      scenario,
      plan: planRuns(scenario),
      meshes: new Map([
        ["bare", await loadMeshDefinition("scenarios/meshes/bare.yaml")],
        ["spin-0", await spinMesh("spin-0", 0)],
        ["spin-4ms", await spinMesh("spin-4ms", SPIN_US)],
      ]),
      platform,
      platformInfo: { kind: "local", nodes: { count: 1, types: ["test"] } },
      resultsRoot: root,
      progress: () => {
        for (const p of platform.processes()) pids.add(p.pid);
      },
    });
    expect(outcomes.map((o) => o.state)).toEqual(["ok", "ok", "ok"]);

    const { runs } = await readResults([root], { dropSamples: true });
    const [summary] = summarize(runs);
    const prices = { vcpuHour: 0.031611, gibHour: 0, source: "CPU only" };
    const costs = scenarioCosts(summary!, { prices });
    const of = (label: string) => costs.find((c) => c.label === label)!;
    const spin = of("spin-4ms");
    const idle = of("spin-0");
    // Analytic: 4 ms of CPU per request is 4 vCPU per 1,000 rps, $0.031611 × 4 / 3.6 per
    // million requests.
    const vcpu = SPIN_US / 1000;
    const added = spin.dataPlane.vcpuPer1kRps! - idle.dataPlane.vcpuPer1kRps!;
    console.info(
      `cost-local: spin ${spin.dataPlane.vcpuPer1kRps!.toFixed(3)}, idle ${idle.dataPlane.vcpuPer1kRps!.toFixed(3)}, added ${added.toFixed(3)} vCPU per 1,000 rps (analytic ${vcpu}); at ${spin.atRps.toFixed(1)} / ${idle.atRps.toFixed(1)} rps`,
    );
    expect(added).toBeGreaterThan(vcpu * 0.7);
    expect(added).toBeLessThan(vcpu * 1.3);
    const usd = spin.usdPerMillion - idle.usdPerMillion;
    expect(usd).toBeGreaterThan(((vcpu * 0.031611) / 3.6) * 0.7);
    expect(usd).toBeLessThan(((vcpu * 0.031611) / 3.6) * 1.3);
    // The mesh's own figure holds the burn and the proxies' own cost on top.
    expect(spin.dataPlane.vcpuPer1kRps!).toBeGreaterThan(vcpu * 0.9);
    expect(await waitGone([...pids])).toEqual([]);
  }, 120_000);
});
