// Reading a scenario file: YAML (positions kept) → schema → a Scenario with every
// default filled in. Everything wrong in the file is reported at once, each problem as
// `file:line:col: field: what is wrong; allowed: …`.
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import { NAME_ALLOWED, NAME_PATTERN } from "./fields.ts";
import { defaultTimeoutMs, defaultWarmupMs, type Pacing } from "./method.ts";
import { ConfigError } from "./problems.ts";
import {
  type PlatformKind,
  SCENARIO_DEFAULTS,
  SCENARIO_FIELDS,
  type ScenarioFile,
  scenarioFileSchema,
} from "./schema.ts";
import type { Slo } from "./slo.ts";
import { validateSource } from "./validate.ts";
import { readYamlSource, type YamlSource } from "./yaml-source.ts";

export interface MeshRef {
  name: string;
  /** null: the mesh definition's own version. */
  version: string | null;
}

export interface Scenario {
  name: string;
  description: string;
  platform: PlatformKind;
  meshes: MeshRef[];
  repetitions: number;
  workload: { app: "emojivoto"; instances: number };
  load: {
    /** One or more rates; the matrix runs once per rate. */
    rates: number[];
    durationMs: number;
    warmupMs: number;
    connections: number;
    paths: string[];
    timeoutMs: number;
    workers: number;
    pacing: Pacing;
    intervalMs: number;
  };
  resources: { intervalMs: number };
  /** The cluster and the load generator's shape there; null on the local platform. */
  cluster: ClusterSpec | null;
  /** `cost:` as given: the traffic for the monthly figure, and the user's prices. */
  cost?: { trafficRps?: number; prices?: { vcpuHour: number; gibHour: number } };
  /** What `meshbench capacity` searches for (the capacity: section); absent: nothing. */
  capacity?: CapacitySpec;
}

export interface CapacitySpec {
  slo: Slo;
  /** Total rates over all instances, requests/s. */
  minRate: number;
  maxRate: number;
  precision: { kind: "relative"; share: number } | { kind: "absolute"; rps: number };
  probeMs: number;
  confirmMs: number;
}

export interface KindNode {
  role: "control-plane" | "worker";
  labels: Record<string, string>;
}

export type ClusterProvider =
  | { kind: "kubeconfig"; path: string | null; context: string | null }
  | { kind: "kind"; name: string; image: string | null; nodes: KindNode[]; keep: boolean }
  | {
      kind: "terraform";
      /** Absolute path of the module's directory. */
      module: string;
      vars: Record<string, string | number | boolean>;
      /** Absolute path of the SSH private key file; null: the module's ssh_private_key output. */
      sshKeyPath: string | null;
      k3sVersion: string | null;
      reboot: boolean;
      /** null: the provider's default (6 h). */
      maxLifetimeMs: number | null;
      binary: string | null;
    };

/**
 * cluster.images: where the images meshbench deploys are pulled from (src/kube/images.ts applies
 * it).
 */
export interface ImageMirrors {
  /** A registry (and path) that mirrors every registry, e.g. mirror.example.com/hub. */
  registry?: string | undefined;
  /** Whole references replaced as they are, e.g. node:24-slim → mirror.example.com/node:24-slim. */
  overrides?: Record<string, string> | undefined;
}

export interface ClusterSpec {
  provider: ClusterProvider;
  loadgen: { pods: number; meshed: boolean; startLeadMs: number };
  /** installMs null: the mesh definition's own timeouts. */
  timeouts: { installMs: number | null; deployMs: number; cleanupMs: number };
  /**
   * Run meshes on a Kubernetes version outside the range they support (preflight: warn, not fail).
   */
  allowUnsupported?: boolean;
  /**
   * Let an install take over objects that were on the cluster before the run (and delete them at
   * cleanup).
   */
  adoptExisting?: boolean;
  /** Where the images meshbench deploys are pulled from (cluster.images). */
  images?: ImageMirrors;
}

/** A kind cluster unless told otherwise: a control plane and three workers. */
export const DEFAULT_KIND_NODES: readonly KindNode[] = [
  { role: "control-plane", labels: {} },
  { role: "worker", labels: {} },
  { role: "worker", labels: {} },
  { role: "worker", labels: {} },
];

/** A path in a scenario file: relative to the file, ~/ to the home directory. */
function besideFile(file: string, path: string): string {
  if (path.startsWith("~/")) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(dirname(file), path);
}

function clusterProvider(file: string, c: ScenarioFile["cluster"]): ClusterProvider {
  if (c?.provider === "kind") {
    return {
      kind: "kind",
      name: c.name ?? SCENARIO_DEFAULTS.kindName,
      image: c.image ?? null,
      nodes: c.nodes ?? DEFAULT_KIND_NODES.map((n) => ({ ...n, labels: { ...n.labels } })),
      keep: c.keep,
    };
  }
  if (c?.provider === "terraform") {
    return {
      kind: "terraform",
      // The schema refuses provider terraform without a module.
      module: besideFile(file, c.module!),
      vars: c.vars ?? {},
      sshKeyPath: c.sshKey ? besideFile(file, c.sshKey) : null,
      k3sVersion: c.k3sVersion ?? null,
      reboot: c.reboot ?? false,
      maxLifetimeMs: c.maxLifetime ?? null,
      binary: c.binary ?? null,
    };
  }
  return { kind: "kubeconfig", path: c?.kubeconfig ?? null, context: c?.context ?? null };
}

function clusterSpec(file: string, raw: ScenarioFile): ClusterSpec | null {
  if (raw.platform !== "kubernetes") return null;
  const c = raw.cluster;
  const provider = clusterProvider(file, c);
  return {
    provider,
    loadgen: {
      pods: c?.loadgen.pods ?? SCENARIO_DEFAULTS.loadgenPods,
      meshed: c?.loadgen.meshed ?? true,
      startLeadMs: c?.loadgen.startLead ?? SCENARIO_DEFAULTS.startLeadMs,
    },
    timeouts: {
      installMs: c?.timeouts.install ?? null,
      deployMs: c?.timeouts.deploy ?? SCENARIO_DEFAULTS.deployTimeoutMs,
      cleanupMs: c?.timeouts.cleanup ?? SCENARIO_DEFAULTS.cleanupTimeoutMs,
    },
    allowUnsupported: c?.allowUnsupported ?? false,
    adoptExisting: c?.adoptExisting ?? false,
    ...(c?.images
      ? { images: { registry: c.images.registry, overrides: c.images.overrides } }
      : {}),
  };
}

function capacitySpec(c: NonNullable<ScenarioFile["capacity"]>, durationMs: number): CapacitySpec {
  const probeMs = c.probe ?? durationMs;
  return {
    slo: c.slo,
    minRate: c.min,
    maxRate: c.max,
    precision: c.precision,
    probeMs,
    confirmMs: c.confirm ?? 3 * probeMs,
  };
}

export interface LoadedScenario {
  scenario: Scenario;
  /** The parsed file, to point at a field in errors found later (e.g. an unknown mesh). */
  source: YamlSource;
}

export function parseScenario(file: string, text: string): LoadedScenario {
  const source = readYamlSource(file, text);
  const raw = validateSource(scenarioFileSchema, source, SCENARIO_FIELDS);
  const fromFile = basename(file, extname(file));
  if (raw.name === undefined && !NAME_PATTERN.test(fromFile)) {
    throw new ConfigError([
      {
        file,
        line: 1,
        col: 1,
        message: `name: not given, and the file's name "${fromFile}" cannot stand in for it; add a name: line; allowed: ${NAME_ALLOWED}`,
      },
    ]);
  }
  const instances = raw.workload.instances;
  const scenario: Scenario = {
    name: raw.name ?? fromFile,
    description: raw.description,
    platform: raw.platform,
    meshes: raw.meshes.map((m) => ({ name: m.name, version: m.version ?? null })),
    repetitions: raw.repetitions,
    workload: { app: raw.workload.app, instances },
    load: {
      rates: raw.load.rate,
      durationMs: raw.load.duration,
      warmupMs: raw.load.warmup ?? defaultWarmupMs(raw.load.duration),
      connections: raw.load.connections ?? Math.max(SCENARIO_DEFAULTS.connections, instances),
      paths: raw.load.paths,
      timeoutMs: raw.load.timeout ?? defaultTimeoutMs(raw.load.duration),
      workers: raw.load.workers,
      pacing: raw.load.pacing,
      intervalMs: raw.load.interval,
    },
    resources: {
      intervalMs: raw.resources.interval ?? SCENARIO_DEFAULTS.resourceIntervalMs[raw.platform],
    },
    cluster: clusterSpec(file, raw),
    ...(raw.cost
      ? {
          cost: {
            ...(raw.cost.traffic !== undefined ? { trafficRps: raw.cost.traffic } : {}),
            ...(raw.cost.prices ? { prices: raw.cost.prices } : {}),
          },
        }
      : {}),
    ...(raw.capacity ? { capacity: capacitySpec(raw.capacity, raw.load.duration) } : {}),
  };
  return { scenario, source };
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why = e.code === "ENOENT" ? "no such file" : e.message;
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read the scenario: ${why}` }]);
  }
  return parseScenario(file, text);
}
