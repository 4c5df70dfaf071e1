// A comment as GitHub shows it: Markdown rendered to HTML by micromark with the GFM
// extension (tables, as github.com parses them), then taken apart into what is on the first
// screen and what is folded in <details>. The HTML is micromark's, so simple patterns read it.
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";

export const gfmToHtml = (markdown: string): string =>
  micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });

export interface Fold {
  summary: string;
  html: string;
}

export interface RenderedComment {
  html: string;
  /** The HTML outside every <details> block. */
  outside: string;
  folds: Fold[];
}

export function renderedComment(markdown: string): RenderedComment {
  const html = gfmToHtml(markdown);
  const folds: Fold[] = [];
  const outside = html.replace(
    /<details><summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g,
    (_all, summary: string, inner: string) => {
      folds.push({ summary, html: inner });
      return "";
    },
  );
  return { html, outside, folds };
}

/** Columns of each table: its header cells. */
export const tableWidths = (html: string): number[] =>
  [...html.matchAll(/<thead>\s*<tr>([\s\S]*?)<\/tr>/g)].map(
    (m) => [...m[1]!.matchAll(/<th\b/g)].length,
  );

/** Tables in Markdown source: a row followed by a delimiter row. */
export const markdownTables = (markdown: string): number =>
  [...markdown.matchAll(/^\|.*\|\n\| *:?-+:? *\|/gm)].length;

/** The first element of the HTML, its text without tags. */
export function firstBlockText(html: string): { tag: string; text: string } {
  const m = /^\s*<([a-z0-9]+)[^>]*>([\s\S]*?)<\/\1>/.exec(html);
  return { tag: m?.[1] ?? "", text: (m?.[2] ?? "").replace(/<[^>]+>/g, "") };
}
