// The report as Markdown (markdown-table): the full report.md, and a compact variant (the
// PR comment) that stays under GitHub's 65,536-character limit however many meshes and runs
// there are. The compact variant opens with the verdict and only what changed, folds every
// other section into a <details> block that says what is inside, adds those by priority
// while they fit (long tables cut to their first rows), and lists what it left out. Pure.
import { markdownTable } from "markdown-table";
import type { Block, Section } from "./blocks.ts";
import type { ChartImage } from "./quickchart.ts";
import { defuseMarkdown } from "./untrusted.ts";

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Room left for what the GitHub side wraps around the report (marker, title, links). */
export const COMPACT_LIMIT = GITHUB_COMMENT_LIMIT - 1_536;

export type Images = ReadonlyMap<string, ChartImage> | null;

/** A table cell: defused, and a | would end the cell early (even inside a code span). */
const cell = (text: string): string => defuseMarkdown(text).replace(/\|/g, "\\|");

function renderBlock(block: Block, images: Images): string | null {
  switch (block.kind) {
    case "paragraph":
      return defuseMarkdown(block.text);
    case "list":
      if (block.items.length === 0) return null;
      return block.items.map((item) => `- ${defuseMarkdown(item)}`).join("\n");
    case "table":
      return markdownTable([block.header.map(cell), ...block.rows.map((r) => r.map(cell))], {
        align: block.align,
      });
    case "chart": {
      const image = images?.get(block.chart.id);
      if (!image) return null;
      if (image.url === null) {
        return `_Chart "${defuseMarkdown(block.chart.title)}" is too large for an image URL; it is in report.html._`;
      }
      return `![${defuseMarkdown(block.chart.title.replace(/[[\]]/g, ""))}](${image.url})`;
    }
  }
}

export function renderSection(
  section: Section,
  images: Images,
  blocks = section.blocks,
  heading = true,
): string {
  const parts: string[] = [];
  for (const block of blocks) {
    const text = renderBlock(block, images);
    if (text !== null) parts.push(text);
  }
  // A section of charts only, without chart images, is left out heading and all.
  if (parts.length === 0 && blocks.length > 0) return "";
  if (section.heading && heading)
    parts.unshift(`${"#".repeat(section.heading.level)} ${defuseMarkdown(section.heading.text)}`);
  return parts.join("\n\n");
}

const join = (parts: string[]): string => `${parts.filter((p) => p !== "").join("\n\n")}\n`;

export function renderMarkdown(sections: readonly Section[], images: Images): string {
  return join(sections.map((s) => renderSection(s, images)));
}

/** The section with each table or list cut to its first `keep` rows, saying so. */
function truncated(section: Section, keep: number): { blocks: Block[]; cut: boolean } {
  let cut = false;
  const cutNote = (total: number, what: string): Block => ({
    kind: "paragraph",
    text: `_First ${keep} of ${total} ${what}; all of them are in report.md._`,
  });
  const blocks = section.blocks.flatMap((block): Block[] => {
    if (block.kind === "table" && block.rows.length > keep) {
      cut = true;
      return [{ ...block, rows: block.rows.slice(0, keep) }, cutNote(block.rows.length, "rows")];
    }
    if (block.kind === "list" && block.items.length > keep) {
      cut = true;
      return [
        { ...block, items: block.items.slice(0, keep) },
        cutNote(block.items.length, "items"),
      ];
    }
    return [block];
  });
  return { blocks, cut };
}

/** At most this many section names are listed in the note on what was left out. */
const MAX_NAMED = 12;

/** Section names hold scenario names, which are untrusted like every text of the report. */
const named = (names: string[]): string =>
  defuseMarkdown(
    names.length <= MAX_NAMED
      ? names.join("; ")
      : `${names.slice(0, MAX_NAMED).join("; ")}; and ${names.length - MAX_NAMED} more`,
  );

function leftOutNote(omitted: string[], cut: string[], limit: number, fullReport: string): string {
  if (omitted.length === 0 && cut.length === 0) return "";
  const parts: string[] = [];
  if (omitted.length > 0) parts.push(`left out: ${named(omitted)}`);
  if (cut.length > 0) parts.push(`shortened: ${named(cut)}`);
  return `_To stay under ${limit.toLocaleString("en-US")} characters this summary ${parts.join("; and ")}. The full report is ${fullReport}._`;
}

/** What a folded section holds, for its summary line when it names none itself. */
function foldSummary(section: Section, blocks: readonly Block[]): string {
  if (section.fold) return section.fold;
  const tables = blocks.filter((b) => b.kind === "table");
  const charts = blocks.filter((b) => b.kind === "chart").length;
  const rows = tables.reduce((n, b) => n + b.rows.length, 0);
  const items = blocks.reduce((n, b) => n + (b.kind === "list" ? b.items.length : 0), 0);
  const what = [
    tables.length > 0
      ? `${tables.length === 1 ? "a table" : `${tables.length} tables`} of ${rows} row(s)`
      : "",
    charts > 0 ? `${charts} chart(s)` : "",
    tables.length === 0 && items > 0 ? `${items} item(s)` : "",
  ].filter((w) => w !== "");
  const title = section.heading?.text ?? section.name;
  return what.length > 0 ? `${title}: ${what.join(" and ")}` : title;
}

/**
 * A section inside `<details>`, its heading replaced by the summary line; the blank line
 * after `</summary>` lets GitHub render the Markdown inside (tables above all).
 */
function folded(section: Section, images: Images, blocks = section.blocks): string {
  const body = renderSection(section, images, blocks, false);
  if (body === "") return "";
  const summary = defuseMarkdown(foldSummary(section, blocks));
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** The lead and the first line read as one line: a sentence ends before the counts. */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

export interface CompactOptions {
  /** Characters the result stays within. */
  limit?: number;
  /** Put before the first line (the Action's verdict); Markdown already safe. */
  lead?: string;
  /** How the note on what was left out names the full report (a link, in the Action). */
  fullReport?: string;
}

/** The largest `keep` in [lo, hi] for which `fits(keep)` holds (it holds for fewer); lo if none. */
function largestFitting(lo: number, hi: number, fits: (keep: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const itemCount = (blocks: readonly Block[]): number =>
  blocks.reduce(
    (n, b) =>
      Math.max(n, b.kind === "list" ? b.items.length : b.kind === "table" ? b.rows.length : 0),
    0,
  );

/**
 * The compact Markdown: essential sections whole, then the rest by priority while the
 * whole stays within `limit` characters, ending with what was left out or shortened.
 * When the essential sections alone do not fit, they get shorter step by step: their
 * compact blocks, then their lists cut to as many items as fit (saying how many more),
 * and, whatever the input, a final cut of the text so the limit always holds.
 */
export function renderCompact(
  all: readonly Section[],
  images: Images,
  options: CompactOptions = {},
): string {
  const {
    limit = COMPACT_LIMIT,
    lead,
    fullReport = "report.md and report.html with the results",
  } = options;
  // The verdict and what changed first; the report's title is the comment's own line.
  const sections = [...all.filter((s) => s.leads), ...all.filter((s) => !s.leads)];
  const render = (s: Section, blocks = s.blocks): string => {
    if (!s.essential) return folded(s, images, blocks);
    const text = renderSection(s, images, blocks, !s.leads && s.heading?.level !== 1);
    return lead !== undefined && s === sections[0] && s.leads ? `${sentence(lead)} ${text}` : text;
  };
  const chosen: (string | null)[] = sections.map((s) => (s.essential ? render(s) : null));
  const cut: string[] = [];
  const assemble = () => {
    const omitted = sections
      .filter((s, i) => chosen[i] === null && !s.essential)
      .map((s) => s.name);
    const opening = lead !== undefined && !sections[0]?.leads ? [lead] : [];
    return join([
      ...opening,
      ...chosen.map((t) => t ?? ""),
      leftOutNote(omitted, cut, limit, fullReport),
    ]);
  };
  const essential = sections.map((s, i) => ({ s, i })).filter(({ s }) => s.essential);
  // Only when there are very many meshes: the verdicts in ever shorter forms.
  const steps = Math.max(0, ...essential.map(({ s }) => s.compactBlocks?.length ?? 0));
  for (let step = 0; step < steps && assemble().length > limit; step++) {
    for (const { s, i } of essential) {
      const variant = s.compactBlocks?.[Math.min(step, s.compactBlocks.length - 1)];
      if (variant) chosen[i] = render(s, variant);
    }
    if (step === 0) cut.push("the verdicts (only what changed)");
  }
  if (assemble().length > limit) {
    // Last resort: every essential list cut to the same number of items, as many as fit.
    const shortest = (s: Section) => s.compactBlocks?.at(-1) ?? s.blocks;
    const cutTo = (keep: number) => {
      for (const { s, i } of essential) {
        chosen[i] = render(
          s,
          s.cutBlocks ? s.cutBlocks(keep) : truncated({ ...s, blocks: shortest(s) }, keep).blocks,
        );
      }
    };
    const most = Math.max(0, ...essential.map(({ s }) => itemCount(shortest(s))));
    cutTo(
      largestFitting(0, most, (keep) => {
        cutTo(keep);
        return assemble().length <= limit;
      }),
    );
    cut.splice(0, cut.length, "the verdicts (each list cut to its first items)");
  }
  const order = sections
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !s.essential)
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i);
  for (const { s, i } of order) {
    chosen[i] = render(s);
    if (assemble().length <= limit) continue;
    chosen[i] = null;
    if (!s.truncatable) continue;
    for (let keep = 20; keep >= 3; keep = Math.floor(keep / 2)) {
      const t = truncated(s, keep);
      if (!t.cut) continue;
      chosen[i] = render(s, t.blocks);
      cut.push(s.name);
      if (assemble().length <= limit) break;
      cut.pop();
      chosen[i] = null;
    }
  }
  return hardCut(assemble(), limit, fullReport);
}

/**
 * Whatever the input (thousands of scenarios, each with an essential header), the text
 * ends within `limit`: cut at a line boundary, saying so. The verdicts come first, so they
 * are what stays.
 */
function hardCut(text: string, limit: number, fullReport: string): string {
  if (text.length <= limit) return text;
  const tail = `\n\n_… cut here to stay under the size limit: see the full report (${fullReport})._\n`;
  // A cut inside a folded section closes it, so what follows the cut still renders.
  const close = "\n\n</details>";
  const head = text.slice(0, limit - tail.length - close.length);
  const end = head.lastIndexOf("\n");
  const kept = head.slice(0, end > 0 ? end : head.length).trimEnd();
  const open = kept.lastIndexOf("<details>") > kept.lastIndexOf("</details>");
  return `${kept}${open ? close : ""}${tail}`;
}
