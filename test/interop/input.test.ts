// What every export reads: a mesh whose runs all failed has no figure, so it is left out.
import { describe, expect, it } from "vitest";
import { exportInput } from "../../src/interop/input.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

describe("exportInput", () => {
  it("keeps the completed runs and leaves out a mesh with none", () => {
    const ok = runResult({
      mesh: { name: "bare" },
      repetition: 1,
      load: loadResult({ histogram: uniformHistogram(100, 200) }),
    });
    const failed = runResult({
      mesh: { name: "istio" },
      repetition: 1,
      load: null,
      status: { state: "failed", reason: "install timed out", phase: "install" },
    });
    const [scenario] = exportInput([
      { path: "bare/r1/run.json", run: ok },
      { path: "istio/r1/run.json", run: failed },
    ]);
    expect(scenario!.meshes.map((m) => m.summary.label)).toEqual(["bare"]);
    expect(scenario!.meshes[0]!.runs).toEqual([ok]);
    expect(scenario!.meshes[0]!.histogram.totalCount).toBe(101);
  });
});
