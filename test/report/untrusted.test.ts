// Mesh names, versions, scenario names and the like come from run files a fork's pull
// request can produce, and the compact report becomes a PR comment: none of them may
// mention anyone, link or embed anything, inject HTML or break a table.
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderCompact, renderMarkdown } from "../../src/report/markdown.ts";
import { defuseMarkdown } from "../../src/report/untrusted.ts";
import type { RunResult } from "../../src/results/run-schema.ts";
import { compareResults } from "../../src/stats/compare.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { loadResult, runResult, spreadHistogram } from "../helpers/runs.ts";

const ZWJ = "\u200D";

describe("defusing untrusted text for Markdown", () => {
  it.each([
    ["@octocat", `@${ZWJ}octocat`],
    ["cc @org/team", `cc @${ZWJ}org/team`],
    ["me@example.com", `me@${ZWJ}example.com`],
    ["[click](https://evil.example)", `[click\\](https:${ZWJ}//evil.example)`],
    ["![x](https://evil.example/t.png)", `![x\\](https:${ZWJ}//evil.example/t.png)`],
    ["[a][ref]", "[a\\][ref]"],
    ["[ref]: https://evil.example", `[ref\\]: https:${ZWJ}//evil.example`],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["<https://evil.example>", `&lt;https:${ZWJ}//evil.example&gt;`],
    ["&#64;octocat", `&amp;#${ZWJ}64;octocat`],
    ["visit www.evil.example", `visit www${ZWJ}.evil.example`],
    ["fixes #12", `fixes #${ZWJ}12`],
    ["see GH-5 and gh-6", `see GH-${ZWJ}5 and gh-${ZWJ}6`],
    ["two\nlines\r\nhere", "two lines here"],
    ["\\](x)", "\\\\\\](x)"],
    // The report's own markup and ordinary names pass unchanged.
    [
      "**istio 1.25.0** `latency.p99` 1.2 [1.1–1.3]",
      "**istio 1.25.0** `latency.p99` 1.2 [1.1–1.3]",
    ],
  ])("%j → %j", (input, expected) => {
    expect(defuseMarkdown(input)).toBe(expected);
  });
});

const EVIL_MESH = "@octocat <img src=x> [click](https://evil.example) | www.evil.example #1 GH-5";
const EVIL_VERSION = "1.0 | @admins\n# heading";
const EVIL_SCENARIO = "smoke [x](https://evil.example) @team";

function runs(candidate: boolean): { path: string; run: RunResult }[] {
  return [1, 2].flatMap((r) =>
    [EVIL_MESH, "bare"].map((name) => {
      const lo = 500 + r * 10 + (candidate && name !== "bare" ? 400 : 0);
      return {
        path: `results/x/${r}/run.json`,
        run: runResult({
          scenario: EVIL_SCENARIO,
          mesh: name === "bare" ? { name } : { name, version: EVIL_VERSION },
          repetition: r,
          load: loadResult({ histogram: spreadHistogram(lo, 3 * lo, 2000) }),
        }),
      };
    }),
  );
}

describe("reports of runs with hostile names", () => {
  const scenarios = summarize(runs(true));
  const comparison = compareResults(summarize(runs(false)), scenarios, { gate: DEFAULT_GATE });
  const sections = buildReport({
    scenarios,
    problems: ["results/@octocat/[x](https://evil.example)/run.json: damaged"],
    overTime: new Map(),
    comparison,
  });

  for (const [name, md] of [
    ["full", renderMarkdown(sections, null)],
    ["compact", renderCompact(sections, null, { limit: 4500 })],
  ] as const) {
    it(`${name}: no mention, link, image, HTML tag or issue reference survives`, () => {
      expect(md).toContain("octocat");
      expect(md).not.toMatch(/@[A-Za-z0-9]/);
      expect(md).not.toMatch(/(?<!\\)\]\(/);
      // No tag but the compact report's own folds.
      expect(md.replace(/<\/?(details|summary)>/g, "")).not.toMatch(/<[a-z]/i);
      expect(md).not.toMatch(/https?:\/\//);
      expect(md).not.toMatch(/www\./);
      expect(md).not.toMatch(/#\d/);
      expect(md).not.toMatch(/GH-\d/i);
      // The name's newline ended nothing: no heading but the report's own.
      expect(md).not.toMatch(/^# heading/m);
    });

    it(`${name}: every table row keeps its columns`, () => {
      const unescapedPipes = (line: string) => (line.match(/(?<!\\)\|/g) ?? []).length;
      const tables = md.split("\n\n").filter((b) => b.startsWith("|"));
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const lines = table.split("\n");
        for (const line of lines) expect(unescapedPipes(line)).toBe(unescapedPipes(lines[0]!));
      }
    });
  }
});
