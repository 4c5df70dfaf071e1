// Service Mesh Performance (SMP, Meshery's format; service-mesh-performance/
// service-mesh-performance, protos/service_mesh_performance.proto): per run a
// PerformanceTestResult, the ServiceMeshConfig with the run's proxy and control-plane
// figures, and the EnvironmentConfig it ran in, linked by their ids. Field names are the
// protos' own (protobuf's JSON readers take them), enums by their names, timestamps as
// RFC 3339 (proto3's JSON mapping); integers where the proto has int32; a figure not
// measured is left out. Checked against the protos in test/interop/smp.test.ts. Pure.
import { decodeHistogram } from "../histogram/hdr.ts";
import { meshLabel } from "../results/mesh.ts";
import type { ClassFigure, RunResult } from "../results/run-schema.ts";
import { VERSION } from "../version.ts";
import { significant } from "./digits.ts";
import { eachMesh } from "./each-mesh.ts";
import type { ExportScenario } from "./input.ts";

/**
 * SMP's ServiceMesh.Type (service_mesh.proto) by the family a mesh's name starts with
 * (`istio-ambient` is istio's): the meshes SMP names; any other has no mesh_type.
 */
const SMP_MESH_TYPES: Record<string, string> = {
  appmesh: "APP_MESH",
  cilium: "CILIUM_SERVICE_MESH",
  consul: "CONSUL",
  istio: "ISTIO",
  kuma: "KUMA",
  linkerd: "LINKERD",
  maesh: "TRAEFIK_MESH",
  nginx: "NGINX_SERVICE_MESH",
  nsm: "NETWORK_SERVICE_MESH",
  octarine: "OCTARINE",
  osm: "OPEN_SERVICE_MESH",
  tanzu: "TANZU",
  traefik: "TRAEFIK_MESH",
};

const US_PER_MS = 1000;
/** SMP's mem_mb: megabytes, 10^6 bytes. */
const BYTES_PER_MB = 1e6;

export interface SmpRun {
  performance_test_result: Record<string, unknown>;
  service_mesh_config: Record<string, unknown>;
  environment_config: Record<string, unknown>;
}

export function smpRuns(scenarios: readonly ExportScenario[]): SmpRun[] {
  return eachMesh(scenarios).flatMap(({ scenario, mesh }) =>
    mesh.runs.map((run) => smpRun(scenario, run)),
  );
}

function smpRun(scenario: string, run: RunResult): SmpRun {
  const id = `${scenario}/${meshLabel(run.mesh)}/r${run.repetition}`;
  const labels = {
    scenario,
    mesh: meshLabel(run.mesh),
    repetition: String(run.repetition),
    nodes: String(run.platform.nodes.count),
    generator: `meshbench ${VERSION}`,
  };
  const load = run.load!;
  const l = load.latencyUs;
  const ms = (us: number) => significant(us / US_PER_MS);
  const perRun = run.resources?.perRun;
  return {
    performance_test_result: {
      id: `${id}/result`,
      labels,
      start_time: new Date(load.measuredFromMs).toISOString(),
      end_time: new Date(load.measuredFromMs + load.achieved.measuredMs).toISOString(),
      latencies_ms: {
        min: ms(decodeHistogram(load.histogram).minNonZeroValue),
        average: ms(l.mean),
        p50: ms(l.p50),
        p90: ms(l.p90),
        p99: ms(l.p99),
        max: ms(l.p100),
      },
      actual_qps: significant(load.achieved.rate),
      mesh_config_id: `${id}/mesh`,
      env_id: `${id}/env`,
    },
    service_mesh_config: {
      id: `${id}/mesh`,
      labels,
      ...meshType(run.mesh.name, run.mesh.version),
      ...(run.mesh.version ? { mesh_build: run.mesh.version } : {}),
      ...(run.mesh.variant ? { profile: run.mesh.variant } : {}),
      ...(perRun && perRun.dataPlane.containers > 0 ? { sidecar: figures(perRun.dataPlane) } : {}),
      ...(perRun && perRun.controlPlane.containers > 0
        ? { mesh_control_plane: figures(perRun.controlPlane) }
        : {}),
    },
    environment_config: {
      id: `${id}/env`,
      labels,
      ...(run.platform.kubernetesVersion
        ? { kubernetes_version: run.platform.kubernetesVersion }
        : {}),
      nodes: run.platform.nodes.types.map((type) => ({ type })),
    },
  };
}

function meshType(name: string, version: string | undefined) {
  const family = name.split("-")[0]!;
  if (!Object.hasOwn(SMP_MESH_TYPES, family)) return {};
  return { mesh_type: { type: SMP_MESH_TYPES[family], ...(version ? { version } : {}) } };
}

function figures(f: ClassFigure) {
  return {
    count: f.containers,
    ...(f.cpuCores !== undefined ? { cpu_mcores: Math.round(f.cpuCores * 1000) } : {}),
    ...(f.memoryBytes !== undefined ? { mem_mb: Math.round(f.memoryBytes / BYTES_PER_MB) } : {}),
  };
}
