// Percentiles beyond the data (issue 21.7): with 600 responses a run, p99.9 and p99.99 lie
// beyond the last response (600 × 0.001 < 1) and are the max: shown as "= max", not as
// figures that look like more of the tail.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { loadResult, runResult, spreadHistogram } from "../helpers/runs.ts";

const runs = (perRun: number, repetitions: number) =>
  summarize(
    Array.from({ length: repetitions }, (_, i) => ({
      path: `bare/r${i + 1}/run.json`,
      run: runResult({
        mesh: { name: "bare" },
        repetition: i + 1,
        load: loadResult({ histogram: spreadHistogram(1000, 3000, perRun), rate: 10 }),
      }),
    })),
  );

const tables = (perRun: number, repetitions: number) => {
  const md = renderMarkdown(
    buildReport({
      scenarios: runs(perRun, repetitions),
      problems: [],
      overTime: new Map(),
      comparison: null,
    }),
    null,
  );
  const rowOf = (heading: string) =>
    md
      .slice(md.indexOf(heading))
      .split("\n")
      .find((l) => l.startsWith("| bare"))!
      .split("|")
      .map((c) => c.trim())
      .slice(4, 10); // p50, p90, p99, p99.9, p99.99, max
  return { md, perRun: rowOf("### Latency (ms"), pooled: rowOf("### Latency pooled") };
};

describe("percentiles beyond the data", () => {
  it('shows "= max" where fewer than one response lies beyond, per run and pooled', () => {
    // 600 a run: p99 has 6 beyond it, p99.9 0.6, p99.99 0.06. Pooled over 2 runs, 1,200:
    // p99.9 has 1.2 beyond it and is a figure again.
    const { md, perRun, pooled } = tables(600, 2);
    expect(perRun.slice(2).map((c) => c === "= max")).toEqual([false, true, true, false]);
    expect(pooled.slice(2).map((c) => c === "= max")).toEqual([false, false, true, false]);
    expect(md).toContain("`= max`: fewer than one response lies beyond that percentile");
  });

  it("says nothing of it when every percentile has responses beyond it", () => {
    const { md, perRun } = tables(20_000, 1);
    expect(perRun).not.toContain("= max");
    expect(md).not.toContain("`= max`");
  });
});
