// report.html in a real headless Chromium (Debian's chromium, driven by playwright-core):
// the page loads offline with no console errors, and every chart canvas has pixels drawn.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartJsSource } from "../../src/report/chartjs-source.ts";
import { buildReport } from "../../src/report/document.ts";
import { renderHtml } from "../../src/report/html.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { CANVAS_PAINT, type CanvasPaint, openOffline } from "../helpers/chromium.ts";
import { exampleInput, exampleRuns } from "../helpers/example.ts";

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

  it("says ≥ in the tooltip of a percentile among timed-out requests, and only there", async () => {
    // istio's runs each had 1 % + 100 of their 54,000 requests time out: its p99 and above
    // are lower bounds, its p90 is not; the other meshes had none.
    const runs = exampleRuns(true).map(({ path, run }) => {
      if (run.mesh.name !== "istio" || !run.load) return { path, run };
      const censored = 640;
      const latencyUs = { ...run.load.latencyUs, censored };
      return { path, run: { ...run, load: { ...run.load, latencyUs } } };
    });
    const scenarios = summarize(runs);
    const page = join(dir, "censored.html");
    await writeFile(
      page,
      renderHtml(
        buildReport({ scenarios, problems: [], overTime: new Map(), comparison: null }),
        await chartJsSource(),
      ),
    );
    const { errors, result: labels } = await inChromium(page, async (p) => {
      await p.waitForFunction(`document.querySelectorAll("canvas").length > 0`);
      // The tooltip Chart.js draws on hover, made active by hand: its body lines as shown.
      return (await p.evaluate(`
        (() => {
          const chart = Chart.getChart(document.querySelector("canvas[id$='-spectrum']"));
          const labels = chart.data.labels;
          const out = {};
          chart.data.datasets.forEach((d, datasetIndex) => {
            for (const name of ["p90", "p99", "max"]) {
              const index = labels.indexOf(name);
              chart.tooltip.setActiveElements([{ datasetIndex, index }], { x: 0, y: 0 });
              chart.update();
              out[d.label + " " + name] = chart.tooltip.body.flatMap((b) => b.lines).join(" | ");
            }
          });
          return out;
        })()
      `)) as Record<string, string>;
    });
    expect(errors).toEqual([]);
    const istio = Object.keys(labels).find(
      (k) => /^istio.* p99$/.test(k) && !/min|max p99/.test(k),
    )!;
    expect(labels[istio]).toMatch(/: ≥ \d/);
    expect(labels[istio.replace(/p99$/, "max")]).toMatch(/: ≥ \d/);
    expect(labels[istio.replace(/p99$/, "p90")]).not.toContain("≥");
    for (const [key, text] of Object.entries(labels))
      if (!key.startsWith("istio")) expect(text, key).not.toContain("≥");
  });
});

/** Opens `file` offline in headless Chromium (test/helpers/chromium.ts) and runs `fn` on the page. */
async function inChromium<T>(
  file: string,
  fn: (page: Page) => Promise<T>,
): Promise<{ errors: string[]; requests: string[]; result: T }> {
  const { page, errors, requests, close } = await openOffline(pathToFileURL(file).href);
  try {
    return { errors, requests, result: await fn(page) };
  } finally {
    await close();
  }
}
