// The PR comment read at a glance (issue 19): parsed the way GitHub renders it (micromark +
// GFM, to HTML), its first element is the verdict line with the counts and the gate's floor,
// no table outside <details> is wider than 6 columns, every folded table is a table, and the
// marks (≈ within noise, ≥ lower bound) stay in the table of changes; a capacity search
// against the baseline's counts and shows there like any metric.
import { describe, expect, it } from "vitest";
import { verdictLine } from "../../src/action/report-step.ts";
import { buildReport } from "../../src/report/document.ts";
import { renderCompact } from "../../src/report/markdown.ts";
import { chartImages } from "../../src/report/quickchart.ts";
import { CALIBRATION_SCHEMA, type Calibration } from "../../src/stats/calibration-file.ts";
import { compareCapacity } from "../../src/stats/capacity-verdict.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { DEFAULT_PRICES } from "../../src/stats/cost.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { capacitySearch } from "../helpers/capacity-files.ts";
import { exampleInput, exampleRuns } from "../helpers/example.ts";
import { firstBlockText, markdownTables, renderedComment, tableWidths } from "../helpers/gfm.ts";
import { censoredLoad, plainLoad, twoRunsOf } from "../helpers/runs.ts";

const FOLD = /<details><summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g;

describe("the PR comment", () => {
  const input = exampleInput();
  const sections = buildReport(input);
  const charts = sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
  );
  const images = new Map(chartImages(charts, "quickchart.io")!.map((i) => [i.spec.id, i]));
  const regressed = regressions(input.comparison).map((r) => ({
    mesh: r.mesh.label,
    metric: r.metric.metric,
  }));
  const lead = verdictLine("regressed", "baseline/", regressed);
  const markdown = renderCompact(sections, images, { lead });
  const comment = renderedComment(markdown);

  it("opens with one line: the verdict, the counts and the gate's floor", () => {
    const first = firstBlockText(comment.html);
    expect(first.tag).toBe("p");
    expect(first.text).toMatch(/^meshbench: regressed against baseline\/: /);
    expect(first.text).toContain(
      "7 regressed, 0 improved, 7 inconclusive, 31 within noise, 0 new (15 shown but not gated)",
    );
    expect(first.text).toContain(
      "Gate floor: each metric's threshold (no calibration given); false alarms on an unchanged setup at most 5 %.",
    );
    expect(markdown.split("\n")[0]).toBe(markdown.split("\n\n")[0]);
  });

  it("shows only what changed, regressions first, in a table of 6 columns", () => {
    const outsideWidths = tableWidths(comment.outside);
    expect(outsideWidths).toEqual([6]);
    const rows = [...comment.outside.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1);
    const changed = input.comparison.meshes.flatMap((m) =>
      m.metrics.filter((x) => ["regressed", "improved", "inconclusive"].includes(x.verdict)),
    );
    expect(rows).toHaveLength(changed.length);
    const verdicts = rows.map((r) => /(regressed|inconclusive|improved)<\/td>/.exec(r[1]!)?.[1]);
    expect(verdicts.slice(0, regressed.length).every((v) => v === "regressed")).toBe(true);
    expect(verdicts.slice(regressed.length)).not.toContain("regressed");
    // Within-noise changes keep their mark: the inconclusive ones here are all within noise.
    for (const r of rows.filter((r) => r[1]!.includes("inconclusive")))
      expect(r[1]).toContain("≈ +");
  });

  it("folds everything else, each fold saying what is inside, every folded table a table", () => {
    expect(comment.folds.length).toBeGreaterThan(5);
    const sources = [...markdown.matchAll(FOLD)];
    expect(sources).toHaveLength(comment.folds.length);
    let tables = 0;
    comment.folds.forEach((fold, i) => {
      expect(fold.summary.length).toBeGreaterThan(10);
      const inMarkdown = markdownTables(sources[i]![2]!);
      expect(tableWidths(fold.html)).toHaveLength(inMarkdown);
      tables += inMarkdown;
    });
    expect(tables).toBeGreaterThan(3);
    const matrix = comment.folds.find((f) => f.summary.includes("verdict matrix"));
    expect(tableWidths(matrix!.html)[0]).toBeGreaterThan(6);
    expect(comment.folds.some((f) => /chart/.test(f.summary) && f.html.includes("<img"))).toBe(
      true,
    );
  });

  it("names the calibration file and its date when the floor came from one", () => {
    const calibration: Calibration = {
      schema: CALIBRATION_SCHEMA,
      measuredAt: "2026-11-30T08:00:00.000Z",
      scenarios: ["smoke"],
      runs: 12,
      seed: 1,
      shiftMs: null,
      noisePct: { "latency.p99": 4 },
      table: [],
    };
    const gate = { ...DEFAULT_GATE, calibration, calibrationFile: "calibration.json" };
    const c = compareResults(summarize(exampleRuns(false)), summarize(exampleRuns(true)), {
      gate,
    });
    const text = renderCompact(buildReport({ ...input, comparison: c }), null);
    expect(firstBlockText(renderedComment(text).html).text).toContain(
      "raised to 3 × its run-to-run spread where larger, from the calibration calibration.json (12 runs a mesh, measured 2026-11-30)",
    );
  });
});

describe("the cost line", () => {
  it("is on the first screen: what each mesh adds a month at the stated traffic", () => {
    const input = exampleInput();
    const md = renderCompact(
      buildReport({ ...input, cost: { prices: DEFAULT_PRICES, trafficRps: 5000 } }),
      null,
    );
    // istio 1.25.0 at 1,000 rps adds 0.998 + 0.125 vCPU and 225 + 200 MiB: per hour
    // 1.123 × $0.031611 + (425 / 1024) × $0.004237 = $0.0372577; at 5,000 rps for 730
    // hours, × 5 × 730 = $136.00.
    expect(renderedComment(md).outside).toContain(
      "Cost over bare: istio 1.25.0 adds $136.00/month at 5,000 rps; linkerd 2.16.0 $56.67 (CPU and memory of data and control plane; OpenCost's default prices",
    );
  });
});

describe("a lower bound in the table of changes", () => {
  // Candidate: 30 of 1,000 requests a run timed out at 5 s (recorded at 5 s), so its p99
  // is a lower bound, ≥ 5,000 ms, and regressed against 40–41 ms.
  it("keeps its ≥ mark", () => {
    const candidate = twoRunsOf("istio", censoredLoad);
    const comparison = compareResults(twoRunsOf("istio", plainLoad), candidate, {
      gate: DEFAULT_GATE,
    });
    const md = renderCompact(
      buildReport({ scenarios: candidate, problems: [], overTime: new Map(), comparison }),
      null,
    );
    const row = [...renderedComment(md).outside.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((m) => m[1]!)
      .find((r) => r.includes("p99 latency"));
    expect(row).toMatch(/≥ 5,00\d ms/);
  });
});

describe("capacity on the first screen", () => {
  const input = exampleInput();
  const cells = (row: string) => [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
  const rowsOf = (html: string) => [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
  const commentWith = (
    baseline: ReturnType<typeof capacitySearch>,
    candidate: ReturnType<typeof capacitySearch>,
  ) =>
    renderedComment(
      renderCompact(
        buildReport({ ...input, capacityVerdicts: compareCapacity([baseline], [candidate]) }),
        null,
      ),
    );

  it("counts a capacity regression in the verdict line and shows it among the regressions, in 6 columns", () => {
    // linkerd held 1000 (failed 1050) in the baseline and failed at 840 now: 840 · 1.05 <= 1000,
    // regressed; bare held the max on both sides, unchanged (counted as within noise).
    const comment = commentWith(
      capacitySearch(1000, 1050, "smoke"),
      capacitySearch(800, 840, "smoke"),
    );
    expect(firstBlockText(comment.html).text).toContain(
      "8 regressed, 0 improved, 7 inconclusive, 32 within noise, 0 new",
    );
    expect(tableWidths(comment.outside)).toEqual([6]);
    const rows = rowsOf(comment.outside).slice(1);
    const at = rows.findIndex((r) => /<td[^>]*>capacity<\/td>/.test(r));
    expect(cells(rows[at]!)).toEqual([
      "linkerd",
      "capacity",
      "1000 rps (failed 1050)",
      "800 rps (failed 840)",
      "−20.0 %",
      "🔴 regressed",
    ]);
    // After the 7 regressed metrics, before anything that did not regress.
    expect(rows.slice(0, at).every((r) => r.includes("regressed"))).toBe(true);
    expect(rows.slice(at + 1).some((r) => r.includes("regressed"))).toBe(false);
    expect(comment.outside).toContain(
      "<strong>linkerd</strong> capacity: held 1000, failed 1050 rps → held 800, failed 840 rps",
    );
  });

  it("marks an at-least answer with ≥", () => {
    const atLeast = capacitySearch(800, 840, "smoke");
    atLeast.meshes[1] = {
      ...atLeast.meshes[1]!,
      kind: "at-least",
      rate: 5000,
      limit: "max",
      bracket: { held: 5000, failed: null },
    };
    const comment = commentWith(capacitySearch(800, 840, "smoke"), atLeast);
    const row = rowsOf(comment.outside).find((r) => /<td[^>]*>capacity<\/td>/.test(r))!;
    expect(cells(row)).toEqual([
      "linkerd",
      "capacity",
      "800 rps (failed 840)",
      "≥ 5000 rps",
      "≥ +525 %",
      "🟢 improved",
    ]);
    expect(tableWidths(comment.outside)).toEqual([6]);
  });

  it("keeps a capacity regression when the comment must shorten to one line per mesh", () => {
    const sections = buildReport({
      ...input,
      capacityVerdicts: compareCapacity(
        [capacitySearch(1000, 1050, "smoke")],
        [capacitySearch(800, 840, "smoke")],
      ),
    });
    const full = renderCompact(sections, null);
    const short = renderCompact(sections, null, { limit: 3000 });
    expect(full).toContain("| capacity ");
    expect(short).not.toContain("| capacity ");
    expect(short.length).toBeLessThanOrEqual(3000);
    expect(short).toContain(
      "**linkerd**: 🔴 regressed capacity (held 1000, failed 1050 rps → held 800, failed 840 rps)",
    );
    expect(short).toContain("8 regressed");
  });

  it("is absent without a capacity search", () => {
    const comment = renderedComment(renderCompact(buildReport(input), null));
    expect(comment.outside).not.toContain("capacity");
  });
});
