// The history of scheduled reports: one JSON line per run (JSON Lines), one file per
// scenario and year (`history/<scenario>/<year>.jsonl`), read back for trend charts and
// the history page. Pure: text in, values out. A line that does not validate is reported
// and skipped, never fatal: the file lives in a branch anyone with write access can edit.
// Lines are compact: absent figures are left out (never 0), numbers keep 4 significant
// digits (the histograms keep 3): about 1.3 KB a run of four meshes, so a year of daily
// runs is about 0.5 MB.
import { z } from "zod";

export const HISTORY_SCHEMA = "meshbench/history/v1";

/** Written absent when not measured; older lines wrote null. */
const nullableNumber = z.number().finite().nonnegative().nullish();

const HistoryMesh = z.object({
  /** Responses per second achieved (not the target rate). */
  achievedRate: z.number().finite().nonnegative(),
  /** Latency percentiles in µs, from the merged histogram of the repetitions. */
  latencyUs: z.object({
    p50: z.number().finite().nonnegative(),
    p90: z.number().finite().nonnegative().optional(),
    p99: z.number().finite().nonnegative(),
    "p99.9": z.number().finite().nonnegative().optional(),
    p100: z.number().finite().nonnegative().optional(),
  }),
  /** Median over repetitions of the per-run maximum (see DESIGN: resources). */
  dataPlaneMemoryBytes: nullableNumber,
  controlPlaneMemoryBytes: nullableNumber,
  dataPlaneCpuCores: nullableNumber.optional(),
  controlPlaneCpuCores: nullableNumber.optional(),
  errors: z.number().int().nonnegative().optional(),
  /** The mesh's version as its runs recorded it: a change is drawn as a marker. */
  version: z.string().min(1).max(200).optional(),
  /** Metric ids the gate called regressed against the baseline, when there was one. */
  regressed: z.array(z.string().min(1).max(100)).max(100).optional(),
  /** meshbench capacity's answer (absent: no search): its kind, rate and bracket in rps. */
  capacity: z
    .object({
      kind: z.enum(["capacity", "at-least", "none"]),
      rate: nullableNumber,
      held: nullableNumber,
      failed: nullableNumber,
    })
    .optional(),
});
export type HistoryMesh = z.infer<typeof HistoryMesh>;

const HistoryEntry = z.object({
  schema: z.literal(HISTORY_SCHEMA),
  at: z.iso.datetime({ offset: true }),
  scenario: z.string().min(1),
  run: z.object({
    id: z.number().int().positive(),
    url: z.string(),
    sha: z.string(),
    ref: z.string(),
    event: z.string(),
  }),
  meshes: z.record(z.string().min(1), HistoryMesh),
  /** The calibrated run-to-run spread (% of the mean) per metric id, when the gate had one. */
  noisePct: z.record(z.string().min(1).max(100), z.number().finite().nonnegative()).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export interface HistoryProblem {
  /** 1-based line number. */
  line: number;
  message: string;
}

export function parseHistory(text: string): {
  entries: HistoryEntry[];
  problems: HistoryProblem[];
} {
  const entries: HistoryEntry[] = [];
  const problems: HistoryProblem[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ line, message: "not JSON" });
      return;
    }
    const schema = (value as { schema?: unknown })?.schema;
    if (
      typeof schema === "string" &&
      /^meshbench\/history\/v(\d+)$/.test(schema) &&
      schema !== HISTORY_SCHEMA
    ) {
      problems.push({
        line,
        message: `${schema} was written by a newer meshbench; this one reads ${HISTORY_SCHEMA}`,
      });
      return;
    }
    const parsed = HistoryEntry.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else problems.push({ line, message: z.prettifyError(parsed.error).replace(/\n/g, " ") });
  });
  return { entries, problems };
}

/** Validates an entry before it is written (a bad line would be skipped by every reader). */
export function historyLine(entry: HistoryEntry): string {
  return JSON.stringify(HistoryEntry.parse(entry), compact);
}

/**
 * JSON.stringify's replacer: nulls left out; fractions and byte counts to 4 significant
 * digits (identifiers, counts and µs latencies, all integers, stay exact).
 */
function compact(key: string, value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === "number" && (!Number.isInteger(value) || key.endsWith("Bytes")))
    return Number(value.toPrecision(4));
  return value;
}

/** Where a scenario's entries of one year live on the history branch. */
export const historyFile = (scenario: string, year: number) =>
  `${historyDir(scenario)}/${year}.jsonl`;

/** The folder of a scenario's yearly files. */
export const historyDir = (scenario: string) =>
  `history/${scenario.replace(/[^A-Za-z0-9._-]/g, "_")}`;

/** The single file per scenario that meshbench wrote before it rotated by year. */
export const legacyHistoryFile = (scenario: string) => `${historyDir(scenario)}.jsonl`;

/** The year (UTC) an entry belongs to. */
export const entryYear = (entry: Pick<HistoryEntry, "at">) => new Date(entry.at).getUTCFullYear();

/**
 * `text` with `entry` appended. When the result would pass `maxBytes`, the oldest lines
 * are dropped until it fits (they remain in the branch's git history); `dropped` says how
 * many. One entry larger than `maxBytes` is an error.
 */
export function appendToHistory(
  text: string,
  entry: HistoryEntry,
  maxBytes: number,
): { text: string; dropped: number } {
  const line = `${historyLine(entry)}\n`;
  if (Buffer.byteLength(line) > maxBytes) {
    throw new Error(
      `one history entry is ${Buffer.byteLength(line)} bytes, over the ${maxBytes}-byte cap of the file`,
    );
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  let size = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) + Buffer.byteLength(line);
  let dropped = 0;
  while (size > maxBytes && dropped < lines.length) {
    size -= Buffer.byteLength(lines[dropped]!) + 1;
    dropped++;
  }
  const kept = lines.slice(dropped);
  return { text: (kept.length ? `${kept.join("\n")}\n` : "") + line, dropped };
}

export interface TrendPoint {
  at: string;
  runId: number;
  value: number;
}

/**
 * One series per mesh of `scenario`, oldest first, for a metric such as `(m) => m.latencyUs.p99`.
 */
export function trendSeries(
  entries: HistoryEntry[],
  scenario: string,
  metric: (m: HistoryMesh) => number | null | undefined,
): Map<string, TrendPoint[]> {
  const series = new Map<string, TrendPoint[]>();
  const sorted = entries
    .filter((e) => e.scenario === scenario)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const e of sorted) {
    for (const [mesh, m] of Object.entries(e.meshes)) {
      const value = metric(m);
      if (value === null || value === undefined) continue;
      if (!series.has(mesh)) series.set(mesh, []);
      series.get(mesh)!.push({ at: e.at, runId: e.run.id, value });
    }
  }
  return series;
}
