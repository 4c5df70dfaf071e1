// `meshbench export --format smp` against figures known beforehand (known-runs.ts): per run
// a PerformanceTestResult, its ServiceMeshConfig and EnvironmentConfig, in the units and
// field names of SMP's protos.
import { beforeAll, describe, expect, it } from "vitest";
import type { SmpRun } from "../../src/interop/smp.ts";
import { runMeshbench as meshbench } from "../helpers/process.ts";
import { T0 } from "../helpers/runs.ts";
import {
  CONTROL_BYTES,
  CONTROL_CORES,
  knownResultsDir,
  LINKERD_LO,
  MEASURED_S,
  PROXY_BYTES,
  PROXY_CORES,
  percentileOf,
  RESPONSES,
  SPAN_US,
} from "./known-runs.ts";

let runs: SmpRun[];
beforeAll(async () => {
  const outcome = await meshbench(["export", await knownResultsDir(), "--format", "smp"]);
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  runs = JSON.parse(outcome.stdout);
});

const near = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 1e-3);

describe("export --format smp", () => {
  it("has each run's latency in ms, its rate and its measured period", () => {
    expect(runs.map((r) => r.performance_test_result.id)).toEqual([
      "smoke/bare/r1/result",
      "smoke/bare/r2/result",
      "smoke/bare/r3/result",
      "smoke/linkerd 2.16.0/r1/result",
      "smoke/linkerd 2.16.0/r2/result",
      "smoke/linkerd 2.16.0/r3/result",
    ]);
    for (const [r, lo] of LINKERD_LO.entries()) {
      const result = runs[3 + r]!.performance_test_result as {
        latencies_ms: Record<string, number>;
        actual_QPS: number;
        start_time: string;
        end_time: string;
        meshConfigId: string;
        envId: string;
      };
      const ms = (q: number) => percentileOf(lo, q) / 1000;
      near(result.latencies_ms.min!, ms(0));
      near(result.latencies_ms.average!, (lo + SPAN_US / 2) / 1000);
      near(result.latencies_ms.p50!, ms(0.5));
      near(result.latencies_ms.p90!, ms(0.9));
      near(result.latencies_ms.p99!, ms(0.99));
      near(result.latencies_ms.max!, ms(1));
      near(result.actual_QPS, RESPONSES / MEASURED_S);
      // The measured period: after the 6 s warm-up, 54 s long.
      expect(result.start_time).toBe(new Date(T0 + 6000).toISOString());
      expect(result.end_time).toBe(new Date(T0 + 60_000).toISOString());
      expect(runs[3 + r]!.service_mesh_config.id).toBe(result.meshConfigId);
      expect(runs[3 + r]!.environment_config.id).toBe(result.envId);
    }
  });

  it("puts the proxies' and control plane's figures in ServiceMeshConfig, in mCores and MB", () => {
    for (const [r, cores] of PROXY_CORES.entries()) {
      expect(runs[3 + r]!.service_mesh_config).toMatchObject({
        mesh_type: { type: "linkerd" },
        mesh_build: "2.16.0",
        sidecar: {
          count: 2,
          cpu_mCores: Math.round((cores[0]! + cores[1]!) * 1000),
          mem_mb: Math.round((PROXY_BYTES[0]! + PROXY_BYTES[1]!) / 1e6),
        },
        mesh_control_plane: {
          count: 1,
          cpu_mCores: Math.round(CONTROL_CORES * 1000),
          mem_mb: Math.round(CONTROL_BYTES / 1e6),
        },
      });
    }
    // Bare: no mesh type SMP knows, no sidecars, no control plane; absent, not 0.
    expect(Object.keys(runs[0]!.service_mesh_config)).toEqual(["id", "labels"]);
    expect(runs[0]!.environment_config).toMatchObject({
      kubernetes_version: "v1.31.2",
      node: [{ type: "e2-standard-4" }],
      labels: { nodes: "3" },
    });
  });
});
