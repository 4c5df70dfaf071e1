// The end-of-run summary, like wrk2's: the eight percentiles, achieved vs target rate,
// and every outcome by class. Pure: result in, text out.
import { lowerBoundKeys } from "../histogram/censored.ts";
import { PERCENTILE_KEYS, type PercentileKey } from "../histogram/hdr.ts";
import {
  latenessDominates as dominates,
  isSaturated,
  LATENESS_WARNING,
  SATURATION_WARNING,
} from "../results/instrument.ts";
import type { CensoredSpectrum, LoadgenResult } from "../results/loadgen-schema.ts";
import { formatDuration } from "../scenario/duration.ts";
import type { Progress } from "./run.ts";

export const ms = (us: number): string => (us / 1000).toFixed(3);

/** A percentile in ms, `≥` when timed-out requests make it a lower bound. */
export const percentileMs = (s: CensoredSpectrum, key: PercentileKey): string =>
  (lowerBoundKeys(s.count, s.censored).includes(key) ? "≥" : "") + ms(s[key]);

/** Whether the load generator's own p99 send lateness exceeds 10 % of the measured p99. */
export function latenessDominates(r: LoadgenResult): boolean {
  const late = r.latenessUs;
  return late !== undefined && late.count > 0 && dominates(late.p99, r.latencyUs.p99);
}

/** Whether the load generator's own busiest worker had its event loop busy ≥ 90 % of the run. */
export const saturated = (r: LoadgenResult): boolean =>
  r.instrument !== undefined && isSaturated(r.instrument.utilization);

export function formatSummary(r: LoadgenResult): string {
  const t = r.target;
  const a = r.achieved;
  const pct = t.rate > 0 ? (100 * a.rate) / t.rate : 0;
  const head = PERCENTILE_KEYS.map((k) => (k === "p100" ? "max" : k).padStart(9)).join("");
  const values = PERCENTILE_KEYS.map((k) => percentileMs(r.latencyUs, k).padStart(9)).join("");
  const failures = a.errors.connect + a.errors.reset + a.errors.timeout + a.errors.other;
  const lines = [
    `meshbench loadgen: ${t.rate} rps over ${t.connections} connections, ${t.workers} worker(s), ` +
      `${formatDuration(t.durationMs)} (${formatDuration(t.warmupMs)} warm-up not measured), ${t.pacing} pacing`,
    "",
    ...(r.latencyUs.count > 0
      ? [
          `  Latency (ms, from intended send time; mean ${ms(r.latencyUs.mean)})`,
          `  ${head}`,
          `  ${values}`,
        ]
      : ["  Latency: nothing was answered in the measured period (no percentiles to show)"]),
    "",
    `  Achieved ${a.rate.toFixed(1)} rps of ${t.rate} target (${pct.toFixed(1)} %): ` +
      `${a.requests} responses in ${formatDuration(a.measuredMs)} measured` +
      (a.goodRate !== undefined ? `; good (2xx/3xx) ${a.goodRate.toFixed(1)} rps` : ""),
    `  Responses  2xx ${a.status["2xx"]}  3xx ${a.status["3xx"]}  4xx ${a.status["4xx"]}  5xx ${a.status["5xx"]}`,
    `  Failures   connect ${a.errors.connect}  reset ${a.errors.reset}  timeout ${a.errors.timeout}  other ${a.errors.other}` +
      (failures > 0
        ? `  (time to failure p50 ${ms(r.errorLatencyUs.p50)} ms, max ${ms(r.errorLatencyUs.p100)} ms)`
        : ""),
  ];
  const late = r.latenessUs;
  if (late && late.count > 0) {
    lines.push(
      `  Lateness   p50 ${ms(late.p50)} ms  p99 ${ms(late.p99)} ms  max ${ms(late.p100)} ms: the load generator's own (actual − intended send), part of every latency above`,
    );
    if (latenessDominates(r)) lines.push(`  Warning    ${LATENESS_WARNING}`);
  }
  const load = r.instrument;
  if (load) {
    lines.push(
      `  Instrument busiest worker's event loop busy ${(100 * load.utilization).toFixed(0)} % of the run, its delay p99 ${ms(load.loopDelayP99Us)} ms, max ${ms(load.loopDelayMaxUs)} ms`,
    );
    if (saturated(r)) lines.push(`  Warning    ${SATURATION_WARNING}`);
  }
  if (r.latencyUs.censored > 0) {
    lines.push(
      `  Timed out  ${r.latencyUs.censored} requests, kept in the latencies at their elapsed time: values marked ≥ are lower bounds`,
    );
  }
  if (a.unsent > 0) {
    lines.push(
      `  Unsent     ${a.unsent} scheduled requests never went out: the target fell behind the schedule`,
    );
  }
  const paths = Object.entries(r.paths);
  if (paths.length > 1) {
    lines.push(
      "",
      "  Per URL                                            requests      p50      p99      max",
    );
    for (const [url, p] of paths) {
      lines.push(
        `  ${url.padEnd(50).slice(0, 50)} ${String(p.requests).padStart(8)} ${percentileMs(p.latencyUs, "p50").padStart(8)} ${percentileMs(p.latencyUs, "p99").padStart(8)} ${percentileMs(p.latencyUs, "p100").padStart(8)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const bound = (lowerBound: boolean): string => (lowerBound ? "≥" : "");

export function formatProgress(p: Progress): string {
  const clock = `${(p.elapsedMs / 1000).toFixed(1)}s/${(p.durationMs / 1000).toFixed(1)}s`;
  const figures =
    p.requests > 0
      ? `  p50 ${bound(p.p50LowerBound)}${ms(p.p50Us)} ms  p99 ${bound(p.p99LowerBound)}${ms(p.p99Us)} ms  (${p.requests} recorded)`
      : "";
  return `[${clock}] ${p.phase.padEnd(7)} ${p.rate.toFixed(1)} rps  ${p.failures} failures${figures}\n`;
}
