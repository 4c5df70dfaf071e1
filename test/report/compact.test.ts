import { describe, expect, it } from "vitest";
import { buildReport, VERDICT_MARK } from "../../src/report/document.ts";
import { GITHUB_COMMENT_LIMIT, renderCompact, renderMarkdown } from "../../src/report/markdown.ts";
import { chartImages } from "../../src/report/quickchart.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { exampleOverTime } from "../support/example.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  spreadHistogram,
} from "../support/runs.ts";

/** `meshes` meshes × `runs` runs; in the candidate every third mesh is 40 % slower. */
function bigSet(meshes: number, runs: number, candidate: boolean) {
  const out: { path: string; run: RunResult }[] = [];
  for (let m = 0; m < meshes; m++) {
    const name = m === 0 ? "bare" : `mesh-${String(m).padStart(2, "0")}`;
    const slower = candidate && m % 3 === 1;
    for (let r = 1; r <= runs; r++) {
      const lo = 500 + 40 * m + r;
      const load = loadResult({
        histogram: spreadHistogram(lo, (slower ? 1.4 : 1) * 3 * lo, 2000),
      });
      out.push({
        path: `results/big/${name}/r${r}/run.json`,
        run: runResult({
          scenario: "big",
          mesh: {
            name,
            version: candidate ? "2.0.0" : "1.0.0",
            variant: "a-rather-long-variant-name",
          },
          repetition: r,
          load,
          resources: constantResources(meshContainers(1 + m / 10 + r / 1000, m > 0)),
          events: Array.from({ length: 5 }, (_, i) => ({
            atMs: Date.parse(load.startedAt) + i * 1000,
            kind: "restart" as const,
            container: `emojivoto/web-${i}/proxy-container-with-a-long-name`,
            detail: "OOMKilled after exceeding its memory limit of 128Mi",
          })),
        }),
      });
    }
  }
  return out;
}

describe("the compact report", () => {
  const candidate = summarize(bigSet(20, 10, true));
  const baseline = summarize(bigSet(20, 10, false));
  const comparison = compareResults(baseline, candidate, { gate: DEFAULT_GATE });
  const problems = Array.from(
    { length: 1000 },
    (_, i) =>
      `results/big/broken-${i}/run.json: damaged, not valid JSON (Unexpected end of JSON input)`,
  );
  const sections = buildReport({
    scenarios: candidate,
    problems,
    overTime: exampleOverTime(candidate),
    comparison,
  });
  const charts = sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
  );
  const images = new Map(chartImages(charts, "quickchart.io")!.map((i) => [i.spec.id, i]));
  const full = renderMarkdown(sections, images);
  const compact = renderCompact(sections, images);

  it("stays under 65,536 characters with 20 meshes × 10 runs, where the full report does not", () => {
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(compact.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  });

  it("keeps every verdict: every regression listed, every mesh in the verdict table", () => {
    const regressed = regressions(comparison);
    expect(regressed.length).toBeGreaterThan(20);
    for (const { mesh, metric } of regressed) {
      expect(compact).toContain(`🔴 **${mesh.label}** \`${metric.metric}\``);
    }
    const verdictTable = compact.slice(compact.indexOf("## Comparison with the baseline"));
    for (const mesh of comparison.meshes) expect(verdictTable).toContain(`| ${mesh.label} `);
    const cells = (text: string) => [...text.matchAll(/[🔴🟢🟡⚪]/gu)].length;
    expect(cells(compact)).toBeGreaterThanOrEqual(
      cells(full.slice(0, full.indexOf("### Comparison details"))) - 1,
    );
  });

  it("says what it left out or shortened", () => {
    expect(compact).toMatch(
      /_To stay under 64,000 characters this summary left out: .*comparison details/,
    );
    expect(compact).toMatch(/First \d+ of 1000 items; all of them are in report\.md/);
  });

  it("keeps only the meshes with a change in the verdict table when even the verdicts would not fit", () => {
    const tight = renderCompact(sections, null, 8000);
    for (const { mesh } of regressions(comparison)) expect(tight).toContain(`| ${mesh.label} `);
    expect(tight).not.toContain("| bare ");
    const unchanged = comparison.meshes.filter((m) =>
      m.metrics.every((x) => x.verdict === "unchanged"),
    ).length;
    expect(tight).toContain(`${unchanged} other mesh(es): unchanged in every metric.`);
    expect(Object.values(VERDICT_MARK).some((mark) => tight.includes(mark))).toBe(true);
  });
});
