// Reading and writing one run.json. Reading never throws: a damaged or foreign file
// becomes a problem that names the path and what is wrong, so a report can go on without
// it. Writing validates first, so a run.json on disk always reads back.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { VERSION } from "../version.ts";
import { type RunResult, runSchema } from "./run-schema.ts";
import { RUN_SCHEMA_V1, upgradeRunV1 } from "./run-v1.ts";
import {
  RUN_FILE,
  RUN_HLOG,
  RUN_SCHEMA,
  RUN_SCHEMA_MAJOR,
  RUN_SCHEMA_PREFIX,
} from "./run-version.ts";

export type ParsedRun = { ok: true; run: RunResult } | { ok: false; problem: string };

/** At most this many validation issues are listed; the rest are counted. */
const MAX_ISSUES = 5;

export function formatZodIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - MAX_ISSUES;
  return issues.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/** Parses the text of a run.json found at `path` (used only in messages). */
export function parseRun(text: string, path: string): ParsedRun {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${path}: damaged, not valid JSON (${(error as Error).message})` };
  }
  const schema =
    typeof data === "object" && data !== null && !Array.isArray(data)
      ? (data as { schema?: unknown }).schema
      : undefined;
  if (typeof schema !== "string") {
    return {
      ok: false,
      problem: `${path}: not a meshbench run file (no "schema" field; expected "${RUN_SCHEMA}")`,
    };
  }
  if (!schema.startsWith(RUN_SCHEMA_PREFIX)) {
    return {
      ok: false,
      problem: `${path}: not a meshbench run file (schema "${schema}"; expected "${RUN_SCHEMA}")`,
    };
  }
  const major = /^v(\d+)$/.exec(schema.slice(RUN_SCHEMA_PREFIX.length))?.[1];
  // v1 is still read: upgraded to today's form (run-v1.ts).
  if (Number(major) === 1) data = upgradeRunV1(data as Record<string, unknown>);
  else if (major === undefined || Number(major) !== RUN_SCHEMA_MAJOR) {
    const newer = major !== undefined && Number(major) > RUN_SCHEMA_MAJOR;
    return {
      ok: false,
      problem:
        `${path}: schema "${schema}" is refused: meshbench ${VERSION} reads only "${RUN_SCHEMA}" and "${RUN_SCHEMA_V1}"` +
        (newer ? "; it was written by a newer meshbench, upgrade to read it" : ""),
    };
  }
  const result = runSchema.safeParse(data);
  if (!result.success) {
    return { ok: false, problem: `${path}: damaged run file: ${formatZodIssues(result.error)}` };
  }
  return { ok: true, run: result.data };
}

/** The text of a run.json; throws with the failing fields when `run` is not valid. */
export function serializeRun(run: RunResult): string {
  const result = runSchema.safeParse(run);
  if (!result.success) {
    throw new Error(`refusing to write an invalid run.json: ${formatZodIssues(result.error)}`);
  }
  return `${stringify(result.data)}\n`;
}

/**
 * JSON indented by two spaces, except arrays of numbers, which stay on one line: resource
 * samples would otherwise take a line per number. (JSON strings hold no raw newline, so
 * the pattern cannot match inside one.)
 */
function stringify(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(
    /\[\n\s*((?:-?\d[\d.eE+-]*|null)(?:,\n\s*(?:-?\d[\d.eE+-]*|null))*)\n\s*\]/g,
    (_, items: string) => `[${items.split(/,\n\s*/).join(", ")}]`,
  );
}

/**
 * Writes `dir/run.json` (and `dir/latency.hlog` when given); each file appears whole or not at all.
 */
export async function writeRun(dir: string, run: RunResult, hlog?: string): Promise<string> {
  const text = serializeRun(run);
  await mkdir(dir, { recursive: true });
  const path = join(dir, RUN_FILE);
  await writeAtomically(path, text);
  if (hlog !== undefined) await writeAtomically(join(dir, RUN_HLOG), hlog);
  return path;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
