// One history line from a report: per mesh its version and the metrics the gate called
// regressed, the calibrated noise the page draws as a band, and the capacity answer when the
// scenario had a capacity search (optional fields: older lines still read).
import { describe, expect, it } from "vitest";
import { historyEntry } from "../../src/action/history-entry.ts";
import { historyLine, parseHistory } from "../../src/github/history-format.ts";
import type { CapacityFile } from "../../src/results/capacity-file.ts";
import { regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { exampleInput, exampleRuns } from "../helpers/example.ts";

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

  it("carries the capacity answer of meshes that had one", () => {
    const [summary] = summarize(exampleRuns(false).map((r) => ({ path: r.path, run: r.run })));
    const label = summary!.meshes.at(-1)!.label;
    const capacity: CapacityFile = {
      schema: "meshbench/capacity/v1",
      scenario: summary!.scenario,
      slo: ["p99 <= 100ms"],
      minRate: 100,
      maxRate: 2000,
      precision: "5%",
      probeMs: 10_000,
      confirmMs: 30_000,
      meshes: [
        {
          mesh: summary!.meshes.at(-1)!.mesh,
          kind: "capacity",
          rate: 640,
          bracket: { held: 640, failed: 670 },
          probes: [],
        },
      ],
    };
    const entry = historyEntry(summary!, RUN, new Date("2026-12-03T10:00:00Z"), {}, capacity);
    expect(entry.meshes[label]!.capacity).toEqual({
      kind: "capacity",
      rate: 640,
      held: 640,
      failed: 670,
    });
    const others = Object.keys(entry.meshes).filter((l) => l !== label);
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect(entry.meshes[l]!.capacity).toBeUndefined();
    const { entries, problems } = parseHistory(`${JSON.stringify(entry)}\n`);
    expect(problems).toEqual([]);
    expect(entries[0]!.meshes[label]!.capacity).toEqual({
      kind: "capacity",
      rate: 640,
      held: 640,
      failed: 670,
    });
  });
});
