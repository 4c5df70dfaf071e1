// Runs that are not alike (different fingerprints) are named in the report, never mixed
// silently: within a mesh, against bare, and against the baseline.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import {
  constantResources,
  loadResult,
  MIB,
  runResult,
  spreadHistogram,
  uniformHistogram,
} from "../helpers/runs.ts";

const run = (name: string, repetition: number, rate: number): { path: string; run: RunResult } => ({
  path: `r/${name}/r${repetition}/run.json`,
  run: runResult({
    mesh: { name },
    repetition,
    rate,
    load: loadResult({ histogram: uniformHistogram(1000, 2000), rate }),
  }),
});

describe("runs that are not alike", () => {
  // linkerd's second run went at 2000 rps; kuma's both did, unlike bare's.
  const candidate = summarize([
    run("bare", 1, 1000),
    run("bare", 2, 1000),
    run("linkerd", 1, 1000),
    run("linkerd", 2, 2000),
    run("kuma", 1, 2000),
    run("kuma", 2, 2000),
  ]);
  const baseline = summarize([run("linkerd", 1, 1000), run("linkerd", 2, 1000)]);
  const md = renderMarkdown(
    buildReport({
      scenarios: candidate,
      problems: [],
      overTime: new Map(),
      comparison: compareResults(baseline, candidate, { gate: DEFAULT_GATE }),
    }),
    null,
  );

  it("names the runs of a mesh that differ from its first", () => {
    expect(md).toContain("- linkerd, repetition 2: rate (rps): 1000 ≠ 2000");
  });

  it("sets no mesh against bare whose runs differ from bare's, and says why", () => {
    const overhead = md.slice(md.indexOf("### Overhead vs bare"));
    expect(overhead).toContain("- kuma: rate (rps): 1000 ≠ 2000");
    expect(overhead).toContain(
      "- linkerd: runs of linkerd differ, repetition 2: rate (rps): 1000 ≠ 2000",
    );
    expect(overhead).not.toContain("| kuma ");
  });

  it("does not compare a mesh whose runs differ among themselves", () => {
    expect(md).toContain(
      "Not compared: **linkerd** vs baseline linkerd, results are not comparable (candidate runs differ, repetition 2: rate (rps): 1000 ≠ 2000); --force compares anyway",
    );
  });
});

describe("metrics measured on one side only", () => {
  it("are named, not passed off as unchanged", () => {
    const withControlPlane = (repetition: number) => {
      const r = run("istio", repetition, 1000);
      r.run.resources = constantResources([
        { id: "cp", class: "controlPlane", cpuCores: 0.1, memoryBytes: 100 * MIB },
        { id: "app", class: "application", cpuCores: 0.2, memoryBytes: 10 * MIB },
      ]);
      return r;
    };
    const withoutControlPlane = (repetition: number) => {
      const r = run("istio", repetition, 1000);
      r.run.resources = constantResources([
        { id: "app", class: "application", cpuCores: 0.2, memoryBytes: 10 * MIB },
      ]);
      return r;
    };
    const comparison = compareResults(
      summarize([withoutControlPlane(1), withoutControlPlane(2)]),
      summarize([withControlPlane(1), withControlPlane(2)]),
      { gate: DEFAULT_GATE },
    );
    expect(comparison.meshes[0]!.oneSided).toEqual([
      { metric: "cpu.controlPlane", side: "candidate" },
      { metric: "memory.controlPlane", side: "candidate" },
    ]);
    const md = renderMarkdown(
      buildReport({ scenarios: [], problems: [], overTime: new Map(), comparison }),
      null,
    );
    expect(md).toContain(
      "- Measured on one side only, so without a verdict: **istio** `cpu.controlPlane` (candidate only), `memory.controlPlane` (candidate only)",
    );
    expect(md).toContain(
      "Metrics not shown were unchanged, except those measured on one side only (listed above).",
    );
  });
});

describe("the achieved rate beside latency", () => {
  it("shows a mesh that fell short of the target in the latency tables", () => {
    // 568 responses a second over the 54 measured seconds, of 600 asked for.
    const short = (repetition: number) => ({
      path: `s/r${repetition}/run.json`,
      run: runResult({
        mesh: { name: "slow" },
        repetition,
        load: loadResult({ histogram: spreadHistogram(1000, 3000, 568 * 54), rate: 600 }),
      }),
    });
    const md = renderMarkdown(
      buildReport({
        scenarios: summarize([short(1), short(2)]),
        problems: [],
        overTime: new Map(),
        comparison: null,
      }),
      null,
    );
    const rows = md.split("\n").filter((l) => l.startsWith("| slow "));
    // The latency table, the pooled one, and the achieved-rate table itself.
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/\| +568\.0 /);
    const latencyHeader = md
      .split("\n")
      .find((l) => l.startsWith("| Mesh ") && l.includes("p99.9"));
    expect(latencyHeader).toMatch(/^\| Mesh +\| runs \| achieved rps \| +p50 /);
  });
});
