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

export const DEFAULTS = {
  meshes: ["bare"],
  repetitions: 2,
  instances: 3,
  rate: 100,
  durationMs: 60_000,
  connections: 64,
  timeoutMs: 5000,
  workers: 1,
  intervalMs: 1000,
  resourceIntervalMs: { local: 1000, kubernetes: 30_000 } satisfies Record<PlatformKind, number>,
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
    default: String(DEFAULTS.repetitions),
    description: "Runs per mesh, interleaved (bare r1, mesh-a r1, …, bare r2, …) so drift hits all",
    allowed: "a whole number from 1 to 100",
  },
  {
    path: "workload",
    default: `{app: emojivoto, instances: ${DEFAULTS.instances}}`,
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
    default: String(DEFAULTS.instances),
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
    default: String(DEFAULTS.rate),
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
    default: `${DEFAULTS.connections}, and at least one per instance`,
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
    default: String(DEFAULTS.workers),
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
    path: "resources",
    default: "(the field below)",
    description: "Sampling of CPU and memory of every process or container",
    allowed: "a map with the key interval",
  },
  {
    path: "resources.interval",
    default: "1s on local, 30s on kubernetes",
    description: "How often CPU and memory are sampled",
    allowed: `at least 100ms; ${DURATION_ALLOWED}`,
  },
];

const meshRef = z.preprocess(
  (v) => (typeof v === "string" ? { name: v } : v),
  z.strictObject({ name: name(), version: version().optional() }),
);

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
      DEFAULTS.meshes.map((n) => ({ name: n, version: undefined })),
    ),
    repetitions: z.number().int().min(1).max(100).default(DEFAULTS.repetitions),
    workload: z
      .strictObject({
        app: z.enum(["emojivoto"]).default("emojivoto"),
        instances: z.number().int().min(1).max(1000).default(DEFAULTS.instances),
      })
      .default({ app: "emojivoto", instances: DEFAULTS.instances }),
    load: z
      .strictObject({
        rate: oneOrMany(z.number().positive().max(10_000_000)).default([DEFAULTS.rate]),
        duration: duration().default(DEFAULTS.durationMs),
        warmup: duration({ allowZero: true }).optional(),
        connections: z.number().int().min(1).max(100_000).optional(),
        paths: oneOrMany(path).default([...DEFAULT_PATHS]),
        timeout: duration().default(DEFAULTS.timeoutMs),
        workers: z.number().int().min(1).max(256).default(DEFAULTS.workers),
        pacing: z.enum(["efficient", "precise"]).default("efficient"),
        interval: duration().default(DEFAULTS.intervalMs),
      })
      .default({
        rate: [DEFAULTS.rate],
        duration: DEFAULTS.durationMs,
        paths: [...DEFAULT_PATHS],
        timeout: DEFAULTS.timeoutMs,
        workers: DEFAULTS.workers,
        pacing: "efficient",
        interval: DEFAULTS.intervalMs,
      }),
    resources: z.strictObject({ interval: duration().optional() }).default({ interval: undefined }),
  })
  .superRefine((s, ctx) => {
    const load = s.load;
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
    const connections = load.connections ?? Math.max(DEFAULTS.connections, s.workload.instances);
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
