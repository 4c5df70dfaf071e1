// Checks on the runs of a paired mesh rather than on their numbers: the share of runs that
// failed, and container restarts per completed run (the workload's and its proxies'). A
// version bump that makes runs fail or proxies restart is worse whatever the latency of the
// runs that survived, and a failed run or a restart is never noise: any increase regresses,
// any decrease improves. Runs recorded as skipped (the mesh could not run here) are not
// runs of the mesh and do not count. Pure.
import type { ResourceClass } from "../results/run-schema.ts";
import { describe } from "./describe.ts";
import type { MetricComparison } from "./metric-comparison.ts";
import { metricDef, type RunCheckId } from "./metrics.ts";
import type { FailedRun, MeshSummary, MetricSummary } from "./summarize.ts";
import type { GateConfig } from "./thresholds.ts";
import type { Verdict } from "./verdict.ts";

/**
 * Restarts that do not count: the load generator's (meshbench's own) and the control
 * plane's (not on the request path). Application and data-plane restarts count, and so do
 * those of a container the run has no samples for (its class unknown): a gate errs on the
 * side of looking.
 */
export const IGNORED_RESTART_CLASSES: readonly ResourceClass[] = ["loadGenerator", "controlPlane"];

/** Failures of the mesh's own runs: a skipped mesh (phase "skipped") never ran. */
export const countedFailures = (m: MeshSummary): FailedRun[] =>
  m.failed.filter((f) => f.phase !== "skipped");

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Long failure reasons (several lines joined) are cut: the failed-runs table has them whole. */
const REASON_CHARS = 120;
const shorten = (text: string): string =>
  text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;

function failedSide(side: "baseline" | "candidate", m: MeshSummary): string {
  const failed = countedFailures(m);
  const total = m.runs.length + failed.length;
  if (failed.length === 0)
    return total === 1 ? `the ${side}'s run completed` : `the ${side}'s ${total} runs completed`;
  const why = failed.map((f) => `r${f.repetition}: ${shorten(f.reason)}`).join("; ");
  if (failed.length === total)
    return total === 1
      ? `the ${side}'s run failed (${why})`
      : `all ${total} ${side} runs failed (${why})`;
  return `${failed.length} of ${total} ${side} runs failed (${why})`;
}

/**
 * Restarts that count, per completed run (in the order of `m.runs`), with the containers:
 * restarts, not events (one observation of a restart count that went up by 3 is 3).
 */
function restartsPerRun(m: MeshSummary): { counts: number[]; detail: string[] } {
  const detail: string[] = [];
  const counts = m.runs.map((run) => {
    const byContainer = new Map<string, number>();
    for (const row of m.events) {
      if (row.path !== run.path || row.event.kind !== "restart") continue;
      if (row.class && IGNORED_RESTART_CLASSES.includes(row.class)) continue;
      const n = row.event.restarts ?? 1;
      byContainer.set(row.event.container, (byContainer.get(row.event.container) ?? 0) + n);
    }
    const names = [...byContainer].map(([c, n]) => (n > 1 ? `${c} ×${n}` : c));
    if (names.length > 0) detail.push(`r${run.repetition}: ${names.join(", ")}`);
    return [...byContainer.values()].reduce((a, b) => a + b, 0);
  });
  return { counts, detail };
}

function restartSide(
  side: "baseline" | "candidate",
  m: MeshSummary,
  r: ReturnType<typeof restartsPerRun>,
): string {
  const total = r.counts.reduce((a, b) => a + b, 0);
  const runs =
    m.runs.length === 1
      ? `the ${side}'s completed run`
      : `the ${side}'s ${m.runs.length} completed runs`;
  if (total === 0) return `no restart in ${runs}`;
  return `${plural(total, "restart")} in ${runs} (${r.detail.join("; ")})`;
}

function verdictOf(order: number): Verdict {
  return order > 0 ? "regressed" : order < 0 ? "improved" : "unchanged";
}

function comparison(
  metric: RunCheckId,
  base: MetricSummary & { pooled: number },
  cand: MetricSummary & { pooled: number },
  order: number,
  reason: string,
): MetricComparison {
  const change = cand.pooled - base.pooled;
  return {
    metric,
    threshold: metricDef(metric).threshold,
    base,
    cand,
    verdict: verdictOf(order),
    baseline: base.pooled,
    candidate: cand.pooled,
    change,
    changePct: base.pooled === 0 ? null : (change / base.pooled) * 100,
    exceedsThreshold: order !== 0,
    noise: { test: "none" },
    reason,
  };
}

/** 1 for a failed run, 0 for a completed one, in repetition order; pooled: the failed share. */
function failedSummary(m: MeshSummary): (MetricSummary & { pooled: number }) | null {
  const flags = [
    ...m.runs.map((r) => ({ repetition: r.repetition, failed: 0 })),
    ...countedFailures(m).map((f) => ({ repetition: f.repetition, failed: 1 })),
  ].sort((a, b) => a.repetition - b.repetition);
  if (flags.length === 0) return null;
  const values = flags.map((f) => f.failed);
  return { ...describe(values), pooled: values.reduce((a, b) => a + b, 0) / values.length };
}

/**
 * The run checks of a pair, each unless the gate turned it off. `runs.failed` needs a run
 * (completed or failed) on each side; `events.restarts` a completed run on each side.
 */
export function runChecks(
  base: MeshSummary,
  cand: MeshSummary,
  gate: GateConfig,
): MetricComparison[] {
  const off = new Set(gate.off ?? []);
  const out: MetricComparison[] = [];
  const b = failedSummary(base);
  const c = failedSummary(cand);
  if (!off.has("runs.failed") && b && c) {
    // Integers cross-multiplied: 1 of 3 and 2 of 6 are the same share, exactly.
    const order = countedFailures(cand).length * b.n - countedFailures(base).length * c.n;
    out.push(
      comparison(
        "runs.failed",
        b,
        c,
        Math.sign(order),
        countedFailures(cand).length + countedFailures(base).length === 0
          ? "no run failed on either side"
          : `${failedSide("candidate", cand)}; ${failedSide("baseline", base)}`,
      ),
    );
  }
  if (!off.has("events.restarts") && base.runs.length > 0 && cand.runs.length > 0) {
    const rb = restartsPerRun(base);
    const rc = restartsPerRun(cand);
    const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
    const bs = { ...describe(rb.counts), pooled: sum(rb.counts) / rb.counts.length };
    const cs = { ...describe(rc.counts), pooled: sum(rc.counts) / rc.counts.length };
    const order = sum(rc.counts) * rb.counts.length - sum(rb.counts) * rc.counts.length;
    out.push(
      comparison(
        "events.restarts",
        bs,
        cs,
        Math.sign(order),
        sum(rc.counts) + sum(rb.counts) === 0
          ? "no restart on either side"
          : `${restartSide("candidate", cand, rc)}; ${restartSide("baseline", base, rb)}`,
      ),
    );
  }
  return out;
}
