// run.json: one run of one mesh in one scenario, everything a report needs in one file
// (the compressed full histogram is inside `load`). Validated with zod on read and write.
import { z } from "zod";
import {
  MAX_CONTAINERS,
  MAX_EVENTS,
  MAX_NAME_CHARS,
  MAX_NODE_TYPES,
  MAX_SAMPLES,
  MAX_TEXT_CHARS,
} from "./caps.ts";
import { checkHistograms } from "./histogram-check.ts";
import { loadgenResultSchema } from "./loadgen-schema.ts";
import { RUN_SCHEMA } from "./run-version.ts";

export { RUN_SCHEMA };

/** How containers are classed (DESIGN.md, "Resources"). */
export const RESOURCE_CLASSES = [
  "controlPlane",
  "dataPlane",
  "application",
  "loadGenerator",
] as const;
export type ResourceClass = (typeof RESOURCE_CLASSES)[number];

// Every array and string is bounded (caps.ts): run files are untrusted data.
const nonEmpty = z.string().min(1).max(MAX_NAME_CHARS);
const text = z.string().max(MAX_TEXT_CHARS);
const nonNegative = z.number().nonnegative();

export const meshSchema = z.object({
  /** `bare` is the mesh-less baseline every overhead is measured against. */
  name: nonEmpty,
  version: nonEmpty.optional(),
  /** A named configuration of the mesh, e.g. `tuned`. */
  variant: nonEmpty.optional(),
});

/** What the scenario asked for: known even when a run failed before load was applied. */
export const specSchema = z.object({
  workload: z.object({ name: nonEmpty, instances: z.number().int().positive() }),
  rate: z.number().positive(),
  durationMs: z.number().int().positive(),
  connections: z.number().int().positive(),
  loadgenPods: z.number().int().positive(),
  // What else shapes the figures (fingerprint.ts); absent in files written before.
  warmupMs: z.number().int().nonnegative().optional(),
  /** Requested on every instance, as the scenario lists them. */
  paths: z.array(nonEmpty).optional(),
  timeoutMs: z.number().int().positive().optional(),
  pacing: nonEmpty.optional(),
  resourceIntervalMs: z.number().int().positive().optional(),
});

export const platformSchema = z.object({
  /** `local` or `kubernetes`. */
  kind: nonEmpty,
  /** Where a cluster came from: kubeconfig, kind, terraform … */
  provider: nonEmpty.optional(),
  nodes: z.object({
    count: z.number().int().nonnegative(),
    /** Machine types of the nodes (instance types, or the CPU model locally). */
    types: z.array(nonEmpty).max(MAX_NODE_TYPES),
  }),
  kubernetesVersion: nonEmpty.optional(),
  /**
   * Where this cluster was when identical clusters ran the same scenario (a region, as the
   * 2019 study's two sites): their runs pool as repetitions of one mesh.
   */
  site: nonEmpty.optional(),
});

export const environmentSchema = z.object({
  meshbenchVersion: nonEmpty,
  nodeVersion: nonEmpty.optional(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
});

export const containerSchema = z.object({
  /** Unique within the run, e.g. `namespace/pod/container`; samples refer to it. */
  id: nonEmpty,
  class: z.enum(RESOURCE_CLASSES),
  namespace: nonEmpty.optional(),
  pod: nonEmpty.optional(),
  container: nonEmpty.optional(),
  node: nonEmpty.optional(),
});

const column = z.array(nonNegative.nullable()).max(MAX_SAMPLES);

/**
 * One container's samples, aligned with `sampledAtMs`; null where the container was not
 * there. Columns rather than one object per sample: a 30-minute run sampled every second
 * stays a few MB that parse quickly, instead of a million small objects.
 */
export const usageSeriesSchema = z.object({
  /** Mean CPU over [cpuFromMs, readAtMs] of the same sample. */
  cpuCores: column,
  memoryBytes: column,
  /** Start of the interval each CPU figure covers, ms since the epoch. */
  cpuFromMs: z.array(z.number().nullable()).max(MAX_SAMPLES),
  /** When the source took each reading (metrics-server's timestamp), ms since the epoch. */
  readAtMs: z.array(z.number().nullable()).max(MAX_SAMPLES),
});

/**
 * The per-run figures of one class (src/results/resources.ts); a figure nothing measured
 * is absent, never 0.
 */
export const classFigureSchema = z.object({
  /** Mean CPU over the measured period: counter delta ÷ the time covered, summed over the class. */
  cpuCores: nonNegative.optional(),
  /** Sum over the class at each sample, maximum over the samples inside the period. */
  cpuPeakCores: nonNegative.optional(),
  /** Sum over the class at each sample, maximum over the samples inside the period. */
  memoryBytes: nonNegative.optional(),
  /** The most containers of this class seen in one sample (0: the class was absent). */
  containers: z.number().int().nonnegative(),
});

export const resourcesSchema = z
  .object({
    intervalMs: z.number().int().positive(),
    containers: z.array(containerSchema).max(MAX_CONTAINERS),
    /** Sample times, ms since the epoch. */
    sampledAtMs: z.array(z.number()).max(MAX_SAMPLES),
    /** Samples per container id (every id listed in `containers`). */
    usage: z.record(nonEmpty, usageSeriesSchema),
    perRun: z.object({
      controlPlane: classFigureSchema,
      dataPlane: classFigureSchema,
      application: classFigureSchema,
      loadGenerator: classFigureSchema,
      /**
       * The largest single data-plane container (sidecar or node proxy): the highest mean
       * CPU, the highest CPU and memory reading.
       */
      maxProxy: classFigureSchema.omit({ containers: true }),
    }),
  })
  .superRefine((r, ctx) => {
    const ids = new Set(r.containers.map((c) => c.id));
    for (const [id, series] of Object.entries(r.usage)) {
      if (!ids.has(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["usage", id],
          message: `"${id}" is not in resources.containers`,
        });
      }
      for (const key of ["cpuCores", "memoryBytes", "cpuFromMs", "readAtMs"] as const) {
        if (series[key].length !== r.sampledAtMs.length) {
          ctx.addIssue({
            code: "custom",
            path: ["usage", id, key],
            message: `has ${series[key].length} samples, sampledAtMs has ${r.sampledAtMs.length}`,
          });
        }
      }
    }
  });

export const eventSchema = z.object({
  atMs: z.number(),
  kind: z.enum(["restart", "vanished", "appeared", "other"]),
  /** A container id of `resources.containers`, or a pod/namespace name. */
  container: nonEmpty,
  detail: text.optional(),
  /**
   * Restarts this one observation stands for (a restart count that went up by 3 between
   * two samples is one event of 3); 1 when absent.
   */
  restarts: z.number().int().positive().optional(),
});

export const statusSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("ok") }),
  z.object({
    state: z.literal("failed"),
    reason: text.min(1),
    /** The phase that failed: prepare, install, deploy, load, collect, cleanup. */
    phase: nonEmpty.optional(),
  }),
]);

export const runSchema = z
  .object({
    schema: z.literal(RUN_SCHEMA),
    scenario: nonEmpty,
    mesh: meshSchema,
    /** 1-based repetition number within the scenario. */
    repetition: z.number().int().positive(),
    spec: specSchema,
    platform: platformSchema,
    environment: environmentSchema,
    /** loadgen.json, merged across load-generator pods; null when the run failed before. */
    load: loadgenResultSchema.nullable(),
    /** Null when resources were not sampled (the report says so). */
    resources: resourcesSchema.nullable(),
    events: z.array(eventSchema).max(MAX_EVENTS),
    status: statusSchema,
  })
  .refine((run) => run.status.state !== "ok" || run.load !== null, {
    path: ["load"],
    message: "a run with status ok must have its load results",
  })
  // A histogram that does not decode would fail the report later; it is damage like any other.
  .superRefine((run, ctx) => checkHistograms(run.load, ctx));

export type Mesh = z.infer<typeof meshSchema>;
export type RunSpec = z.infer<typeof specSchema>;
export type PlatformRecord = z.infer<typeof platformSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Container = z.infer<typeof containerSchema>;
export type UsageSeries = z.infer<typeof usageSeriesSchema>;
export type ClassFigure = z.infer<typeof classFigureSchema>;
export type Resources = z.infer<typeof resourcesSchema>;
export type RunEvent = z.infer<typeof eventSchema>;
export type RunStatus = z.infer<typeof statusSchema>;
export type RunResult = z.infer<typeof runSchema>;
