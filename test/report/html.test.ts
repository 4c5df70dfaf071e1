// report.html in a real headless Chromium (Debian's chromium, driven by playwright-core):
// the page loads offline with no console errors, and every chart canvas has pixels drawn.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chartJsSource } from "../../src/report/chartjs-source.ts";
import { buildReport } from "../../src/report/document.ts";
import { renderHtml } from "../../src/report/html.ts";
import { exampleInput } from "../helpers/example.ts";

// Debian's chromium by default; CHROMIUM_PATH points elsewhere (GitHub's Ubuntu runners have google-chrome).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

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
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: this test needs Debian's chromium; install it with "apt-get install -y chromium" (.ci/run installs what .ci/apt-packages lists)`,
      );
    }
    const profile = await mkdtemp(join(tmpdir(), "meshbench-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning")
          errors.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        requests.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(join(dir, "report.html")).href, { waitUntil: "load" });
      // Page code as strings: this project type-checks against Node's types, not the DOM's.
      await page.waitForFunction(
        `document.querySelectorAll("canvas").length === ${chartIds.length}`,
      );
      const drawn: { id: string; width: number; height: number; painted: number }[] =
        await page.evaluate(`
        [...document.querySelectorAll("canvas")].map((canvas) => {
          const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
          return { id: canvas.id, width: canvas.width, height: canvas.height, painted: painted / (data.length / 4) };
        })
      `);
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
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
