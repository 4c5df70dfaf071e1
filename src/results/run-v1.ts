// Reading run.json files of schema v1 (meshbench before v2 resources): their resources
// held one CPU and one memory column per container, and per-run figures that were peaks
// with 0 for "not measured". They are upgraded to v2 on read, so reports keep reading old
// results: the per-run figures are computed again from the samples the file kept. A v1
// CPU sample locally was the /proc delta since the previous sweep, so that is its
// interval; on a cluster the reading's own window was dropped, so its CPU stays absent
// (not measured), never a figure lined up with the wrong interval. Pure.
import { z } from "zod";
import { perRunResources } from "./resources.ts";
import { RESOURCE_CLASSES, type UsageSeries } from "./run-schema.ts";
import { RUN_SCHEMA } from "./run-version.ts";

export const RUN_SCHEMA_V1 = "meshbench/run/v1";

const v1Resources = z.object({
  intervalMs: z.number(),
  containers: z.array(z.object({ id: z.string(), class: z.enum(RESOURCE_CLASSES) }).loose()),
  sampledAtMs: z.array(z.number()),
  usage: z.record(
    z.string(),
    z.object({
      cpuCores: z.array(z.number().nullable()),
      memoryBytes: z.array(z.number().nullable()),
    }),
  ),
});

const v1Run = z
  .object({
    platform: z.object({ kind: z.string() }).loose(),
    load: z
      .object({
        measuredFromMs: z.number(),
        achieved: z.object({ measuredMs: z.number() }).loose(),
      })
      .loose()
      .nullable(),
    resources: v1Resources.loose().nullable(),
  })
  .loose();

/**
 * The v2 form of a v1 run.json's data, for runSchema to validate; the data as it was when
 * its resources are not v1's shape (runSchema then names what is wrong).
 */
export function upgradeRunV1(data: Record<string, unknown>): Record<string, unknown> {
  const parsed = v1Run.safeParse(data);
  if (!parsed.success) return { ...data, schema: RUN_SCHEMA };
  const { resources, load, platform } = parsed.data;
  if (!resources) return { ...data, schema: RUN_SCHEMA };
  const cpuKnown = platform.kind === "local";
  const usage: Record<string, UsageSeries> = {};
  for (const [id, s] of Object.entries(resources.usage)) {
    usage[id] = {
      cpuCores: cpuKnown ? s.cpuCores : s.cpuCores.map(() => null),
      memoryBytes: s.memoryBytes,
      cpuFromMs: s.cpuCores.map((c, i) =>
        cpuKnown && c !== null && i > 0 ? resources.sampledAtMs[i - 1]! : null,
      ),
      readAtMs: s.cpuCores.map((c, i) =>
        c !== null || s.memoryBytes[i] !== null ? resources.sampledAtMs[i]! : null,
      ),
    };
  }
  const measured = load
    ? { fromMs: load.measuredFromMs, toMs: load.measuredFromMs + load.achieved.measuredMs }
    : null;
  return {
    ...data,
    schema: RUN_SCHEMA,
    resources: {
      ...resources,
      usage,
      perRun: perRunResources(resources.containers, resources.sampledAtMs, usage, measured),
    },
  };
}
