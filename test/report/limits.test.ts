// A hostile run file can hold up to MAX_EVENTS events and a fork can upload many files that
// cannot be used: the report lists a bounded number of each and says how many it left out.
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { generateReport } from "../../src/report/generate.ts";
import { MAX_LISTED } from "../../src/report/limits.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { MAX_EVENTS } from "../../src/results/caps.ts";
import { writeRun } from "../../src/results/run-file.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { loadResult, runResult, spreadHistogram, T0 } from "../helpers/runs.ts";

describe("lists in the report", () => {
  const events = Array.from({ length: MAX_LISTED + 20 }, (_, i) => ({
    atMs: T0 + i,
    kind: "other" as const,
    container: `c-${i}`,
    detail: `event number ${i}`,
  }));
  const run = runResult({
    mesh: { name: "istio" },
    repetition: 1,
    load: loadResult({ histogram: spreadHistogram(500, 1500, 1000) }),
    events,
  });
  const problems = Array.from({ length: MAX_LISTED + 7 }, (_, i) => `bad/${i}/run.json: damaged`);
  const md = renderMarkdown(
    buildReport({
      scenarios: summarize([{ path: "r/run.json", run }]),
      problems,
      overTime: new Map(),
      comparison: null,
    }),
    null,
  );

  it("show the first events and how many more there are", () => {
    expect(md).toContain(`event number ${MAX_LISTED - 1} `);
    expect(md).not.toContain(`event number ${MAX_LISTED} `);
    expect(md).toContain("… and 20 more (in the run.json files)");
  });

  it("show the first unusable files and how many more there are", () => {
    expect(md).toContain(`bad/${MAX_LISTED - 1}/run.json`);
    expect(md).not.toContain(`bad/${MAX_LISTED}/run.json`);
    expect(md).toContain("… and 7 more (all in summary.json)");
  });
});

describe("a report over a hostile run file", () => {
  it("skips it, names it, and reports the others", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-hostile-"));
    const good = (name: string) =>
      runResult({
        mesh: { name },
        repetition: 1,
        load: loadResult({ histogram: spreadHistogram(500, 1500, 1000) }),
      });
    await writeRun(join(dir, "smoke/bare/r1"), good("bare"));
    const hostile = good("istio");
    const event = { atMs: T0, kind: "other" as const, container: "c", detail: "x" };
    hostile.events = Array.from({ length: MAX_EVENTS + 1 }, () => event);
    await mkdir(join(dir, "smoke/istio/r1"), { recursive: true });
    await writeFile(join(dir, "smoke/istio/r1/run.json"), JSON.stringify(hostile));
    const outcome = await generateReport({
      resultsDirs: [dir],
      outDir: join(dir, "out"),
      gate: DEFAULT_GATE,
      chartHost: "none",
      shortUrls: false,
      force: false,
    });
    expect(outcome.problems).toEqual([
      expect.stringContaining(
        `${join(dir, "smoke/istio/r1/run.json")}: damaged run file: events: Too big`,
      ),
    ]);
    const md = await readFile(join(dir, "out/report.md"), "utf8");
    expect(md).toContain("smoke/istio/r1/run.json");
    expect(md).toContain("| bare ");
  });
});
