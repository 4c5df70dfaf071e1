// capacity.json: what `meshbench capacity` found per mesh, beside the probes' run.json files
// (results/<scenario>-capacity/<mesh>/p<k>/). Reports read it back from artifacts, so it is
// validated and bounded like run.json (untrusted data).
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { MAX_NAME_CHARS, MAX_TEXT_CHARS } from "./caps.ts";
import { formatZodIssues } from "./run-file.ts";
import { meshSchema } from "./run-schema.ts";

export const CAPACITY_SCHEMA = "meshbench/capacity/v1";
export const CAPACITY_FILE = "capacity.json";

const name = z.string().max(MAX_NAME_CHARS);
const rate = z.number().positive();
const nonNegative = z.number().nonnegative();

export const capacityProbeSchema = z.object({
  rate,
  /** The confirmation run at the answer (longer than a probe). */
  confirm: z.boolean(),
  /** It held every SLO term. */
  passed: z.boolean(),
  /** It failed while the load generator was saturated. */
  instrumentLimited: z.boolean(),
  /** The SLO terms it broke, each with what was measured (or why the run failed). */
  broken: z.array(z.string().max(MAX_TEXT_CHARS)).max(100),
  /** Its run.json's folder, relative to capacity.json. */
  dir: name,
  /** Absent: the run recorded no response. */
  p99Ms: nonNegative.optional(),
  achievedRate: nonNegative.optional(),
  /** Mean CPU of the data plane over the measured period; absent: not measured or none. */
  dataPlaneCores: nonNegative.optional(),
});

export const meshCapacitySchema = z.object({
  mesh: meshSchema,
  /**
   * capacity: held at rate, failed at bracket.failed; at-least: a lower bound (limit: max
   * held, or the load generator gave out); none: min failed; failed: a probe could not run
   * (reason); skipped: the mesh cannot run here (reason).
   */
  kind: z.enum(["capacity", "at-least", "none", "failed", "skipped"]),
  rate: rate.nullable(),
  bracket: z.object({ held: rate.nullable(), failed: rate.nullable() }),
  limit: z.enum(["max", "instrument"]).optional(),
  reason: z.string().max(MAX_TEXT_CHARS).optional(),
  probes: z.array(capacityProbeSchema).max(1000),
});

export const capacityFileSchema = z.object({
  schema: z.literal(CAPACITY_SCHEMA),
  scenario: name,
  /** The SLO's terms as written (p99 <= 100ms). */
  slo: z.array(name).min(1).max(100),
  minRate: rate,
  maxRate: rate,
  /** As written: 5% or 20rps. */
  precision: name,
  probeMs: z.number().int().positive(),
  confirmMs: z.number().int().positive(),
  meshes: z.array(meshCapacitySchema).max(1000),
});

export type CapacityProbeRecord = z.infer<typeof capacityProbeSchema>;
export type MeshCapacity = z.infer<typeof meshCapacitySchema>;
export type CapacityFile = z.infer<typeof capacityFileSchema>;

export async function writeCapacityFile(dir: string, file: CapacityFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, CAPACITY_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(capacityFileSchema.parse(file), null, 2)}\n`);
  await rename(tmp, path);
  return path;
}

/** Reads dir/capacity.json: null when there is none, a problem naming the path when damaged. */
export async function readCapacityFile(
  dir: string,
): Promise<{ ok: true; file: CapacityFile } | { ok: false; problem: string } | null> {
  const path = join(dir, CAPACITY_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    return { ok: false, problem: `${path}: ${(error as Error).message}` };
  }
  if (text.length > 16 * 1024 * 1024) return { ok: false, problem: `${path}: too large` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${path}: damaged, not valid JSON (${(error as Error).message})` };
  }
  const parsed = capacityFileSchema.safeParse(data);
  return parsed.success
    ? { ok: true, file: parsed.data }
    : { ok: false, problem: `${path}: ${formatZodIssues(parsed.error)}` };
}
