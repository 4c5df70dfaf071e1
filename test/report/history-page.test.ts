// The history page: its data shaped from history entries (pure), and the page itself in a
// real headless Chromium — every chart drawn by a Chart.js instance from a history of
// weekly reports with a version bump, gate regressions and a calibrated noise floor, no
// console errors, earlier years loaded on demand, and a screenshot in test/out/.
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_SCHEMA, type HistoryEntry } from "../../src/github/history-format.ts";
import { historyPageModel } from "../../src/report/history-page.ts";
import { writeHistoryPage } from "../../src/report/history-site.ts";
import { CANVAS_PAINT, type CanvasPaint, openOffline } from "../helpers/chromium.ts";

const NOW = new Date("2026-12-03T08:00:00Z");
const WEEK = 7 * 86_400_000;
const BUMP = Date.parse("2026-10-05T06:00:00Z");

/** Weekly reports from March 2025 to now: bare, Linkerd (2.14.1, then 2.15.0), Istio. */
function weekly(): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (let t = Date.parse("2025-03-03T06:00:00Z"), i = 0; t < NOW.getTime(); t += WEEK, i++) {
    const linkerd = t >= BUMP ? "2.15.0" : "2.14.1";
    const wave = 1 + 0.05 * Math.sin(i / 3);
    entries.push({
      schema: HISTORY_SCHEMA,
      at: new Date(t).toISOString(),
      scenario: "ci-kind",
      run: {
        id: 9000 + i,
        url: `https://github.com/acme/shop/actions/runs/${9000 + i}`,
        sha: "a".repeat(40),
        ref: "refs/heads/main",
        event: "schedule",
      },
      meshes: {
        bare: {
          achievedRate: 600,
          latencyUs: { p50: 700, p99: Math.round(2000 * wave), "p99.9": 4000 },
          dataPlaneMemoryBytes: null,
          controlPlaneMemoryBytes: null,
        },
        [`linkerd ${linkerd}`]: {
          achievedRate: 599,
          latencyUs: { p50: 900, p99: Math.round((t >= BUMP ? 3600 : 3000) * wave), "p99.9": 6000 },
          dataPlaneMemoryBytes: 21 * 2 ** 20,
          controlPlaneMemoryBytes: 180 * 2 ** 20,
          dataPlaneCpuCores: 0.11 * wave,
          controlPlaneCpuCores: 0.02,
          version: linkerd,
          ...(t === BUMP ? { regressed: ["latency.p99"] } : {}),
        },
        "istio 1.25.0 (tuned)": {
          achievedRate: 598,
          latencyUs: { p50: 1100, p99: Math.round(4500 * wave), "p99.9": 9000 },
          dataPlaneMemoryBytes: 48 * 2 ** 20,
          controlPlaneMemoryBytes: 400 * 2 ** 20,
          dataPlaneCpuCores: 0.2 * wave,
          controlPlaneCpuCores: 0.05,
          version: "1.25.0",
        },
      },
      noisePct: { "latency.p99": 4, "latency.p50": 1.5 },
    });
  }
  return entries;
}

describe("the history page's data", () => {
  const entries = weekly();
  const model = historyPageModel(entries, { now: NOW, days: 90, minEntries: 10 });
  const p99 = () => model.window.points["ci-kind--latency_p99"]!;

  it("keeps one line per mesh across a version change, marked where it changed", () => {
    expect(Object.keys(p99())).toEqual(["bare", "linkerd", "istio (tuned)"]);
    expect(model.window.markers).toEqual([
      { scenario: "ci-kind", mesh: "linkerd", x: BUMP, label: "2.14.1 → 2.15.0" },
    ]);
  });

  it("flags the run the gate called regressed, in that figure's chart only", () => {
    const flagged = p99().linkerd!.filter((p) => p.regressed);
    expect(flagged.map((p) => p.x)).toEqual([BUMP]);
    const p50 = model.window.points["ci-kind--latency_p50"]!;
    expect(p50.linkerd!.some((p) => p.regressed)).toBe(false);
  });

  it("draws the noise floor as the value ± 3 × the calibrated spread, where calibrated", () => {
    const band = model.window.bands["ci-kind--latency_p99"]!["istio (tuned)"]!;
    const point = p99()["istio (tuned)"]![0]!;
    expect(band[0]!.x).toBe(point.x);
    expect(band[0]!.lo).toBeCloseTo(point.y * 0.88, 1); // 3 × 4 % below
    expect(band[0]!.hi).toBeCloseTo(point.y * 1.12, 1);
    expect(model.window.bands["ci-kind--rate_achieved"]).toBeUndefined();
  });

  it("opens on the last 90 days, the rest by calendar year newest first, nothing lost", () => {
    const cut = model.window.from;
    expect(cut).toBeLessThanOrEqual(NOW.getTime() - 90 * 86_400_000);
    expect(model.window.entries).toBe(entries.filter((e) => Date.parse(e.at) >= cut).length);
    expect(model.earlier.map((c) => c.label)).toEqual(["2026", "2025"]);
    const total = model.window.entries + model.earlier.reduce((n, c) => n + c.entries, 0);
    expect(total).toBe(entries.length);
  });

  it("widens the window to hold the last N entries when 90 days hold fewer", () => {
    const sparse = weekly().filter((_, i) => i % 8 === 0); // every 8 weeks
    const m = historyPageModel(sparse, { now: NOW, days: 90, minEntries: 5 });
    expect(m.window.entries).toBe(5);
  });

  it("draws a chart only for figures some entry has: capacity appears when measured", () => {
    const ids = (m: typeof model) => m.scenarios[0]!.charts.map((c) => c.id);
    expect(ids(model)).not.toContain("ci-kind--capacity");
    const withCapacity = weekly();
    withCapacity.at(-1)!.meshes.bare!.capacity = {
      kind: "capacity",
      rate: 2400,
      held: 2400,
      failed: 2520,
    };
    expect(ids(historyPageModel(withCapacity, { now: NOW, days: 90, minEntries: 10 }))).toContain(
      "ci-kind--capacity",
    );
  });
});

describe("the history page in headless Chromium", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshbench-history-page-"));
    await writeHistoryPage(dir, weekly(), { now: NOW, days: 90, minEntries: 10 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes index.html and one data file per earlier year", async () => {
    expect((await readdir(dir)).sort()).toEqual(["data", "index.html"]);
    expect((await readdir(join(dir, "data"))).sort()).toEqual(["2025.js", "2026.js"]);
  });

  it("draws every chart with Chart.js, offline and without console errors; loads earlier years", async () => {
    const { page, errors, requests, close } = await openOffline(
      pathToFileURL(join(dir, "index.html")).href,
      { width: 1300, height: 1000 },
    );
    try {
      await page.waitForFunction(`document.querySelectorAll("canvas").length > 0`);
      const ids: string[] = await page.evaluate(
        `[...document.querySelectorAll("canvas")].filter((c) => Chart.getChart(c)).map((c) => c.id)`,
      );
      expect(ids).toEqual([
        "ci-kind--latency_p50",
        "ci-kind--latency_p99",
        "ci-kind--latency_p99_9",
        "ci-kind--rate_achieved",
        "ci-kind--cpu_controlPlane",
        "ci-kind--cpu_dataPlane",
        "ci-kind--memory_controlPlane",
        "ci-kind--memory_dataPlane",
      ]);
      const drawn: CanvasPaint[] = await page.evaluate(CANVAS_PAINT);
      for (const d of drawn) expect(d.painted, d.id).toBeGreaterThan(0.02);
      const pointsIn = `Chart.getChart(document.getElementById("ci-kind--latency_p99")).data.datasets.filter((d) => !d.band).reduce((n, d) => n + d.data.length, 0)`;
      const before: number = await page.evaluate(pointsIn);

      await mkdir(join("test", "out"), { recursive: true });
      const shot = join("test", "out", "history-page.png");
      await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1300, height: 1000 } });
      console.log(`history page screenshot: ${shot}`);

      await page.click("#more"); // 2026's earlier weeks
      await page.waitForFunction(
        `document.getElementById("more").textContent.startsWith("Load 2025")`,
      );
      await page.click("#more");
      await page.waitForFunction(`document.getElementById("more").hidden`);
      const after: number = await page.evaluate(pointsIn);
      expect(after).toBe(weekly().length * 3); // three meshes, every week
      expect(before).toBeLessThan(after);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });
});
