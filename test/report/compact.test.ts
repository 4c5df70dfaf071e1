import { describe, expect, it } from "vitest";
import { isChange } from "../../src/report/blocks.ts";
import { buildReport } from "../../src/report/document.ts";
import {
  COMPACT_LIMIT,
  GITHUB_COMMENT_LIMIT,
  renderCompact,
  renderMarkdown,
} from "../../src/report/markdown.ts";
import { chartImages } from "../../src/report/quickchart.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { compareResults, regressions } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { exampleOverTime } from "../helpers/example.ts";
import { markdownTables, renderedComment, tableWidths } from "../helpers/gfm.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  spreadHistogram,
} from "../helpers/runs.ts";

/**
 * `meshes` meshes × `runs` runs; in the candidate the meshes `slowerIf` picks (every third
 * by default) are 40 % slower and take more CPU and memory.
 */
function bigSet(
  meshes: number,
  runs: number,
  candidate: boolean,
  slowerIf = (m: number) => m % 3 === 1,
  prefix = "mesh-",
) {
  const out: { path: string; run: RunResult }[] = [];
  for (let m = 0; m < meshes; m++) {
    const name = m === 0 ? "bare" : `${prefix}${String(m).padStart(2, "0")}`;
    const slower = candidate && slowerIf(m);
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
          resources: constantResources(
            meshContainers((slower ? 1.4 : 1) * (1 + m / 10 + r / 1000), m > 0),
          ),
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
    // The first table is the changes: one row per metric that changed, regressions first.
    const start = compact.indexOf("| Mesh");
    const table = compact.slice(start, compact.indexOf("\n\n", start));
    const changes = comparison.meshes.flatMap((mesh) =>
      mesh.metrics.filter((m) => isChange(m.verdict)).map((m) => ({ mesh, m })),
    );
    const rows = table.split("\n").slice(2);
    expect(rows).toHaveLength(changes.length);
    for (const { mesh } of changes) expect(table).toContain(`| ${mesh.label} `);
    const red = rows.map((r) => r.includes("🔴"));
    expect(red).toEqual([...red].sort((a, b) => Number(b) - Number(a)));
  });

  it("parses as GitHub renders it: no table outside the folds wider than 6 columns, every folded table a table", () => {
    const comment = renderedComment(compact);
    expect(Math.max(...tableWidths(comment.outside))).toBeLessThanOrEqual(6);
    const sources = [
      ...compact.matchAll(/<details><summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g),
    ];
    expect(sources.length).toBe(comment.folds.length);
    comment.folds.forEach((fold, i) => {
      expect(tableWidths(fold.html)).toHaveLength(markdownTables(sources[i]![2]!));
    });
    // A margin under GitHub's limit for what the Action wraps around it.
    expect(compact.length).toBeLessThanOrEqual(COMPACT_LIMIT);
  });

  it("says what it left out or shortened", () => {
    expect(compact).toMatch(
      /_To stay under 64,000 characters this summary left out: .*comparison details/,
    );
    expect(compact).toMatch(/First \d+ of 1000 items; all of them are in report\.md/);
  });

  it("keeps one line per mesh with a change, every regression in it, when even the verdicts would not fit", () => {
    const tight = renderCompact(sections, null, { limit: 8000 });
    expect(tight.length).toBeLessThanOrEqual(8000);
    for (const { mesh, metric } of regressions(comparison)) {
      const line = tight.split("\n").find((l) => l.startsWith(`- **${mesh.label}** vs `));
      expect(line).toContain(`🔴 \`${metric.metric}\``);
    }
    expect(tight).not.toContain("**bare**");
    const unchanged = comparison.meshes.filter((m) =>
      m.metrics.every((x) => x.verdict === "unchanged" || x.verdict === "not gated"),
    ).length;
    expect(tight).toContain(`${unchanged} other mesh(es): unchanged in every metric.`);
    expect(tight).toContain("shortened: the verdicts (only what changed)");
  });
});

describe("the compact report when every mesh regressed", () => {
  const cases = [
    { meshes: 20, runs: 10, prefix: "mesh-" },
    { meshes: 40, runs: 4, prefix: "mesh-" },
    { meshes: 25, runs: 10, prefix: `a-${"very-".repeat(12)}long-mesh-name-` },
  ];
  for (const { meshes, runs, prefix } of cases) {
    it(`stays within the limit and keeps the count of regressions: ${meshes} meshes × ${runs} runs, names of ${prefix.length + 2} characters`, () => {
      const all = () => true;
      const candidate = summarize(bigSet(meshes, runs, true, all, prefix));
      const baseline = summarize(bigSet(meshes, runs, false, all, prefix));
      const comparison = compareResults(baseline, candidate, { gate: DEFAULT_GATE });
      const regressed = regressions(comparison);
      // Every mesh regressed, in latency and resources alike.
      expect(new Set(regressed.map((r) => r.mesh.label)).size).toBe(meshes);
      const sections = buildReport({
        scenarios: candidate,
        problems: [],
        overTime: exampleOverTime(candidate),
        comparison,
      });
      const compact = renderCompact(sections, null);
      expect(compact.length).toBeLessThanOrEqual(COMPACT_LIMIT);
      expect(compact).toContain(`${regressed.length} regressed, `);
      // Each mesh named in the per-mesh lines shows all its regressed metrics; the rest
      // are counted, so every regression is either shown or counted.
      const lines = compact.split("\n");
      let shown = 0;
      for (const mesh of comparison.meshes) {
        const perMesh = lines.find((l) => l.startsWith(`- **${mesh.label}** vs `));
        for (const m of mesh.metrics.filter((x) => x.verdict === "regressed")) {
          const alone = lines.some((l) => l.startsWith(`- 🔴 **${mesh.label}** \`${m.metric}\` `));
          if (alone || perMesh?.includes(`🔴 \`${m.metric}\``)) shown++;
          else expect(perMesh).toBeUndefined();
        }
      }
      expect(shown).toBeGreaterThan(0);
      const more = /… and (\d+) more regression\(s\) in (\d+) more mesh\(es\)/.exec(compact);
      expect(shown + Number(more?.[1] ?? 0)).toBe(regressed.length);
    });
  }

  it("cuts the list, saying how many regressions it left out, when not even one line a mesh fits", () => {
    const all = () => true;
    const candidate = summarize(bigSet(40, 2, true, all));
    const baseline = summarize(bigSet(40, 2, false, all));
    const comparison = compareResults(baseline, candidate, { gate: DEFAULT_GATE });
    const sections = buildReport({
      scenarios: candidate,
      problems: [],
      overTime: new Map(),
      comparison,
    });
    const tight = renderCompact(sections, null, { limit: 6000 });
    expect(tight.length).toBeLessThanOrEqual(6000);
    const total = regressions(comparison).length;
    expect(tight).toContain(`${total} regressed, `);
    expect(tight).toMatch(
      /… and \d+ more regression\(s\) in \d+ more mesh\(es\) with a change: see the full report\./,
    );
  });
});

describe("the compact report whatever the input", () => {
  it("stays within the limit even when essential sections alone are far too long, keeping the first", () => {
    const sections = Array.from({ length: 3000 }, (_, i) => ({
      heading: { level: 2 as const, text: `Scenario: s${i}` },
      blocks: [{ kind: "paragraph" as const, text: `Workload ${"x".repeat(60)} ${i}.` }],
      essential: true,
      priority: 0,
      name: `s${i}: header`,
    }));
    const compact = renderCompact(sections, null);
    expect(compact.length).toBeLessThanOrEqual(COMPACT_LIMIT);
    expect(compact.startsWith("## Scenario: s0\n")).toBe(true);
    expect(compact).toMatch(
      /_… cut here to stay under the size limit: see the full report \(report\.md and report\.html with the results\)\._\n$/,
    );
  });
});
