// Scenario files: defaults, the shipped scenarios, and the field table that --explain
// prints and errors quote (kept in step with the schema).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MESH_FIELDS, meshFileSchema } from "../../src/mesh/schema.ts";
import { formatExplain, formatPlan } from "../../src/scenario/format.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { planRuns } from "../../src/scenario/plan.ts";
import { DEFAULT_PATHS, SCENARIO_FIELDS, scenarioFileSchema } from "../../src/scenario/schema.ts";
import { closest } from "../../src/scenario/suggest.ts";
import type { FieldDoc } from "../../src/scenario/validate.ts";

const load = (file: string) => parseScenario(file, readFileSync(file, "utf8")).scenario;

describe("defaults", () => {
  it("an empty file is a whole scenario, every field defaulted", () => {
    expect(parseScenario("scenarios/my-bench.yaml", "").scenario).toEqual({
      name: "my-bench",
      description: "",
      platform: "local",
      meshes: [{ name: "bare", version: null }],
      repetitions: 2,
      workload: { app: "emojivoto", instances: 3 },
      load: {
        rates: [100],
        durationMs: 60_000,
        warmupMs: 6000,
        connections: 64,
        paths: [...DEFAULT_PATHS],
        timeoutMs: 60_000, // 60 s, at most the duration (issue 15: no censored tail at 5 s)
        workers: 1,
        pacing: "efficient",
        intervalMs: 1000,
      },
      resources: { intervalMs: 1000 },
      cluster: null,
    });
  });

  it("on kubernetes: an existing cluster from the kubeconfig, one meshed load-generator pod", () => {
    const s = parseScenario("x.yaml", "platform: kubernetes\n").scenario;
    expect(s.cluster).toEqual({
      provider: { kind: "kubeconfig", path: null, context: null },
      loadgen: { pods: 1, meshed: true, startLeadMs: 90_000 },
      timeouts: { installMs: null, deployMs: 600_000, cleanupMs: 300_000 },
      allowUnsupported: false,
      adoptExisting: false,
    });
  });

  it("a kind cluster gets a control plane and three workers unless told", () => {
    const s = parseScenario(
      "x.yaml",
      "platform: kubernetes\ncluster: { provider: kind, loadgen: { pods: 2 }, timeouts: { install: 15m } }\n",
    ).scenario;
    expect(s.cluster?.provider).toEqual({
      kind: "kind",
      name: "meshbench",
      image: null,
      keep: false,
      nodes: [
        { role: "control-plane", labels: {} },
        { role: "worker", labels: {} },
        { role: "worker", labels: {} },
        { role: "worker", labels: {} },
      ],
    });
    expect(s.cluster?.loadgen.pods).toBe(2);
    expect(s.cluster?.timeouts.installMs).toBe(15 * 60_000);
  });

  it("samples every 30s on kubernetes unless told, caps the default warm-up at 30s", () => {
    const s = parseScenario("x.yaml", "platform: kubernetes\nload: { duration: 30m }\n").scenario;
    expect(s.resources.intervalMs).toBe(30_000);
    expect(s.load.warmupMs).toBe(30_000);
  });

  it("gives every instance a connection when there are more instances than the default", () => {
    const s = parseScenario("x.yaml", "workload: { instances: 100 }\n").scenario;
    expect(s.load.connections).toBe(100);
  });

  it("takes a single rate or mesh for a list of one, and a {name, version} mesh", () => {
    const s = parseScenario(
      "x.yaml",
      "meshes: [bare, { name: linkerd, version: stable-2.14.10 }]\nload: { rate: [500, 600] }\n",
    ).scenario;
    expect(s.meshes).toEqual([
      { name: "bare", version: null },
      { name: "linkerd", version: "stable-2.14.10" },
    ]);
    expect(s.load.rates).toEqual([500, 600]);
    expect(parseScenario("x.yaml", "meshes: bare\n").scenario.meshes).toEqual([
      { name: "bare", version: null },
    ]);
  });
});

describe("shipped scenarios", () => {
  it("local-quick: the README's quick start, well under two minutes of load", () => {
    const s = load("scenarios/local-quick.yaml");
    expect(s.platform).toBe("local");
    expect(s.meshes.map((m) => m.name)).toEqual(["bare", "haproxy-sidecar"]);
    const runs = s.meshes.length * s.repetitions * s.load.rates.length;
    expect(runs * s.load.durationMs).toBeLessThanOrEqual(60_000);
  });

  it("local-capacity and kinvolk-2019 carry the README's capacity examples", () => {
    const local = load("scenarios/local-capacity.yaml");
    expect(local.capacity).toMatchObject({
      minRate: 50,
      maxRate: 3000,
      probeMs: 10_000,
      confirmMs: 30_000,
    });
    expect(local.capacity!.slo).toHaveLength(3);
    expect(formatPlan(local, planRuns(local))).toContain(
      "  capacity   (meshbench capacity) p99 <= 100ms, errors <= 0.1%, achieved >= 99%: 50 rps–3000 rps to 10%, probes 10s, confirmation 30s\n",
    );
    const study = load("scenarios/kinvolk-2019.yaml");
    expect(study.capacity).toMatchObject({
      precision: { kind: "relative", share: 0.1 },
      probeMs: 600_000,
      confirmMs: 1_800_000,
    });
  });

  it("local-haproxy parses", () => {
    expect(load("scenarios/local-haproxy.yaml").meshes.map((m) => m.name)).toEqual([
      "bare",
      "haproxy-sidecar",
    ]);
  });

  it("kinvolk-2019: the study's set-up", () => {
    const s = load("scenarios/kinvolk-2019.yaml");
    expect(s.platform).toBe("kubernetes");
    expect(s.meshes.map((m) => m.name)).toEqual(["bare", "linkerd", "istio-stock", "istio-tuned"]);
    expect(s.workload.instances).toBe(30);
    expect(s.load.rates).toEqual([500, 600]);
    expect(s.load.durationMs).toBe(30 * 60_000);
    expect(s.repetitions).toBe(2);
    expect(s.resources.intervalMs).toBe(30_000);
    expect(s.load.paths).toEqual([...DEFAULT_PATHS]);
    expect(s.cluster?.provider.kind).toBe("kubeconfig");
    expect(s.cluster?.loadgen).toMatchObject({ pods: 1, meshed: true });
    // wrk2 as the study ran it: -c = -t = instances, its ~10 s calibration left out, and a
    // timeout (--timeout 5000, seconds) no slow request reached.
    expect(s.load.connections).toBe(30);
    expect(s.load.warmupMs).toBe(10_000);
    expect(s.load.timeoutMs).toBeGreaterThanOrEqual(60_000);
  });

  it("kinvolk-2020: the 2020 suite, 60 instances at 500–5000 rps over 128 connections", () => {
    const s = load("scenarios/kinvolk-2020.yaml");
    expect(s.meshes.map((m) => m.name)).toEqual(["bare", "linkerd", "istio-default"]);
    expect(s.workload.instances).toBe(60);
    expect(s.load.rates).toEqual(Array.from({ length: 10 }, (_, i) => 500 * (i + 1)));
    expect(s.load.durationMs).toBe(10 * 60_000);
    expect(s.repetitions).toBe(5);
    expect(s.load.connections).toBe(128);
    expect(s.load.warmupMs).toBe(10_000);
    expect(s.load.timeoutMs).toBeGreaterThanOrEqual(60_000);
  });

  it("kind-smoke: 3 kind nodes, 3 instances, bare and linkerd, 60 s runs", () => {
    const s = load("scenarios/kind-smoke.yaml");
    expect(s.platform).toBe("kubernetes");
    expect(s.cluster?.provider).toMatchObject({ kind: "kind", name: "meshbench-smoke" });
    expect(s.cluster?.provider.kind === "kind" && s.cluster.provider.nodes).toHaveLength(3);
    expect(s.workload.instances).toBe(3);
    expect(s.meshes.map((m) => m.name)).toEqual(["bare", "linkerd"]);
    expect(s.load.durationMs).toBe(60_000);
  });
});

/** Every field path a zod schema accepts, written as the field tables write them. */
function schemaPaths(schema: unknown, prefix = ""): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
    case "prefault":
      return schemaPaths(def.innerType, prefix);
    case "pipe":
      // preprocess: the input is a transform, the schema that matters is the output
      return (def.out as { _zod: { def: { type: string } } })._zod.def.type === "transform"
        ? []
        : schemaPaths(def.out, prefix);
    case "array":
      return schemaPaths(def.element, `${prefix}[]`);
    case "object":
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return [path, ...schemaPaths(value, path)];
      });
    default:
      return [];
  }
}

function documentedPaths(fields: readonly FieldDoc[]): string[] {
  return fields.map((f) => f.path);
}

describe("field tables", () => {
  it.each([
    ["scenario", scenarioFileSchema, SCENARIO_FIELDS],
    ["mesh definition", meshFileSchema, MESH_FIELDS],
  ] as const)(
    "%s: every field of the schema is documented, and nothing else",
    (_, schema, fields) => {
      const inSchema = schemaPaths(schema)
        // a list field appears once as `meshes` and its items as `meshes[]…`
        .filter((p) => !p.endsWith("[]"))
        .sort();
      expect(documentedPaths(fields).sort()).toEqual(inSchema);
      for (const f of fields) {
        expect(f.description, f.path).not.toMatch(/\n/);
        expect(f.default, f.path).not.toBe("");
        expect(f.allowed, f.path).not.toBe("");
      }
    },
  );

  it("the README's field table lists every scenario field", () => {
    const readme = readFileSync("README.md", "utf8");
    const leaves = SCENARIO_FIELDS.map((f) => f.path).filter(
      (p, _, all) => !p.includes("[]") && !all.some((q) => q.startsWith(`${p}.`)),
    );
    for (const path of leaves) expect(readme, path).toContain(`| \`${path}\``);
  });

  it("--explain prints every field with its default, description and allowed values", () => {
    const text = formatExplain("Scenario files", SCENARIO_FIELDS);
    for (const f of SCENARIO_FIELDS) {
      expect(text).toContain(`  ${f.path}  (default: ${f.default})\n      ${f.description}.\n`);
    }
  });
});

describe("did you mean", () => {
  it("suggests close words only", () => {
    expect(closest("rat", ["rate", "duration"])).toBe("rate");
    expect(closest("duartion", ["rate", "duration"])).toBe("duration");
    expect(closest("Platform", ["platform"])).toBe("platform");
    expect(closest("zzz", ["rate", "duration"])).toBeUndefined();
  });
});
