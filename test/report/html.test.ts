// report.html in a real headless Chromium (Debian's chromium, driven by playwright-core):
// the page loads offline with no console errors, and every chart canvas has pixels drawn.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartJsSource } from "../../src/report/chartjs-source.ts";
import { buildReport } from "../../src/report/document.ts";
import { renderHtml } from "../../src/report/html.ts";
import { CANVAS_PAINT, type CanvasPaint, openOffline } from "../helpers/chromium.ts";
import { exampleInput } from "../helpers/example.ts";

let dir: string;
let html: string;
const sections = buildReport(exampleInput());
const chartIds = sections.flatMap((s) =>
  s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart.id] : [])),
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "meshbench-html-"));
  html = renderHtml(sections, await chartJsSource());
  await writeFile(join(dir, "report.html"), html);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("report.html", () => {
  it("is one self-contained file: Chart.js inlined, nothing fetched", () => {
    expect(html).toContain("Chart.js v4");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("loads in headless Chromium with no console errors and draws every chart", async () => {
    const { page, errors, requests, close } = await openOffline(
      pathToFileURL(join(dir, "report.html")).href,
    );
    try {
      await page.waitForFunction(
        `document.querySelectorAll("canvas").length === ${chartIds.length}`,
      );
      const drawn: CanvasPaint[] = await page.evaluate(CANVAS_PAINT);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(drawn.map((d) => d.id)).toEqual(chartIds);
      for (const d of drawn) {
        expect(d.width, d.id).toBeGreaterThan(100);
        expect(d.height, d.id).toBeGreaterThan(50);
        // Axes, labels and data: a drawn chart paints a few % of its pixels at least.
        expect(d.painted, d.id).toBeGreaterThan(0.02);
      }
    } finally {
      await close();
    }
  });
});
