// The load generator's progress lines, read back: it runs as its own process and prints
// one line per interval (src/loadgen/summary.ts formatProgress); the orchestrator wants
// the figures (live rate, p99) to show them its own way. Pure.
import type { Progress } from "../loadgen/run.ts";

const LINE =
  /^\[(\d+(?:\.\d+)?)s\/(\d+(?:\.\d+)?)s\] (warmup|measure|drain)\s+(\d+(?:\.\d+)?) rps {2}(\d+) failures(?: {2}p50 (≥?)(\d+(?:\.\d+)?) ms {2}p99 (≥?)(\d+(?:\.\d+)?) ms {2}\((\d+) recorded\))?$/;

/** The figures of a progress line, or null for any other line (the summary, warnings). */
export function parseProgressLine(line: string): Progress | null {
  const m = LINE.exec(line.trimEnd());
  if (!m) return null;
  return {
    phase: m[3] as Progress["phase"],
    elapsedMs: Math.round(Number(m[1]) * 1000),
    durationMs: Math.round(Number(m[2]) * 1000),
    rate: Number(m[4]),
    failures: Number(m[5]),
    requests: m[10] === undefined ? 0 : Number(m[10]),
    p50Us: m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000),
    p99Us: m[9] === undefined ? 0 : Math.round(Number(m[9]) * 1000),
    p50LowerBound: m[6] === "≥",
    p99LowerBound: m[8] === "≥",
  };
}

/**
 * One line for P load-generator pods, each reporting its own share: rates, failures and
 * requests add up; p50 and p99 are the worst pod's (a live upper bound: the exact
 * percentiles come from the merged histograms at the end), marked lower bounds when any
 * pod's is one (that pod's true value may be above the worst shown).
 */
export function combineProgress(pods: readonly Progress[]): Progress | null {
  if (pods.length === 0) return null;
  const slowest = pods.reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a));
  return {
    phase: slowest.phase,
    elapsedMs: slowest.elapsedMs,
    durationMs: Math.max(...pods.map((p) => p.durationMs)),
    rate: pods.reduce((n, p) => n + p.rate, 0),
    failures: pods.reduce((n, p) => n + p.failures, 0),
    requests: pods.reduce((n, p) => n + p.requests, 0),
    p50Us: Math.max(...pods.map((p) => p.p50Us)),
    p99Us: Math.max(...pods.map((p) => p.p99Us)),
    p50LowerBound: pods.some((p) => p.p50LowerBound),
    p99LowerBound: pods.some((p) => p.p99LowerBound),
  };
}
