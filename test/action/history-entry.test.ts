// The history line carries each mesh's capacity when the scenario had a capacity search,
// and reads back through the history format (an optional field: older lines still read).
import { describe, expect, it } from "vitest";
import { historyEntry } from "../../src/action/history-entry.ts";
import { parseHistory } from "../../src/github/history-format.ts";
import type { CapacityFile } from "../../src/results/capacity-file.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { exampleRuns } from "../helpers/example.ts";

const RUN = {
  id: 7,
  url: "https://example.invalid/7",
  sha: "abc",
  ref: "refs/heads/main",
  event: "schedule",
};

describe("history entry", () => {
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
    const entry = historyEntry(summary!, RUN, new Date("2026-12-03T10:00:00Z"), capacity);
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
