// Another tool's run as a meshbench run.json: the latency histogram rebuilt from what
// the tool wrote, its counts and rates, and an event saying where the run came from and
// how close the rebuilt distribution is, so every report shows it. What the tool did not
// record is left out where run.json allows (resources, events), and named in the note
// where it does not. Pure.
import { createHistogram, encodeHistogram, type Histogram, spectrum } from "../histogram/hdr.ts";
import type { ErrorCounts, LoadgenResult, StatusCounts } from "../results/loadgen-schema.ts";
import { LOADGEN_SCHEMA } from "../results/loadgen-version.ts";
import type { Mesh, RunResult } from "../results/run-schema.ts";
import { RUN_SCHEMA } from "../results/run-version.ts";
import { VERSION } from "../version.ts";

/** A file that is not what its importer reads; the message names the file and line. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

export interface ImportedLoad {
  /** The tool and what was read, e.g. `wrk2 -L output`. */
  tool: string;
  url: string;
  /** Latencies in µs, rebuilt from the tool's output. */
  histogram: Histogram;
  /** The run's whole length and where its recorded latencies start, ms. */
  startedMs: number;
  durationMs: number;
  measuredFromMs: number;
  measuredMs: number;
  connections: number;
  workers: number;
  timeoutMs: number;
  /** Responses over the measured period ÷ its length. */
  achievedRate: number;
  /** Requests answered or failed (the histogram's and the failures without one). */
  sent: number;
  status: StatusCounts;
  errors: ErrorCounts;
  /** Where the figures come from and how exact they are; shown as the run's event. */
  note: string;
}

export interface ImportTarget {
  scenario: string;
  mesh: Mesh;
  repetition: number;
  /** The rate the tool was asked for (requests/s). */
  rate: number;
}

export function importedRun(load: ImportedLoad, target: ImportTarget): RunResult {
  const latency = { ...spectrum(load.histogram), censored: 0 };
  const encoded = encodeHistogram(load.histogram);
  const empty = createHistogram();
  const responses = load.histogram.totalCount;
  const endedMs = load.startedMs + load.durationMs;
  const result: LoadgenResult = {
    schema: LOADGEN_SCHEMA,
    version: load.tool,
    startedAt: new Date(load.startedMs).toISOString(),
    endedAt: new Date(endedMs).toISOString(),
    measuredFromMs: load.measuredFromMs,
    target: {
      rate: target.rate,
      durationMs: load.durationMs,
      warmupMs: load.measuredFromMs - load.startedMs,
      connections: load.connections,
      workers: load.workers,
      urls: [load.url],
      timeoutMs: load.timeoutMs,
      intervalMs: load.measuredMs,
      pacing: "precise",
      pods: 1,
    },
    achieved: {
      rate: load.achievedRate,
      requests: responses,
      measuredMs: load.measuredMs,
      sent: load.sent,
      unsent: 0,
      status: load.status,
      errors: load.errors,
    },
    latencyUs: latency,
    histogram: encoded,
    errorLatencyUs: spectrum(empty),
    errorHistogram: encodeHistogram(empty),
    warmup: { requests: 0, failures: 0 },
    paths: {
      [load.url]: {
        requests: responses,
        status: load.status,
        errors: load.errors,
        latencyUs: latency,
        histogram: encoded,
      },
    },
  };
  return {
    schema: RUN_SCHEMA,
    scenario: target.scenario,
    mesh: target.mesh,
    repetition: target.repetition,
    spec: {
      workload: { name: "imported", instances: 1 },
      rate: target.rate,
      durationMs: load.durationMs,
      connections: load.connections,
      loadgenPods: 1,
    },
    platform: { kind: "imported", nodes: { count: 0, types: [] } },
    environment: {
      meshbenchVersion: VERSION,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
    },
    load: result,
    resources: null,
    events: [{ atMs: load.startedMs, kind: "other", container: "import", detail: load.note }],
    status: { state: "ok" },
  };
}

export const noErrors = (): ErrorCounts => ({ connect: 0, reset: 0, timeout: 0, other: 0 });
export const noStatus = (): StatusCounts => ({ "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 });
