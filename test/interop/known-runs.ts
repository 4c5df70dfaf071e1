// Runs whose every exported figure is known beforehand: per run a uniform latency
// distribution (every µs from lo to lo + 2000 once, so percentile q is lo + q·2000 to
// HDR precision), 2,001 responses in 54 measured seconds, and containers using constant
// CPU and memory over the whole run.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRun } from "../../src/results/run-file.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import {
  type ContainerLoad,
  constantResources,
  loadResult,
  MIB,
  runResult,
  T0,
  uniformHistogram,
} from "../helpers/runs.ts";

export const SPAN_US = 2000;
export const RESPONSES = SPAN_US + 1;
export const MEASURED_S = 54;

/** Lowest latency (µs) of linkerd's runs 1, 2, 3 (bare's are 500 lower). */
export const LINKERD_LO = [1100, 1200, 1300];
/** Per run: linkerd's two proxies and its control plane, in cores and bytes. */
export const PROXY_CORES = [
  [0.11, 0.05],
  [0.12, 0.06],
  [0.13, 0.07],
];
export const PROXY_BYTES = [40 * MIB, 30 * MIB];
export const CONTROL_CORES = 0.02;
export const CONTROL_BYTES = 90 * MIB;

function containers(r: number, mesh: boolean): ContainerLoad[] {
  const app: ContainerLoad = {
    id: "app/web-1/web",
    class: "application",
    cpuCores: 0.2,
    memoryBytes: 25 * MIB,
  };
  if (!mesh) return [app];
  return [
    app,
    {
      id: "linkerd/destination-0/destination",
      class: "controlPlane",
      cpuCores: CONTROL_CORES,
      memoryBytes: CONTROL_BYTES,
    },
    ...PROXY_CORES[r]!.map(
      (cpuCores, i): ContainerLoad => ({
        id: `app/web-${i + 1}/linkerd-proxy`,
        class: "dataPlane",
        cpuCores,
        memoryBytes: PROXY_BYTES[i]!,
      }),
    ),
  ];
}

export function knownRuns(): RunResult[] {
  const runs: RunResult[] = [];
  for (const mesh of [{ name: "bare" }, { name: "linkerd", version: "2.16.0" }]) {
    const linkerd = mesh.name === "linkerd";
    for (let r = 0; r < 3; r++) {
      const lo = LINKERD_LO[r]! - (linkerd ? 0 : 500);
      const load = loadResult({ histogram: uniformHistogram(lo, lo + SPAN_US) });
      runs.push(
        runResult({
          mesh,
          repetition: r + 1,
          load,
          resources: constantResources(containers(r, linkerd), 61, T0),
          platform: {
            kind: "kubernetes",
            provider: "kind",
            nodes: { count: 3, types: ["e2-standard-4"] },
            kubernetesVersion: "v1.31.2",
          },
        }),
      );
    }
  }
  return runs;
}

/** The runs written as a results directory. */
export async function knownResultsDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "meshbench-interop-"));
  for (const run of knownRuns()) {
    await writeRun(join(dir, run.mesh.name, `r${run.repetition}`), run);
  }
  return dir;
}

/** Percentile q (0..1) of a run whose latencies start at `lo` µs, in µs. */
export const percentileOf = (lo: number, q: number): number => lo + q * SPAN_US;
