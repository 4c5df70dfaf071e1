// Writes the history page into a directory: index.html, and data/<year>.js per earlier
// year. The shaping and rendering are pure (history-page.ts, history-html.ts); this is the
// edge that reads Chart.js and writes files.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { chartJsSource } from "./chartjs-source.ts";
import { renderHistoryPage } from "./history-html.ts";
import { historyPageModel, type PageEntry } from "./history-page.ts";

/** The default window: 90 days, widened to the last 30 entries when they go further back. */
export const DEFAULT_PAGE_WINDOW = { days: 90, minEntries: 30 };

export async function writeHistoryPage(
  outDir: string,
  entries: readonly PageEntry[],
  {
    now = new Date(),
    days = DEFAULT_PAGE_WINDOW.days,
    minEntries = DEFAULT_PAGE_WINDOW.minEntries,
  } = {},
): Promise<{ files: string[]; shown: number; total: number }> {
  const model = historyPageModel(entries, { now, days, minEntries });
  const files = renderHistoryPage(model, await chartJsSource(), now);
  const written: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.text);
    written.push(path);
  }
  return { files: written, shown: model.window.entries, total: entries.length };
}
