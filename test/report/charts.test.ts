import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/document.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { chartImages, MAX_CHART_URL } from "../../src/report/quickchart.ts";
import { exampleInput } from "../helpers/example.ts";

const sections = buildReport(exampleInput());
const charts = sections.flatMap((s) =>
  s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
);

/** The chart configuration a QuickChart URL carries (javascript-stringify's JS literal). */
function configOf(url: string): unknown {
  const c = new URL(url).searchParams.get("c")!;
  return new Function(`return (${c});`)();
}

describe("charts", () => {
  it("draws the spectrum, CPU, memory and one latency-over-time chart per mesh", () => {
    expect(charts.map((c) => c.id)).toEqual([
      "s0-smoke-spectrum",
      "s0-smoke-cpu",
      "s0-smoke-memory",
      "s0-smoke-over-time-0",
      "s0-smoke-over-time-1",
      "s0-smoke-over-time-2",
    ]);
  });

  it("puts the spectrum on a logarithmic latency axis with a min–max band per mesh", () => {
    const spectrum = charts[0]!.config;
    expect((spectrum.options.scales as { y: { type: string } }).y.type).toBe("logarithmic");
    const istio = spectrum.data.datasets.filter((d) => String(d.label).startsWith("istio"));
    expect(istio.map((d) => [d.label, d.fill])).toEqual([
      ["istio 1.25.0 min", false],
      ["istio 1.25.0 max", "-1"],
      ["istio 1.25.0", false],
    ]);
    // Median p50 of istio's runs: 2 × lo for lo = 1210, 1220, 1230 µs → 2.44 ms.
    expect((istio[2]!.data as number[])[0]).toBeCloseTo(2.44, 2);
  });

  it("encodes each configuration whole in a Chart.js 4 QuickChart URL within the length limit", () => {
    for (const image of chartImages(charts, "quickchart.io")!) {
      expect(image.url).not.toBeNull();
      expect(image.url!.length).toBeLessThanOrEqual(MAX_CHART_URL);
      const url = new URL(image.url!);
      expect(url.origin).toBe("https://quickchart.io");
      expect(url.searchParams.get("v")).toBe("4");
      expect(configOf(image.url!)).toEqual(image.spec.config);
    }
  });

  it("uses a configured host, and none at all when asked", () => {
    const own = chartImages(charts, "http://charts.internal:3400")!;
    expect(own[0]!.url!.startsWith("http://charts.internal:3400/chart?")).toBe(true);
    expect(chartImages(charts, "none")).toBeNull();
    expect(renderMarkdown(sections, null)).not.toContain("![");
  });

  it("leaves a chart whose URL would be too long to report.html, saying so", () => {
    const big = {
      ...charts[0]!,
      config: {
        ...charts[0]!.config,
        data: {
          ...charts[0]!.config.data,
          labels: Array.from({ length: 3000 }, (_, i) => `label-${i}`),
        },
      },
    };
    const [image] = chartImages([big], "quickchart.io")!;
    expect(image).toEqual({ spec: big, url: null, tooLong: true });
    const md = renderMarkdown(
      [{ blocks: [{ kind: "chart", chart: big }], essential: true, priority: 0, name: "x" }],
      new Map([[big.id, image!]]),
    );
    expect(md).toBe(
      `_Chart "${big.title}" is too large for an image URL; it is in report.html._\n`,
    );
  });
});
