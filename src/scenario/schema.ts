// The scenario file: one whole benchmark (which meshes, how many app instances, what
// load, how often to sample resources). Every field has a default, a one-line description
// and an "allowed" text, all in SCENARIO_FIELDS: `meshbench scenario --explain` prints
// that table and every validation error quotes it. A test keeps the table and the schema
// in step.
import { z } from "zod";
import { formatDuration } from "./duration.ts";
import {
  DURATION_ALLOWED,
  duration,
  NAME_ALLOWED,
  name,
  oneOrMany,
  VERSION_ALLOWED,
  version,
} from "./fields.ts";
import { IMAGE, LABEL_KEY, LABEL_VALUE } from "./kubernetes-patterns.ts";
import { parseSloTerm, SLO_ALLOWED, SloError, type SloTerm } from "./slo.ts";
import type { FieldDoc } from "./validate.ts";

/** The four URLs of the 2019 study: the list, two votes, and the leaderboard. */
export const DEFAULT_PATHS = [
  "/api/list",
  "/api/vote?choice=:flushed:",
  "/api/vote?choice=:policeman:",
  "/api/leaderboard",
] as const;

export const PLATFORMS = ["local", "kubernetes"] as const;
export type PlatformKind = (typeof PLATFORMS)[number];

export const CLUSTER_PROVIDERS = ["kubeconfig", "kind", "terraform"] as const;
export type ClusterProviderKind = (typeof CLUSTER_PROVIDERS)[number];
/** Keys of `cluster:` that only a kind cluster has. */
const KIND_ONLY = ["name", "image", "nodes", "keep"] as const;
const KUBECONFIG_ONLY = ["kubeconfig", "context"] as const;
/** Keys of `cluster:` that only a Terraform/OpenTofu cluster has. */
const TERRAFORM_ONLY = [
  "module",
  "vars",
  "sshKey",
  "k3sVersion",
  "reboot",
  "maxLifetime",
  "binary",
] as const;
/** Which provider each provider-specific key belongs to. */
const OWN_KEYS: Record<ClusterProviderKind, readonly string[]> = {
  kubeconfig: KUBECONFIG_ONLY,
  kind: KIND_ONLY,
  terraform: TERRAFORM_ONLY,
};
const KIND_NAME_ALLOWED =
  "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 32 characters";

export const SCENARIO_DEFAULTS = {
  meshes: ["bare"],
  repetitions: 2,
  instances: 3,
  rate: 100,
  durationMs: 60_000,
  connections: 64,
  workers: 1,
  intervalMs: 1000,
  resourceIntervalMs: { local: 1000, kubernetes: 30_000 } satisfies Record<PlatformKind, number>,
  loadgenPods: 1,
  startLeadMs: 90_000,
  deployTimeoutMs: 600_000,
  cleanupTimeoutMs: 300_000,
  kindName: "meshbench",
} as const;

export const SCENARIO_FIELDS: readonly FieldDoc[] = [
  {
    path: "name",
    default: "the file's name without .yaml",
    description: "Name of the benchmark; results go to results/<name>/",
    allowed: NAME_ALLOWED,
  },
  {
    path: "description",
    default: '""',
    description: "A sentence saying what the scenario measures (shown in reports)",
    allowed: "text",
  },
  {
    path: "platform",
    default: "local",
    description: "Where runs happen: processes on this machine, or a Kubernetes cluster",
    allowed: PLATFORMS.join(", "),
  },
  {
    path: "meshes",
    default: "[bare]",
    description:
      "Meshes to compare, each defined in scenarios/meshes/<name>.yaml; bare (no mesh) is the baseline",
    allowed: "a list of mesh names or {name, version} maps, e.g. [bare, haproxy-sidecar]",
  },
  {
    path: "meshes[].name",
    default: "(required in a {name, version} map)",
    description: "The mesh definition to use",
    allowed: NAME_ALLOWED,
  },
  {
    path: "meshes[].version",
    default: "the definition's own version",
    description: "Version to install: a matrix parameter, so a version bump is a one-line change",
    allowed: VERSION_ALLOWED,
  },
  {
    path: "repetitions",
    default: String(SCENARIO_DEFAULTS.repetitions),
    description: "Runs per mesh, interleaved (bare r1, mesh-a r1, …, bare r2, …) so drift hits all",
    allowed: "a whole number from 1 to 100",
  },
  {
    path: "workload",
    default: `{app: emojivoto, instances: ${SCENARIO_DEFAULTS.instances}}`,
    description: "The application under load",
    allowed: "a map with the keys app and instances",
  },
  {
    path: "workload.app",
    default: "emojivoto",
    description: "The application: Emojivoto (web over HTTP, calling emoji and voting over gRPC)",
    allowed: "emojivoto",
  },
  {
    path: "workload.instances",
    default: String(SCENARIO_DEFAULTS.instances),
    description: "Copies of the app side by side (web-1 … web-N); the load is spread over all",
    allowed: "a whole number from 1 to 1000",
  },
  {
    path: "load",
    default: "(every field below)",
    description: "The load generator: a constant rate, latency from each request's intended time",
    allowed:
      "a map with the keys rate, duration, warmup, connections, paths, timeout, workers, pacing, interval",
  },
  {
    path: "load.rate",
    default: String(SCENARIO_DEFAULTS.rate),
    description: "Requests per second over all instances; a list runs the matrix once per rate",
    allowed: "a number above 0, or a list of them, e.g. 500 or [500, 600]",
  },
  {
    path: "load.duration",
    default: "60s",
    description: "Length of each run, warm-up included",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "load.warmup",
    default: "10 % of load.duration, at most 30s",
    description: "Start of each run that is loaded but not measured",
    allowed: `shorter than load.duration; ${DURATION_ALLOWED} (0s for none)`,
  },
  {
    path: "load.connections",
    default: `${SCENARIO_DEFAULTS.connections}, and at least one per instance`,
    description: "Keep-alive HTTP/1.1 connections, one request in flight on each",
    allowed: "a whole number, at least workload.instances (every web instance needs one)",
  },
  {
    path: "load.paths",
    default: `[${DEFAULT_PATHS.join(", ")}]`,
    description: "Paths requested on every web instance in turn (the 2019 study's four by default)",
    allowed: 'a list of paths starting with /, e.g. [/api/list, "/api/vote?choice=:joy:"]',
  },
  {
    path: "load.timeout",
    default: "5s",
    description: "A request with no answer by then fails as a timeout",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "load.workers",
    default: String(SCENARIO_DEFAULTS.workers),
    description: "Load-generator threads, each owning a share of the connections",
    allowed: "a whole number from 1 to load.connections",
  },
  {
    path: "load.pacing",
    default: "efficient",
    description:
      "efficient: timer-paced sends; precise: polls before each send (costs a busy core)",
    allowed: "efficient, precise",
  },
  {
    path: "load.interval",
    default: "1s",
    description: "Interval of the latency-over-time histograms in latency.hlog",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "cluster",
    default: "provider kubeconfig: the current context of $KUBECONFIG or ~/.kube/config",
    description: "The cluster a kubernetes scenario runs on, and how the load generator runs there",
    allowed:
      "a map with the keys provider, kubeconfig, context, name, image, nodes, keep, module, vars, sshKey, k3sVersion, reboot, maxLifetime, binary, loadgen, allowUnsupported, adoptExisting, images, timeouts (platform: kubernetes only)",
  },
  {
    path: "cluster.provider",
    default: "kubeconfig",
    description:
      "kubeconfig: an existing cluster; kind: a throwaway cluster on Docker; terraform: machines from a Terraform/OpenTofu module with k3s on them (bare metal); kind and terraform clusters are deleted at the end",
    allowed: CLUSTER_PROVIDERS.join(", "),
  },
  {
    path: "cluster.kubeconfig",
    default: "$KUBECONFIG, else ~/.kube/config",
    description:
      "The kubeconfig file of the cluster (provider kubeconfig; --kubeconfig overrides it)",
    allowed: "a file path (~/ is your home directory)",
  },
  {
    path: "cluster.context",
    default: "the kubeconfig's current context",
    description: "The kubeconfig context to use (provider kubeconfig; --context overrides it)",
    allowed: "a context name of the kubeconfig",
  },
  {
    path: "cluster.name",
    default: SCENARIO_DEFAULTS.kindName,
    description: "Name of the kind cluster (provider kind)",
    allowed: KIND_NAME_ALLOWED,
  },
  {
    path: "cluster.image",
    default: "kind's default node image",
    description: "The kind node image, i.e. the Kubernetes version (provider kind)",
    allowed: "an image reference such as kindest/node:v1.33.1",
  },
  {
    path: "cluster.nodes",
    default: "a control plane and 3 workers",
    description:
      "The kind cluster's nodes (provider kind); the load generator takes one worker, the apps the others",
    allowed:
      "a list of {role, labels}; at least one control-plane and two workers, at most 20 nodes",
  },
  {
    path: "cluster.nodes[].role",
    default: "worker",
    description: "What the node is",
    allowed: "control-plane, worker",
  },
  {
    path: "cluster.nodes[].labels",
    default: "{}",
    description: "Node labels (e.g. node.kubernetes.io/instance-type, shown in the results)",
    allowed: "a map of Kubernetes label keys to label values",
  },
  {
    path: "cluster.keep",
    default: "false",
    description:
      "Keep the kind cluster after the scenario (to look at it); delete it yourself with kind delete cluster",
    allowed: "true, false",
  },
  {
    path: "cluster.module",
    default: "(required for provider terraform)",
    description:
      "The Terraform/OpenTofu module that makes the machines (provider terraform), relative to the scenario file; see examples/bare-metal/",
    allowed: "a directory holding .tf files and no backend block",
  },
  {
    path: "cluster.vars",
    default: "{}",
    description:
      "The module's variables (provider terraform); never credentials: the Terraform provider reads those from the environment",
    allowed: "a map of Terraform identifiers to plain values",
  },
  {
    path: "cluster.sshKey",
    default: "the module's ssh_private_key output",
    description:
      "The SSH private key file the module's hosts accept (provider terraform), relative to the scenario file",
    allowed: "a file path (~/ is your home directory)",
  },
  {
    path: "cluster.k3sVersion",
    default: "v1.33.1+k3s1",
    description: "The k3s release installed on the module's hosts (provider terraform)",
    allowed: "a k3s release such as v1.33.1+k3s1",
  },
  {
    path: "cluster.reboot",
    default: "false",
    description:
      "Reboot every worker before benchmarking, as the 2019 study did (provider terraform)",
    allowed: "true, false",
  },
  {
    path: "cluster.maxLifetime",
    default: "6h",
    description:
      "The longest the machines may live (provider terraform): the next meshbench step after that destroys them",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "cluster.binary",
    default: "tofu if on the PATH, else terraform",
    description: "The Terraform or OpenTofu binary (provider terraform)",
    allowed: "a name on the PATH or a path",
  },
  {
    path: "cluster.loadgen",
    default: "(the fields below)",
    description: "The load generator on the cluster: a Job on a node of its own",
    allowed: "a map with the keys pods, meshed, startLead",
  },
  {
    path: "cluster.loadgen.pods",
    default: "1",
    description:
      "Load-generator pods P, each at rate/P from one shared start; their histograms merge exactly",
    allowed: "a whole number from 1 to 100",
  },
  {
    path: "cluster.loadgen.meshed",
    default: "true",
    description:
      "Whether the load generator joins the mesh too, as in the 2019 study (its proxy is data plane)",
    allowed: "true, false",
  },
  {
    path: "cluster.loadgen.startLead",
    default: "90s",
    description:
      "Time between creating the Job and the shared start: scheduling and image pulls of every pod",
    allowed: `at least 1s; ${DURATION_ALLOWED}`,
  },
  {
    path: "cluster.timeouts",
    default: "(the fields below)",
    description: "How long each phase may take on the cluster",
    allowed: "a map with the keys install, deploy, cleanup",
  },
  {
    path: "cluster.timeouts.install",
    default: "the mesh definition's own (per step and readiness check)",
    description: "Replaces the timeout of every install step and readiness check of the mesh",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "cluster.timeouts.deploy",
    default: "10m",
    description: "How long Emojivoto may take until every pod is Ready and meshed",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "cluster.timeouts.cleanup",
    default: "5m",
    description:
      "How long to wait for a run's namespaces to be gone before the next run installs again",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "cluster.allowUnsupported",
    default: "false",
    description:
      "Run a mesh on a Kubernetes version outside the range its definition supports (the preflight warns instead of failing)",
    allowed: "true, false",
  },
  {
    path: "cluster.adoptExisting",
    default: "false",
    description:
      "Let a mesh's install take over objects that were on the cluster before the run (a CRD, a cluster role): it changes them and cleanup deletes them. Off: such an object is left alone, or the install refused when it would change it",
    allowed: "true, false",
  },
  {
    path: "cluster.images",
    default: "none: each image from its own registry",
    description:
      "Where the images meshbench deploys (Emojivoto, the load generator) are pulled from: a mirror for air-gapped clusters or Docker Hub's pull limits",
    allowed: "a map with the keys registry, overrides",
  },
  {
    path: "cluster.images.registry",
    default: "none",
    description:
      "Replaces every image's registry: docker.l5d.io/buoyantio/emojivoto-web:v11 → <registry>/buoyantio/emojivoto-web:v11, node:24-slim → <registry>/library/node:24-slim",
    allowed: "a registry host with an optional path, e.g. mirror.example.com/hub",
  },
  {
    path: "cluster.images.overrides",
    default: "{}",
    description: "Whole image references replaced as they are (over registry)",
    allowed: "a map of image references to image references",
  },
  {
    path: "resources",
    default: "(the field below)",
    description: "Sampling of CPU and memory of every process or container",
    allowed: "a map with the key interval",
  },
  {
    path: "resources.interval",
    default: "1s on local, 30s on kubernetes",
    description:
      "How often CPU and memory are sampled; a run's figures come from the samples inside its measured period (warm-up excluded)",
    allowed: `at least 100ms; ${DURATION_ALLOWED}`,
  },
  {
    path: "cost",
    default: "OpenCost's default prices, no traffic (no monthly figure)",
    description:
      "The mesh's overhead in money: $ per million requests, and $ per month at the traffic given",
    allowed: "a map with the keys traffic, prices",
  },
  {
    path: "cost.traffic",
    default: "none",
    description: "The traffic the monthly cost is for (linear from the measured rate)",
    allowed: "requests per second: a number above 0 or e.g. 5000rps",
  },
  {
    path: "cost.prices",
    default: "OpenCost's default (GCP us-central1 on-demand)",
    description: "The prices the cost is reckoned at (the Action's price inputs win over them)",
    allowed: "a map with the keys vcpuHour and gibHour, both given",
  },
  {
    path: "cost.prices.vcpuHour",
    default: "0.031611",
    description: "US dollars per vCPU (core) per hour",
    allowed: "a number above 0, at most 1000",
  },
  {
    path: "cost.prices.gibHour",
    default: "0.004237",
    description: "US dollars per GiB of memory per hour",
    allowed: "a number above 0, at most 1000",
  },
  {
    path: "capacity",
    default: "absent: meshbench capacity refuses the scenario",
    description:
      "What meshbench capacity searches for: per mesh, the highest total rate holding the SLO",
    allowed: "a map with the keys slo, min, max, precision, probe, confirm",
  },
  {
    path: "capacity.slo",
    default: "(required)",
    description: "Terms every probe must hold (latency from the intended send time)",
    allowed: `a list of terms: ${SLO_ALLOWED}`,
  },
  {
    path: "capacity.min",
    default: "(required)",
    description: "Lowest total rate (requests/s) searched; it must hold, else the answer is none",
    allowed: "a number above 0, below capacity.max",
  },
  {
    path: "capacity.max",
    default: "(required)",
    description: "Highest total rate searched; if it holds, the answer is at least max",
    allowed: "a number above capacity.min",
  },
  {
    path: "capacity.precision",
    default: "5%",
    description: "The search stops when the first failed rate is within this of the last held one",
    allowed: "a share of the held rate (5%) or requests/s (20rps), above 0",
  },
  {
    path: "capacity.probe",
    default: "load.duration",
    description: "Length of each probe run, warm-up (10 %, at most 30s) included",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "capacity.confirm",
    default: "3 × capacity.probe",
    description:
      "Length of the confirmation run at the answer (longer: a lucky pass must not set it)",
    allowed: `at least capacity.probe; ${DURATION_ALLOWED}`,
  },
];

/** `5000rps`, `5000 rps` or `5000`: requests per second. */
export const TRAFFIC = /^(\d+(?:\.\d+)?)\s*(?:rps)?$/;

const traffic = z.union([
  z.number().positive().max(1e9),
  z
    .string()
    .regex(TRAFFIC, "write it like 5000rps")
    .transform((t) => Number(TRAFFIC.exec(t.trim())![1])),
]);

/** `p99 <= 100ms`, checked where it is written. */
const sloTerm = z.string().transform((text, ctx): SloTerm => {
  try {
    return parseSloTerm(text);
  } catch (error) {
    if (!(error instanceof SloError)) throw error;
    ctx.addIssue({ code: "custom", message: error.problem });
    return z.NEVER;
  }
});

/** `5%` (of the held rate) or `20rps`. */
const precision = z.any().transform((value: unknown, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*(%|rps)$/.exec(String(value).trim());
  const amount = match ? Number(match[1]) : 0;
  if (typeof value !== "string" || !match || amount <= 0 || (match[2] === "%" && amount >= 100)) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} is not a precision` });
    return z.NEVER;
  }
  return match[2] === "%"
    ? { kind: "relative" as const, share: amount / 100 }
    : { kind: "absolute" as const, rps: amount };
});

const capacity = z.strictObject({
  slo: oneOrMany(sloTerm),
  min: z.number().positive().max(10_000_000),
  max: z.number().positive().max(10_000_000),
  precision: precision.default({ kind: "relative", share: 0.05 }),
  probe: duration().optional(),
  confirm: duration().optional(),
});

const meshRef = z.preprocess(
  (v) => (typeof v === "string" ? { name: v } : v),
  z.strictObject({ name: name(), version: version().optional() }),
);

const cluster = z.strictObject({
  provider: z.enum(CLUSTER_PROVIDERS).default("kubeconfig"),
  kubeconfig: z.string().min(1).max(4096).optional(),
  context: z.string().min(1).max(253).optional(),
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/)
    .optional(),
  image: z.string().regex(IMAGE).max(300).optional(),
  nodes: z
    .array(
      z.strictObject({
        role: z.enum(["control-plane", "worker"]).default("worker"),
        labels: z.record(z.string().regex(LABEL_KEY), z.string().regex(LABEL_VALUE)).default({}),
      }),
    )
    .min(1)
    .max(20)
    .optional(),
  keep: z.boolean().default(false),
  module: z.string().min(1).max(4096).optional(),
  vars: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/),
      z.union([z.string().max(4096), z.number(), z.boolean()]),
    )
    .optional(),
  sshKey: z.string().min(1).max(4096).optional(),
  k3sVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+\+k3s\d+$/)
    .optional(),
  reboot: z.boolean().optional(),
  maxLifetime: duration().optional(),
  binary: z.string().min(1).max(4096).optional(),
  loadgen: z
    .strictObject({
      pods: z.number().int().min(1).max(100).default(SCENARIO_DEFAULTS.loadgenPods),
      meshed: z.boolean().default(true),
      startLead: duration().default(SCENARIO_DEFAULTS.startLeadMs),
    })
    .default({
      pods: SCENARIO_DEFAULTS.loadgenPods,
      meshed: true,
      startLead: SCENARIO_DEFAULTS.startLeadMs,
    }),
  allowUnsupported: z.boolean().default(false),
  adoptExisting: z.boolean().default(false),
  images: z
    .strictObject({
      registry: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?$/)
        .max(300)
        .optional(),
      overrides: z
        .record(z.string().regex(IMAGE).max(300), z.string().regex(IMAGE).max(300))
        .default({}),
    })
    .optional(),
  timeouts: z
    .strictObject({
      install: duration().optional(),
      deploy: duration().default(SCENARIO_DEFAULTS.deployTimeoutMs),
      cleanup: duration().default(SCENARIO_DEFAULTS.cleanupTimeoutMs),
    })
    .default({
      deploy: SCENARIO_DEFAULTS.deployTimeoutMs,
      cleanup: SCENARIO_DEFAULTS.cleanupTimeoutMs,
    }),
});

const path = z
  .string()
  .regex(/^\/[^\s#]*$/)
  .max(2000);

export const scenarioFileSchema = z
  .strictObject({
    name: name().optional(),
    description: z.string().max(500).default(""),
    platform: z.enum(PLATFORMS).default("local"),
    meshes: oneOrMany(meshRef).default(
      SCENARIO_DEFAULTS.meshes.map((n) => ({ name: n, version: undefined })),
    ),
    repetitions: z.number().int().min(1).max(100).default(SCENARIO_DEFAULTS.repetitions),
    workload: z
      .strictObject({
        app: z.enum(["emojivoto"]).default("emojivoto"),
        instances: z.number().int().min(1).max(1000).default(SCENARIO_DEFAULTS.instances),
      })
      .default({ app: "emojivoto", instances: SCENARIO_DEFAULTS.instances }),
    load: z
      .strictObject({
        rate: oneOrMany(z.number().positive().max(10_000_000)).default([SCENARIO_DEFAULTS.rate]),
        duration: duration().default(SCENARIO_DEFAULTS.durationMs),
        warmup: duration({ allowZero: true }).optional(),
        connections: z.number().int().min(1).max(100_000).optional(),
        paths: oneOrMany(path).default([...DEFAULT_PATHS]),
        timeout: duration().optional(),
        workers: z.number().int().min(1).max(256).default(SCENARIO_DEFAULTS.workers),
        pacing: z.enum(["efficient", "precise"]).default("efficient"),
        interval: duration().default(SCENARIO_DEFAULTS.intervalMs),
      })
      .default({
        rate: [SCENARIO_DEFAULTS.rate],
        duration: SCENARIO_DEFAULTS.durationMs,
        paths: [...DEFAULT_PATHS],
        workers: SCENARIO_DEFAULTS.workers,
        pacing: "efficient",
        interval: SCENARIO_DEFAULTS.intervalMs,
      }),
    resources: z.strictObject({ interval: duration().optional() }).default({ interval: undefined }),
    cluster: cluster.optional(),
    cost: z
      .strictObject({
        traffic: traffic.optional(),
        prices: z
          .strictObject({
            vcpuHour: z.number().positive().max(1000),
            gibHour: z.number().positive().max(1000),
          })
          .optional(),
      })
      .optional(),
    capacity: capacity.optional(),
  })
  .superRefine((s, ctx) => {
    const load = s.load;
    checkCluster(s, ctx);
    checkCapacity(s, ctx);
    if (load.warmup !== undefined && load.warmup >= load.duration) {
      ctx.addIssue({
        code: "custom",
        path: ["load", "warmup"],
        message: `{got} leaves nothing to measure: it must be shorter than load.duration (${formatDuration(load.duration)})`,
      });
    }
    if (load.connections !== undefined && load.connections < s.workload.instances) {
      ctx.addIssue({
        code: "custom",
        path: ["load", "connections"],
        message: `${load.connections} is fewer than the ${s.workload.instances} instances; every web instance needs a connection`,
      });
    }
    const connections =
      load.connections ?? Math.max(SCENARIO_DEFAULTS.connections, s.workload.instances);
    if (load.workers > connections) {
      ctx.addIssue({
        code: "custom",
        path: ["load", "workers"],
        message: `${load.workers} workers for ${connections} connections; each worker needs a connection`,
      });
    }
    const seen = new Set<string>();
    s.meshes.forEach((m, i) => {
      const key = `${m.name}@${m.version ?? ""}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["meshes", i],
          message: `${m.name}${m.version ? ` ${m.version}` : ""} is listed twice; list each mesh (and version) once`,
        });
      }
      seen.add(key);
    });
    const rates = new Set<number>();
    load.rate.forEach((r, i) => {
      if (rates.has(r)) {
        ctx.addIssue({
          code: "custom",
          path: ["load", "rate", i],
          message: `${r} is listed twice`,
        });
      }
      rates.add(r);
    });
    if (s.resources.interval !== undefined && s.resources.interval < 100) {
      ctx.addIssue({
        code: "custom",
        path: ["resources", "interval"],
        message: "{got} is too short to sample",
      });
    }
  });

export type ScenarioFile = z.output<typeof scenarioFileSchema>;

type ParsedScenario = z.output<typeof scenarioFileSchema>;
type Ctx = z.core.$RefinementCtx<unknown>;

/** What `cluster:` may hold depends on the platform and the provider. */
function checkCluster(
  s: Omit<ParsedScenario, "cluster"> & { cluster?: z.output<typeof cluster> },
  ctx: Ctx,
): void {
  const c = s.cluster;
  if (c === undefined) return;
  if (s.platform !== "kubernetes") {
    ctx.addIssue({
      code: "custom",
      path: ["cluster"],
      message: `is only for platform: kubernetes (this scenario's platform is ${s.platform})`,
    });
    return;
  }
  for (const [owner, keys] of Object.entries(OWN_KEYS)) {
    if (owner === c.provider) continue;
    for (const key of keys) {
      const value = (c as Record<string, unknown>)[key];
      if (value === undefined || (key === "keep" && value === false)) continue;
      ctx.addIssue({
        code: "custom",
        path: ["cluster", key],
        message: `is only for provider ${owner} (this cluster's provider is ${c.provider})`,
      });
    }
  }
  if (c.provider === "terraform" && c.module === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "provider"],
      message:
        "terraform needs cluster.module: the directory of the Terraform/OpenTofu module that makes the machines (see examples/bare-metal/)",
    });
  }
  if (c.nodes && c.provider === "kind") {
    const roles = c.nodes.map((n) => n.role);
    if (!roles.includes("control-plane") || roles.filter((r) => r === "worker").length < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "nodes"],
        message: `has ${roles.filter((r) => r === "control-plane").length} control-plane and ${roles.filter((r) => r === "worker").length} worker nodes; needs a control-plane and at least two workers (one for the load generator, the others for the apps)`,
      });
    }
  }
  const pods = c.loadgen.pods;
  const connections =
    s.load.connections ?? Math.max(SCENARIO_DEFAULTS.connections, s.workload.instances);
  if (Math.ceil(connections / pods) < s.workload.instances) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "loadgen", "pods"],
      message: `${pods} pods share ${connections} connections, ${Math.ceil(connections / pods)} each: fewer than the ${s.workload.instances} instances every pod talks to; raise load.connections to at least ${s.workload.instances * pods}`,
    });
  }
}

/** The bounds in order, the confirmation no shorter than a probe. */
function checkCapacity(s: Pick<ParsedScenario, "capacity" | "load">, ctx: Ctx): void {
  const c = s.capacity;
  if (c === undefined) return;
  if (c.min >= c.max) {
    ctx.addIssue({
      code: "custom",
      path: ["capacity", "max"],
      message: `${c.max} is not above capacity.min (${c.min}): there is nothing to search`,
    });
  }
  const probe = c.probe ?? s.load.duration;
  if (c.confirm !== undefined && c.confirm < probe) {
    ctx.addIssue({
      code: "custom",
      path: ["capacity", "confirm"],
      message: `{got} is shorter than a probe (${formatDuration(probe)}); a confirmation must be at least as long`,
    });
  }
}
