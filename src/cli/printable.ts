// Text from untrusted files (paths, mesh names, reasons from run files a fork's pull request
// uploaded) printed by the CLI. It is kept on one line with its control characters
// escaped: a raw newline would start a line of its own, and GitHub Actions takes a line
// starting `::error::`, `::add-mask::` … as a workflow command when a workflow runs
// `meshbench report` itself; an ESC would drive the terminal. Pure.

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` on one line: C0/C1 controls, DEL and Unicode line separators as escapes. */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
