// The run checks (failed runs, restarts) where readers and tools meet the verdicts: the
// compact report's essential section and summary.json.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderCompact } from "../../src/report/markdown.ts";
import { buildSummaryJson } from "../../src/report/summary-json.ts";
import type { Mesh, RunResult } from "../../src/results/run-schema.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

function runs(mesh: Mesh, failedReps: number[], n = 2): { path: string; run: RunResult }[] {
  return Array.from({ length: n }, (_, i) => {
    const repetition = i + 1;
    const failed = failedReps.includes(repetition);
    return {
      path: `${mesh.name}-${mesh.version}/r${repetition}/run.json`,
      run: runResult({
        mesh,
        repetition,
        rate: 1000,
        durationMs: 60_000,
        load: failed ? null : loadResult({ histogram: uniformHistogram(1000, 2000) }),
        ...(failed
          ? { status: { state: "failed", reason: "web-1 exited during the load", phase: "load" } }
          : {}),
      }),
    };
  });
}

describe("failed runs in the report", () => {
  const candidate = summarize([
    ...runs({ name: "istio", version: "1.25.0" }, [2]),
    ...runs({ name: "linkerd", version: "2.16" }, [1, 2]),
  ]);
  const baseWithLinkerd = summarize([
    ...runs({ name: "istio", version: "1.24.0" }, []),
    ...runs({ name: "linkerd", version: "2.15" }, []),
  ]);
  const comparison = compareResults(baseWithLinkerd, candidate, { gate: DEFAULT_GATE });

  it("keeps them among the essential verdicts of the compact report, however tight", () => {
    const sections = buildReport({
      scenarios: candidate,
      problems: [],
      overTime: new Map(),
      comparison,
    });
    const compact = renderCompact(sections, null, { limit: 3000 });
    expect(compact.length).toBeLessThanOrEqual(3000);
    expect(compact).toContain(
      "🔴 **istio 1.25.0** `runs.failed` 0 % → 50.0 % (+50.0 pp): 1 of 2 candidate runs failed (r2: web-1 exited during the load); the baseline's 2 runs completed",
    );
    expect(compact).toContain(
      "🔴 **linkerd 2.16** `runs.failed` 0 % → 100 % (+100 pp): all 2 candidate runs failed",
    );
    expect(compact).not.toContain("not paired");
  });

  it("lists them among summary.json's regressions", () => {
    const json = buildSummaryJson(candidate, new Map(), comparison, []);
    expect(json.verdicts?.regressed).toEqual([
      "smoke / istio 1.25.0: runs.failed",
      "smoke / linkerd 2.16: runs.failed",
    ]);
    expect(json.comparison?.unmatched).toEqual([]);
  });
});
