// Chart.js's own browser build, inlined into report.html so that the page draws its
// charts with no network. From src/ it is read from the chart.js package; the dist/
// bundle has no node_modules, so scripts/bundle.ts replaces this module with one that
// returns the same file's text, embedded at build time.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export async function chartJsSource(): Promise<string> {
  // The package's exports map hides dist/chart.umd.min.js; find it beside its main file.
  const main = createRequire(import.meta.url).resolve("chart.js");
  return readFile(join(dirname(main), "chart.umd.min.js"), "utf8");
}
