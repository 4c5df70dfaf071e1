// loadgen.json: the only contract between the load generator and everything that reads
// its results (run.json embeds it; reports read it). Field names are a stable interface;
// additions are fine, renames are a new major version.
import { z } from "zod";
import { MAX_HISTOGRAM_CHARS, MAX_NAME_CHARS, MAX_URLS } from "./caps.ts";
import { LOADGEN_SCHEMA } from "./loadgen-version.ts";

export { LOADGEN_SCHEMA };

const count = z.number().int().nonnegative();
// Bounded (caps.ts): loadgen results reach reports inside untrusted run files.
const name = z.string().max(MAX_NAME_CHARS);
const histogram = z.string().max(MAX_HISTOGRAM_CHARS);

export const latencySpectrumSchema = z.object({
  p50: z.number().nonnegative(),
  p75: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  "p99.9": z.number().nonnegative(),
  "p99.99": z.number().nonnegative(),
  "p99.999": z.number().nonnegative(),
  p100: z.number().nonnegative(),
  mean: z.number().nonnegative(),
  count,
});

/**
 * Latency percentiles with the number of censored values among them: requests that timed
 * out, recorded at their elapsed time (a lower bound). Absent in files written before
 * timeouts were recorded, which had none (0).
 */
export const censoredSpectrumSchema = latencySpectrumSchema.extend({
  censored: count.default(0),
});

export const statusCountsSchema = z.object({
  "2xx": count,
  "3xx": count,
  "4xx": count,
  "5xx": count,
});

export const errorCountsSchema = z.object({
  connect: count,
  reset: count,
  timeout: count,
  other: count,
});

export const pathResultSchema = z.object({
  /** Responses recorded for this URL in the measured period. */
  requests: count,
  status: statusCountsSchema,
  errors: errorCountsSchema,
  latencyUs: censoredSpectrumSchema,
  /** This URL's latency histogram (compressed base64), so pods merge exactly. */
  histogram,
});

export const loadgenResultSchema = z.object({
  schema: z.literal(LOADGEN_SCHEMA),
  version: name,
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  /** Wall-clock start of the measured period (after warm-up), ms since the epoch. */
  measuredFromMs: z.number(),
  target: z.object({
    rate: z.number().positive(),
    durationMs: z.number().int().positive(),
    warmupMs: z.number().int().nonnegative(),
    connections: z.number().int().positive(),
    workers: z.number().int().positive(),
    urls: z.array(name).min(1).max(MAX_URLS),
    timeoutMs: z.number().int().positive(),
    intervalMs: z.number().int().positive(),
    pacing: z.enum(["efficient", "precise"]),
    /** Load-generator pods whose results were merged into this one (1 when not merged). */
    pods: z.number().int().positive(),
  }),
  achieved: z.object({
    /** Responses recorded in the measured period ÷ measured seconds. */
    rate: z.number().nonnegative(),
    /**
     * Good responses (2xx, 3xx) of the same period ÷ the same seconds: what the target
     * really served. Absent in older files (derive it from status and measuredMs).
     */
    goodRate: z.number().nonnegative().optional(),
    /** Responses recorded in the measured period (= latencyUs.count − latencyUs.censored). */
    requests: count,
    measuredMs: z.number().int().positive(),
    /** Requests answered or failed in the measured period (responses + failures). */
    sent: count,
    /** Scheduled slots never sent because the run ended first (the overload backlog). */
    unsent: count,
    status: statusCountsSchema,
    errors: errorCountsSchema,
  }),
  /** Responses and timed-out requests (at their elapsed time: `censored`) of the period. */
  latencyUs: censoredSpectrumSchema,
  histogram,
  /** Time from intended send to failure, for requests that failed (any error class). */
  errorLatencyUs: latencySpectrumSchema,
  errorHistogram: histogram,
  /**
   * The load generator's own send lateness (actual − intended send) in the measured period:
   * part of every latency above. Absent in files written before it was measured.
   */
  latenessUs: latencySpectrumSchema.optional(),
  latenessHistogram: histogram.optional(),
  /**
   * The load generator's own load over the run, of its busiest worker (and pod): the share
   * of time its event loop was busy and the loop's delay. Absent in older files.
   */
  instrument: z
    .object({
      utilization: z.number().min(0).max(1),
      loopDelayP99Us: count,
      loopDelayMaxUs: count,
    })
    .optional(),
  warmup: z.object({ requests: count, failures: count }),
  paths: z
    .record(name, pathResultSchema)
    .refine((paths) => Object.keys(paths).length <= MAX_URLS, `more than ${MAX_URLS} paths`),
});

export type LatencySpectrum = z.infer<typeof latencySpectrumSchema>;
export type CensoredSpectrum = z.infer<typeof censoredSpectrumSchema>;
export type StatusCounts = z.infer<typeof statusCountsSchema>;
export type ErrorCounts = z.infer<typeof errorCountsSchema>;
export type PathResult = z.infer<typeof pathResultSchema>;
export type LoadgenResult = z.infer<typeof loadgenResultSchema>;
export type InstrumentLoad = NonNullable<LoadgenResult["instrument"]>;
