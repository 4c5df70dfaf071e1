import { describe, expect, it } from "vitest";
import {
  CALIBRATION_SCHEMA,
  type Calibration,
  parseCalibration,
} from "../../src/stats/calibration-file.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

/** Runs whose latencies are uniform over [lo, lo + 1000] µs: p50 = lo + 500 µs. */
const runs = (prefix: string, lows: number[]) =>
  lows.map((lo, i) => ({
    path: `${prefix}/r${i + 1}/run.json`,
    run: runResult({
      mesh: { name: "istio" },
      repetition: i + 1,
      load: loadResult({ histogram: uniformHistogram(lo, lo + 1000) }),
    }),
  }));

const calibration: Calibration = {
  schema: CALIBRATION_SCHEMA,
  measuredAt: "2026-12-01T10:00:00.000Z",
  scenarios: ["smoke"],
  runs: 12,
  seed: 1,
  shiftMs: null,
  // This runner's p50 varies by 8 % from run to run (measured A/A): floor 3 × 8 = 24 %.
  noisePct: { "latency.p50": 8 },
  table: [],
};

describe("the calibrated noise floor (issue #15)", () => {
  // The baseline ran on one runner (p50 1.5 ms), the candidate on a slower one: every run
  // +15 % with nothing changed. Within each side the runs agree, so the t-test is sure.
  const baseline = summarize(runs("base", [1000, 1005, 1010]));
  const noOp = summarize(runs("noop", [1225, 1230, 1235]));
  const real = summarize(runs("real", [1900, 1905, 1910])); // p50 +60 %

  const p50 = (c: ReturnType<typeof compareResults>) =>
    c.meshes[0]!.metrics.find((m) => m.metric === "latency.p50")!;

  it("flags the no-op with the fixed 10 % threshold", () => {
    const c = compareResults(baseline, noOp, { gate: DEFAULT_GATE });
    expect(p50(c).verdict).toBe("regressed");
  });

  it("does not flag it with the calibration, and says which floor it used and when", () => {
    const gate = { ...DEFAULT_GATE, calibration };
    const c = compareResults(baseline, noOp, { gate });
    expect(p50(c).verdict).toBe("unchanged");
    expect(p50(c).reason).toMatch(
      /^within the 24 % noise floor \(calibrated 2026-12-01; threshold 10 %\)/,
    );
    expect(c.calibration).toEqual({ measuredAt: "2026-12-01T10:00:00.000Z", runs: 12 });
  });

  it("still flags a real change beyond the floor", () => {
    const c = compareResults(baseline, real, { gate: { ...DEFAULT_GATE, calibration } });
    expect(p50(c).verdict).toBe("regressed");
    expect(regressions(c).map((r) => r.metric.metric)).toContain("latency.p50");
  });

  it("keeps a threshold the noise does not exceed", () => {
    const calm = { ...calibration, noisePct: { "latency.p50": 2 } };
    const c = compareResults(baseline, noOp, { gate: { ...DEFAULT_GATE, calibration: calm } });
    expect(p50(c).reason).toMatch(/^beyond the 10 % threshold and the noise/);
  });
});

describe("calibration.json", () => {
  it("reads what calibrate writes", () => {
    const text = JSON.stringify(calibration);
    expect(parseCalibration(text, "cal.json")).toEqual(calibration);
  });

  it("names the file and the field of a bad one", () => {
    expect(() => parseCalibration("{", "cal.json")).toThrow(/^cal\.json: not JSON/);
    expect(() =>
      parseCalibration(JSON.stringify({ ...calibration, measuredAt: "yesterday" }), "cal.json"),
    ).toThrow(/^cal\.json: measuredAt: /);
    expect(() =>
      parseCalibration(
        JSON.stringify({ ...calibration, noisePct: { "latency.p42": 3 } }),
        "cal.json",
      ),
    ).toThrow(/^cal\.json: noisePct: unknown metric latency\.p42; allowed: latency\.p50/);
  });
});
