// The Action's one-word verdict when runs fail: the gate must fail a version bump whose runs
// fail where the baseline's completed, even when no completed run is left to measure.
import { describe, expect, it } from "vitest";
import { overallVerdict } from "../../src/action/verdict.ts";
import type { CapacityFile } from "../../src/results/capacity-file.ts";
import type { Mesh, RunStatus } from "../../src/results/run-schema.ts";
import { compareCapacity } from "../../src/stats/capacity-verdict.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE, parseInlineGate } from "../../src/stats/thresholds.ts";
import { capacitySearch } from "../helpers/capacity-files.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

const FAILED: RunStatus = {
  state: "failed",
  reason: "web-1 exited during the load",
  phase: "load",
};

function set(mesh: Mesh, statuses: RunStatus[]) {
  return summarize(
    statuses.map((status, i) => ({
      path: `${mesh.version}/r${i + 1}/run.json`,
      run: runResult({
        mesh,
        repetition: i + 1,
        rate: 1000,
        durationMs: 60_000,
        load:
          status.state === "ok" ? loadResult({ histogram: uniformHistogram(1000, 2000) }) : null,
        status,
      }),
    })),
  );
}

const OK: RunStatus = { state: "ok" };
const base = set({ name: "istio", version: "1.24.0" }, [OK, OK]);

describe("the Action's verdict on failed runs", () => {
  it("is regressed when one candidate run failed and the other's numbers are unchanged", () => {
    const c = compareResults(base, set({ name: "istio", version: "1.25.0" }, [OK, FAILED]), {
      gate: DEFAULT_GATE,
    });
    expect(overallVerdict(c)).toBe("regressed");
  });

  it("is regressed, not inconclusive, when every candidate run failed", () => {
    const c = compareResults(base, set({ name: "istio", version: "1.25.0" }, [FAILED, FAILED]), {
      gate: DEFAULT_GATE,
    });
    expect(overallVerdict(c)).toBe("regressed");
  });

  it("is pass with the same runs when the check is turned off and the survivor is unchanged", () => {
    const c = compareResults(base, set({ name: "istio", version: "1.25.0" }, [OK, FAILED]), {
      gate: parseInlineGate("runs.failed=off"),
    });
    expect(overallVerdict(c)).toBe("pass");
  });
});

describe("the Action's verdict on capacity", () => {
  const c = compareResults(base, set({ name: "istio", version: "1.25.0" }, [OK, OK]), {
    gate: DEFAULT_GATE,
  });
  it("is regressed when a capacity regressed and every metric passed; not comparable is inconclusive", () => {
    expect(overallVerdict(c)).toBe("pass");
    const verdicts = (candidate: CapacityFile) =>
      compareCapacity([capacitySearch(1000, 1050)], [candidate]);
    expect(overallVerdict(c, verdicts(capacitySearch(800, 840)))).toBe("regressed");
    expect(overallVerdict(c, verdicts(capacitySearch(1000, 1050)))).toBe("pass");
    const otherSlo = { ...capacitySearch(1000, 1050), slo: ["p99 <= 50ms"] };
    expect(overallVerdict(c, verdicts(otherSlo))).toBe("inconclusive");
  });
});
