// `meshbench export --format smp` against figures known beforehand (known-runs.ts): per run
// a PerformanceTestResult, its ServiceMeshConfig and EnvironmentConfig, in the units and
// field names of SMP's protos; and against those protos themselves (test/fixtures/smp),
// loaded with protobufjs: every field is one the message has, of its type, and the whole
// encodes and decodes to the same values.
import { isAbsolute, join } from "node:path";
import protobuf from "protobufjs";
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
        actual_qps: number;
        start_time: string;
        end_time: string;
        mesh_config_id: string;
        env_id: string;
      };
      const ms = (q: number) => percentileOf(lo, q) / 1000;
      near(result.latencies_ms.min!, ms(0));
      near(result.latencies_ms.average!, (lo + SPAN_US / 2) / 1000);
      near(result.latencies_ms.p50!, ms(0.5));
      near(result.latencies_ms.p90!, ms(0.9));
      near(result.latencies_ms.p99!, ms(0.99));
      near(result.latencies_ms.max!, ms(1));
      near(result.actual_qps, RESPONSES / MEASURED_S);
      // The measured period: after the 6 s warm-up, 54 s long.
      expect(result.start_time).toBe(new Date(T0 + 6000).toISOString());
      expect(result.end_time).toBe(new Date(T0 + 60_000).toISOString());
      expect(runs[3 + r]!.service_mesh_config.id).toBe(result.mesh_config_id);
      expect(runs[3 + r]!.environment_config.id).toBe(result.env_id);
    }
  });

  it("puts the proxies' and control plane's figures in ServiceMeshConfig, in mCores and MB", () => {
    for (const [r, cores] of PROXY_CORES.entries()) {
      expect(runs[3 + r]!.service_mesh_config).toMatchObject({
        mesh_type: { type: "LINKERD", version: "2.16.0" },
        mesh_build: "2.16.0",
        sidecar: {
          count: 2,
          cpu_mcores: Math.round((cores[0]! + cores[1]!) * 1000),
          mem_mb: Math.round((PROXY_BYTES[0]! + PROXY_BYTES[1]!) / 1e6),
        },
        mesh_control_plane: {
          count: 1,
          cpu_mcores: Math.round(CONTROL_CORES * 1000),
          mem_mb: Math.round(CONTROL_BYTES / 1e6),
        },
      });
    }
    // Bare: no mesh type SMP knows, no sidecars, no control plane; absent, not 0.
    expect(Object.keys(runs[0]!.service_mesh_config)).toEqual(["id", "labels"]);
    expect(runs[0]!.environment_config).toMatchObject({
      kubernetes_version: "v1.31.2",
      nodes: [{ type: "e2-standard-4" }],
      labels: { nodes: "3" },
    });
  });
});

const PROTOS = join(import.meta.dirname, "../fixtures/smp");

function loadProtos(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports name paths from the repository's root (protos/metadata.proto); the
  // google/protobuf ones are protobufjs' bundled copies.
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTOS, target));
  root.loadSync(join(PROTOS, "protos/service_mesh_performance.proto"), { keepCase: true });
  root.resolveAll();
  return root;
}

const TIMESTAMP = ".google.protobuf.Timestamp";
const INT32 = (v: unknown) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31;
const SCALAR: Record<string, (v: unknown) => boolean> = {
  double: (v) => typeof v === "number",
  float: (v) => typeof v === "number",
  int32: INT32,
  int64: (v) => Number.isSafeInteger(v) || (typeof v === "string" && /^-?\d+$/.test(v)),
  string: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
};

/** Where `value` is not proto3 JSON of `type` (field names as the proto writes them). */
function problems(type: protobuf.Type, value: unknown, at: string): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${at}: not an object for ${type.fullName}`];
  return Object.entries(value).flatMap(([key, v]) => {
    const field = type.fields[key];
    if (!field) return [`${at}.${key}: ${type.fullName} has no field ${key}`];
    if (field.map) {
      const bad = Object.values(v as object).some((x) => !SCALAR[field.type]!(x));
      return bad ? [`${at}.${key}: map<…, ${field.type}> holds other values`] : [];
    }
    if (field.repeated) {
      if (!Array.isArray(v)) return [`${at}.${key}: repeated, not an array`];
      return v.flatMap((x, i) => one(field, x, `${at}.${key}[${i}]`));
    }
    return one(field, v, `${at}.${key}`);
  });
}

function one(field: protobuf.Field, v: unknown, at: string): string[] {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum)
    return typeof v === "string" && v in t.values ? [] : [`${at}: not a ${t.name} name`];
  if (t?.fullName === TIMESTAMP)
    return typeof v === "string" && /Z$/.test(v) && !Number.isNaN(Date.parse(v))
      ? []
      : [`${at}: not an RFC 3339 time`];
  if (t instanceof protobuf.Type) return problems(t, v, at);
  return SCALAR[field.type]?.(v) ? [] : [`${at}: not a ${field.type}`];
}

/** proto3 JSON's timestamps as the message objects protobufjs' fromObject takes. */
function withTimestamps(value: unknown): unknown {
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT.*Z$/.test(value)) {
    const ms = Date.parse(value);
    return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  }
  if (Array.isArray(value)) return value.map(withTimestamps);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTimestamps(v)]));
  return value;
}

describe("export --format smp against SMP's protos", () => {
  const root = loadProtos();
  const messages = {
    performance_test_result: root.lookupType("smp.PerformanceTestResult"),
    service_mesh_config: root.lookupType("smp.ServiceMeshConfig"),
    environment_config: root.lookupType("smp.EnvironmentConfig"),
  };

  it("uses only the messages' own fields, each of its type (enums by name, times in RFC 3339)", () => {
    for (const [i, run] of runs.entries()) {
      for (const [part, type] of Object.entries(messages)) {
        expect(problems(type, run[part as keyof SmpRun], `runs[${i}].${part}`)).toEqual([]);
      }
    }
  });

  it("encodes as each message and decodes to the same values", () => {
    for (const run of runs) {
      for (const [part, type] of Object.entries(messages)) {
        const object = withTimestamps(run[part as keyof SmpRun]) as Record<string, unknown>;
        const message = type.fromObject(object);
        expect(type.verify(message)).toBeNull();
        const decoded = type.decode(type.encode(message).finish());
        expect(type.toObject(decoded, { enums: String, longs: Number })).toEqual(object);
      }
    }
  });

  it("catches a field the proto does not have, or of another type", () => {
    const result = messages.performance_test_result;
    expect(problems(result, { actual_QPS: 1 }, "r")).toEqual([
      "r.actual_QPS: .smp.PerformanceTestResult has no field actual_QPS",
    ]);
    expect(problems(messages.service_mesh_config, { mesh_type: { type: "linkerd" } }, "m")).toEqual(
      ["m.mesh_type.type: not a Type name"],
    );
    expect(problems(messages.service_mesh_config, { sidecar: { cpu_mcores: 0.5 } }, "m")).toEqual([
      "m.sidecar.cpu_mcores: not a int32",
    ]);
  });
});
