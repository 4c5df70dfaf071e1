// Golden files for the Markdown. After a deliberate change, regenerate them with
// UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts and review the diff.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderCompact, renderMarkdown } from "../../src/report/markdown.ts";
import { chartImages } from "../../src/report/quickchart.ts";
import { exampleInput } from "../helpers/example.ts";

const GOLDEN = join(import.meta.dirname, "../golden");

async function golden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(path, actual);
  expect(actual).toBe(await readFile(path, "utf8"));
}

describe("Markdown report (golden)", () => {
  const sections = buildReport(exampleInput());
  const charts = sections.flatMap((s) =>
    s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
  );
  const images = new Map(chartImages(charts, "quickchart.io")!.map((i) => [i.spec.id, i]));

  it("renders the full report", async () => {
    await golden("report.md", renderMarkdown(sections, images));
  });

  it("renders a compact report that keeps the verdicts and says what it left out", async () => {
    await golden("report-compact-6000.md", renderCompact(sections, images, { limit: 6000 }));
  });

  it("renders without chart images when the chart host is none", async () => {
    await golden(
      "report-no-charts.md",
      renderMarkdown(sections, chartImages(charts, "none") && null),
    );
  });
});
