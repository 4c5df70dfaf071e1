// Calibration on real runs: 12 runs of bare (scenario below) made by `meshbench run` on the
// local platform of the 2-core development machine while six other jobs shared it, saved
// as fixtures (one run takes ~20 s, too slow to make here):
//   platform local, Emojivoto × 1, 100 rps for 10 s (2 s warm-up), 4 connections, /api/list
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResults } from "../../src/results/results-dir.ts";
import { calibrate, shiftLatency } from "../../src/stats/calibration.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/calibration");

describe("meshbench calibrate on 12 real runs of an unchanged setup", async () => {
  const { runs, problems } = await readResults([FIXTURES], { dropSamples: true });
  const options = { gate: DEFAULT_GATE, splits: 30, seed: 1 };
  const calibration = calibrate(runs, options);

  it("reads them all", () => {
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(12);
    expect(calibration.runs).toBe(12);
    expect(calibration.table.map((r) => r.perSide)).toEqual([2, 3, 4, 5, 6]);
  });

  it("calls at most 5 % of 30 no-op splits a change, at every run count", () => {
    for (const row of calibration.table) {
      expect(row.splits).toBe(30);
      expect(row.falseAlarms / row.splits).toBeLessThanOrEqual(0.05);
    }
  });

  it("catches a slowdown of the size it says it can see (80 % power) in most splits", () => {
    // The stated minimal detectable change of p50 at 6 runs a side, in ms of this setup's p50.
    const p50 = summarize(runs)[0]!.meshes[0]!.metrics["latency.p50"]!.median;
    const mdcMs = (calibration.table.at(-1)!.mdcPct["latency.p50"]! / 100) * p50;
    const shifted = calibrate(runs, { ...options, shiftMs: mdcMs });
    const six = shifted.table.at(-1)!;
    expect(six.caught! / six.splits).toBeGreaterThanOrEqual(0.7);
    // Half that change is caught far less often: the gate sees what it says, not more.
    const half = calibrate(runs, { ...options, shiftMs: mdcMs / 2 }).table.at(-1)!;
    expect(half.caught!).toBeLessThan(six.caught!);
  });

  it("is reproducible: the same runs and seed give the same table", () => {
    expect(calibrate(runs, options)).toEqual(calibration);
  });

  it("shifts every latency percentile by exactly the shift", () => {
    const s = summarize(runs);
    const moved = shiftLatency(s, 3)[0]!.meshes[0]!.metrics;
    const before = s[0]!.meshes[0]!.metrics;
    expect(moved["latency.p99"]!.values).toEqual(before["latency.p99"]!.values.map((v) => v + 3));
    expect(moved["rate.achieved"]).toEqual(before["rate.achieved"]);
  });

  it("refuses fewer than 4 runs of a mesh, saying how many to make", () => {
    expect(() => calibrate(runs.slice(0, 3), options)).toThrow(
      /at least 4 completed runs of every mesh.*the fewest a mesh has is 3.*--repetitions 8 or more/,
    );
  });
});

// The quick start's setup (scenarios/local-quick.yaml: bare and an HAProxy sidecar per
// service, 3 Emojivoto instances, 200 rps for 15 s) run 8 times per mesh on the idle 2-core
// development machine, commit 84f4ee9:
//   meshbench run scenarios/local-quick.yaml --repetitions 8 --out /tmp/aa --chart-host none
// The gate must stay quiet on these unchanged runs and see +3 ms added to every candidate
// latency at the run counts the examples use.
describe("the quick start's setup on a quiet machine: false alarms and +3 ms", async () => {
  const { runs, problems } = await readResults(
    [join(import.meta.dirname, "../fixtures/calibration-quiet")],
    { dropSamples: true },
  );
  const options = { gate: DEFAULT_GATE, splits: 30, seed: 1 };

  it("calls at most 5 % of 30 no-op splits a change at 2, 3 and 4 runs a side", () => {
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(16);
    const table = calibrate(runs, options).table;
    expect(table.map((r) => r.perSide)).toEqual([2, 3, 4]);
    for (const row of table) expect(row.falseAlarms / row.splits).toBeLessThanOrEqual(0.05);
  });

  it("catches +3 ms in at least 90 % of splits from 3 runs a side on", () => {
    const table = calibrate(runs, { ...options, shiftMs: 3 }).table;
    for (const row of table.filter((r) => r.perSide >= 3))
      expect(row.caught! / row.splits).toBeGreaterThanOrEqual(0.9);
  });
});
