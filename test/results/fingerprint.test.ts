import { describe, expect, it } from "vitest";
import { fingerprint, fingerprintDifferences } from "../../src/results/fingerprint.ts";
import type { RunResult, RunSpec } from "../../src/results/run-schema.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { constantResources, loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

/** A run of istio on a three-node cluster, its spec changed as given. */
function base(spec: Partial<RunSpec> = {}): RunResult {
  const run = runResult({
    mesh: { name: "istio" },
    repetition: 1,
    load: loadResult({ histogram: uniformHistogram(1, 10) }),
    platform: {
      kind: "kubernetes",
      nodes: { count: 3, types: ["m5.large", "c5.xlarge", "m5.large"] },
    },
  });
  run.spec = { ...run.spec, ...spec };
  return run;
}

describe("fingerprint", () => {
  it("ignores the mesh, its version and the order nodes are listed in", () => {
    const a = base();
    const b = { ...base(), mesh: { name: "linkerd", version: "2.16" } };
    b.platform = {
      ...b.platform,
      nodes: { count: 3, types: ["m5.large", "m5.large", "c5.xlarge"] },
    };
    expect(fingerprintDifferences(fingerprint(a), fingerprint(b))).toEqual([]);
  });

  it("lists every difference", () => {
    const a = base();
    const b = base({ rate: 2000, loadgenPods: 4, workload: { name: "emojivoto", instances: 10 } });
    b.platform = { kind: "local", nodes: { count: 1, types: ["m5.large"] } };
    expect(fingerprintDifferences(fingerprint(a), fingerprint(b))).toEqual([
      "workload instances: 2 ≠ 10",
      "rate (rps): 1000 ≠ 2000",
      "load-generator pods: 1 ≠ 4",
      "platform: kubernetes ≠ local",
      "node types: c5.xlarge, m5.large, m5.large ≠ m5.large",
    ]);
  });

  describe("what else shapes the figures (issue 21.4)", () => {
    const spec = {
      warmupMs: 2000,
      paths: ["/api/list"],
      timeoutMs: 5000,
      pacing: "efficient",
      resourceIntervalMs: 1000,
    };
    const runs = (mesh: string, change: (r: RunResult) => void) =>
      summarize(
        [1, 2].map((repetition) => {
          const run = runResult({
            mesh: { name: mesh },
            repetition,
            load: loadResult({ histogram: uniformHistogram(1000, 2000) }),
            resources: constantResources([
              { id: "app", class: "application", cpuCores: 0.5, memoryBytes: 100 },
            ]),
          });
          run.spec = { ...run.spec, ...spec };
          change(run);
          return { path: `${mesh}/r${repetition}/run.json`, run };
        }),
      );

    it.each([
      ["resource sampling interval (ms): 1000 ≠ 5000", { resourceIntervalMs: 5000 }],
      ["warm-up (ms): 2000 ≠ 0", { warmupMs: 0 }],
      [
        "request paths: /api/list ≠ /api/vote?choice=:flushed:",
        { paths: ["/api/vote?choice=:flushed:"] },
      ],
      ["timeout (ms): 5000 ≠ 1000", { timeoutMs: 1000 }],
      ["pacing: efficient ≠ precise", { pacing: "precise" }],
    ])("refuses a comparison naming %s, unless forced", (difference, changed) => {
      const baseline = runs("istio", () => {});
      const candidate = runs("istio", (r) => Object.assign(r.spec, changed));
      const refused = compareResults(baseline, candidate, { gate: DEFAULT_GATE });
      expect(refused.meshes).toEqual([]);
      expect(refused.refused).toEqual([
        expect.objectContaining({ label: "istio", differences: [difference] }),
      ]);
      const forced = compareResults(baseline, candidate, { gate: DEFAULT_GATE, force: true });
      expect(forced.refused).toEqual([]);
      expect(forced.meshes[0]!.forcedDifferences).toEqual([difference]);
    });

    it("reads them from the load's own record in files written before spec had them", () => {
      const old = base();
      const recorded = base({
        warmupMs: 6000,
        paths: ["/api/list"],
        timeoutMs: 5000,
        pacing: "efficient",
      });
      // Same settings (loadResult: 6 s warm-up, /api/list, 5 s timeout, efficient pacing);
      // neither sampled resources.
      expect(fingerprintDifferences(fingerprint(old), fingerprint(recorded))).toEqual([]);
      expect(fingerprint(old).resourceIntervalMs).toBe("(not recorded)");
    });
  });
});
