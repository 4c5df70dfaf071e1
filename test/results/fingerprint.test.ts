import { describe, expect, it } from "vitest";
import { fingerprint, fingerprintDifferences } from "../../src/results/fingerprint.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

const base = () =>
  runResult({
    mesh: { name: "istio" },
    repetition: 1,
    load: loadResult({ histogram: uniformHistogram(1, 10) }),
    platform: {
      kind: "kubernetes",
      nodes: { count: 3, types: ["m5.large", "c5.xlarge", "m5.large"] },
    },
  });

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
    const b = base();
    b.spec = {
      ...b.spec,
      rate: 2000,
      loadgenPods: 4,
      workload: { name: "emojivoto", instances: 10 },
    };
    b.platform = { kind: "local", nodes: { count: 1, types: ["m5.large"] } };
    expect(fingerprintDifferences(fingerprint(a), fingerprint(b))).toEqual([
      "workload instances: 2 ≠ 10",
      "rate (rps): 1000 ≠ 2000",
      "load-generator pods: 1 ≠ 4",
      "platform: kubernetes ≠ local",
      "node types: c5.xlarge, m5.large, m5.large ≠ m5.large",
    ]);
  });
});
