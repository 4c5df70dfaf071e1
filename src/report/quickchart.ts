// Chart configurations as QuickChart image URLs (quickchart-js), for Markdown that GitHub
// shows in PR comments and job summaries. The chart data travels to the chart host, so
// the host is configurable (a self-hosted QuickChart) or `none`.
import QuickChartModule from "quickchart-js";
import type { ChartSpec } from "./charts.ts";

// quickchart-js's types describe its CommonJS build (the class on `.default`); the ESM
// build that Node and esbuild load exports the class itself as default.
type QuickChartClass = typeof QuickChartModule.default;
type QuickChart = InstanceType<QuickChartClass>;
const QuickChart: QuickChartClass =
  "default" in QuickChartModule
    ? QuickChartModule.default
    : (QuickChartModule as unknown as QuickChartClass);

export const DEFAULT_CHART_HOST = "quickchart.io";

/**
 * Longest image URL put in Markdown. GitHub fetches images through its camo proxy, which
 * hex-encodes the URL into its own path (doubling it), and common server limits on a
 * request line are 8–16 KiB; 8,000 characters keeps the proxied request within them.
 * Longer charts get a short URL where the host offers them, or are left to report.html.
 */
export const MAX_CHART_URL = 8000;

export interface ChartImage {
  spec: ChartSpec;
  /** The image URL, or null when the URL would be too long (see `tooLong`). */
  url: string | null;
  tooLong: boolean;
}

function client(spec: ChartSpec, host: string): QuickChart {
  const qc = new QuickChart();
  const match = /^(https?):\/\/(.+?)\/?$/.exec(host);
  if (match) qc.setScheme(match[1]!).setHost(match[2]!);
  else qc.setHost(host);
  return qc
    .setConfig(spec.config as never)
    .setVersion("4")
    .setWidth(spec.width)
    .setHeight(spec.height)
    .setBackgroundColor("#ffffff");
}

/** Image URLs of the charts; `host` is a host name, `https://host[:port]`, or `none`. */
export function chartImages(specs: readonly ChartSpec[], host: string): ChartImage[] | null {
  if (host === "none") return null;
  return specs.map((spec) => {
    const url = client(spec, host).getUrl();
    return url.length <= MAX_CHART_URL
      ? { spec, url, tooLong: false }
      : { spec, url: null, tooLong: true };
  });
}

/**
 * Replaces too-long URLs by QuickChart short URLs (a POST to quickchart.io; links expire
 * on its free tier). Failures leave the chart out of the Markdown and are returned.
 */
export async function shortenTooLong(
  images: ChartImage[],
  host: string,
): Promise<{ images: ChartImage[]; failures: string[] }> {
  const failures: string[] = [];
  const out: ChartImage[] = [];
  for (const image of images) {
    if (!image.tooLong) {
      out.push(image);
      continue;
    }
    try {
      const url = await client(image.spec, host).getShortUrl();
      out.push({ spec: image.spec, url, tooLong: false });
    } catch (error) {
      failures.push(`${image.spec.title}: no short URL: ${(error as Error).message}`);
      out.push(image);
    }
  }
  return { images: out, failures };
}
