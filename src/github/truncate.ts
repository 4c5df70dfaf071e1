// Keeping markdown under a platform limit (a PR comment's 65,536 characters, a step
// summary's 1 MiB) without breaking it: cut at a line boundary, close a code fence or
// <details> block left open, and say what was left out and where the full report is.

export interface Fitted {
  text: string;
  truncated: boolean;
}

/** Characters as GitHub may count them: UTF-16 units, never fewer than code points. */
export const utf16Length = (s: string) => s.length;
export const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

export function truncationNotice(fullReportUrl: string | undefined): string {
  const where = fullReportUrl
    ? `[the full report](${fullReportUrl})`
    : "the full report in the workflow run's artifacts";
  return `\n\n> [!NOTE]\n> Truncated to fit GitHub's size limit; see ${where}.\n`;
}

/**
 * `markdown` unchanged when `size(markdown) <= limit`, else its longest head that fits with the
 * notice.
 */
export function fitMarkdown(
  markdown: string,
  limit: number,
  size: (s: string) => number,
  fullReportUrl?: string,
): Fitted {
  if (size(markdown) <= limit) return { text: markdown, truncated: false };
  const notice = truncationNotice(fullReportUrl);
  const fits = (head: string) => size(closeOpenBlocks(head) + notice) <= limit;
  const lines = markdown.split("\n");
  // The longest prefix of whole lines that fits (size grows with the prefix).
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(lines.slice(0, mid).join("\n"))) lo = mid;
    else hi = mid - 1;
  }
  let head = lines.slice(0, lo).join("\n");
  if (lo === 0) {
    // Not even the first line fits: cut inside it, by characters.
    const first = lines[0] ?? "";
    let a = 0;
    let b = first.length;
    while (a < b) {
      const mid = Math.ceil((a + b) / 2);
      if (fits(first.slice(0, mid))) a = mid;
      else b = mid - 1;
    }
    head = first.slice(0, a);
  }
  const text = closeOpenBlocks(head) + notice;
  if (size(text) > limit) return { text: notice.trim().slice(0, limit), truncated: true };
  return { text, truncated: true };
}

/** Closes a ``` fence and any <details> the cut left open, so the rest renders. */
export function closeOpenBlocks(head: string): string {
  let out = head;
  const fences = head.split("\n").filter((l) => /^\s*(```|~~~)/.test(l)).length;
  if (fences % 2 === 1) out += "\n```";
  const opened = (head.match(/<details\b/gi) ?? []).length;
  const closed = (head.match(/<\/details>/gi) ?? []).length;
  for (let i = closed; i < opened; i++) out += "\n</details>";
  return out;
}
