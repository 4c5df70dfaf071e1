// One history line from a report: per mesh its version and the metrics the gate called
// regressed, and the calibrated noise the page draws as a band.
import { describe, expect, it } from "vitest";
import { historyEntry } from "../../src/action/history-entry.ts";
import { historyLine, parseHistory } from "../../src/github/history-format.ts";
import { regressions } from "../../src/stats/compare.ts";
import { exampleInput } from "../helpers/example.ts";

const RUN = {
  id: 42,
  url: "https://github.com/acme/shop/actions/runs/42",
  sha: "a".repeat(40),
  ref: "refs/heads/main",
  event: "schedule",
};

describe("historyEntry", () => {
  const input = exampleInput();
  const summary = input.scenarios[0]!;

  it("records each mesh's version and the metrics the gate called regressed", () => {
    const entry = historyEntry(summary, RUN, new Date("2026-12-01T06:00:00Z"), {
      comparison: input.comparison,
    });
    expect(entry.meshes["linkerd 2.16.0"]?.version).toBe("2.16.0");
    expect(entry.meshes.bare?.version).toBeUndefined();
    const expected = new Map<string, string[]>();
    for (const r of regressions(input.comparison))
      expected.set(r.mesh.label, [...(expected.get(r.mesh.label) ?? []), r.metric.metric]);
    expect(expected.size).toBeGreaterThan(0); // the example has a regression to record
    for (const [label, metrics] of expected)
      expect(entry.meshes[label]?.regressed).toEqual(metrics);
    expect(entry.noisePct).toBeUndefined();
  });

  it("keeps the calibrated noise, and the line round-trips through the format", () => {
    const entry = historyEntry(summary, RUN, new Date("2026-12-01T06:00:00Z"), {
      noisePct: { "latency.p99": 4.25 },
    });
    expect(entry.noisePct).toEqual({ "latency.p99": 4.25 });
    const back = parseHistory(historyLine(entry));
    expect(back.problems).toEqual([]);
    expect(back.entries[0]!.noisePct).toEqual({ "latency.p99": 4.25 });
  });
});
