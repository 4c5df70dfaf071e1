// `meshbench history-page`: the history branch's JSON lines in, a static dashboard out.
import { readHistoryBranch, readHistoryDir } from "../github/history-files.ts";
import { DEFAULT_PAGE_WINDOW, writeHistoryPage } from "../report/history-site.ts";
import { printable } from "./printable.ts";
import { parseFlags, stringFlags, UsageError } from "./usage.ts";

export const HISTORY_PAGE_HELP = `meshbench history-page — the history of scheduled reports as a static HTML dashboard

Usage:
  meshbench history-page (--history DIR | --branch REF) --out DIR [--days N]

Reads every *.jsonl below --history DIR (a checkout of the meshbench-history branch), or
from --branch REF of the git repository in the working directory (e.g.
origin/meshbench-history, fetched first). Writes to --out:
  index.html          per scenario and mesh, over time: p50/p99/p99.9, achieved rate,
                      capacity (when measured), control-plane and proxy CPU and memory;
                      version changes marked, gate regressions flagged, the noise floor as
                      a band; Chart.js inlined, no network
  data/<year>.js      earlier years, loaded by the page's button

Flags:
  --days N            the window the page opens with (default ${DEFAULT_PAGE_WINDOW.days}; widened to the last
                      ${DEFAULT_PAGE_WINDOW.minEntries} runs when they go further back)

Exit status: 0 page written, 2 bad arguments, 1 internal fault.
`;

const FLAGS = {
  ...stringFlags("history", "branch", "out", "days"),
} as const;

export async function historyPageCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags("history-page", argv, FLAGS);
  if ((values.history === undefined) === (values.branch === undefined)) {
    throw new UsageError("history-page: give one of --history DIR or --branch REF");
  }
  if (values.out === undefined) throw new UsageError("history-page: --out DIR is required");
  const days = values.days === undefined ? DEFAULT_PAGE_WINDOW.days : Number(values.days);
  if (!Number.isInteger(days) || days < 1) {
    throw new UsageError(
      `history-page: --days must be a whole number of days ≥ 1, got ${values.days}`,
    );
  }
  const read =
    values.history !== undefined
      ? await readHistoryDir(values.history)
      : await readHistoryBranch(values.branch!, process.cwd());
  for (const p of read.problems)
    process.stderr.write(`meshbench: ${printable(`${p.file}:${p.line}: ${p.message}`)}\n`);
  const page = await writeHistoryPage(values.out, read.entries, { days });
  process.stdout.write(
    `History page of ${page.total} run(s) from ${read.files} file(s); ${page.shown} in the first window:\n${page.files.map((f) => `  ${f}`).join("\n")}\n`,
  );
  return 0;
}
