// Text in the Markdown report is partly untrusted: mesh names and versions, scenario
// names, container names, failure reasons and file paths come from run files that a fork's
// pull request can produce, and the compact report is posted as a PR comment with a write
// token. Every text is therefore defused before it is written as Markdown, so that none can
// mention people or teams, link or embed anything, inject HTML, or reference issues. The
// report's own markup (**bold**, `code`, _emphasis_, [min–max]) uses none of these
// constructs and passes unchanged. Pure.

/** Zero-width joiner: invisible, and it breaks the patterns GitHub turns into actions. */
const ZWJ = "\u200D";

export function defuseMarkdown(text: string): string {
  return (
    text
      // First, so that no backslash in the text can undo an escape added below.
      .replace(/\\/g, "\\\\")
      // HTML tags, autolinks in <…>, and entities (&#64; would become an @ after rendering).
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      // Links, images and reference definitions: [text](url), ![alt](src), [a][b], [a]: url.
      .replace(/\](?=[([:])/g, "\\]")
      // @user and @org/team mentions, and e-mail autolinks.
      .replace(/@/g, `@${ZWJ}`)
      // Bare URLs (http://, https://, ftp://, www.) that GitHub links by itself.
      .replace(/:\/\//g, `:${ZWJ}//`)
      .replace(/\b(www)\./gi, `$1${ZWJ}.`)
      // #123 references to issues and pull requests (they notify the referenced thread).
      .replace(/#(?=\d)/g, `#${ZWJ}`)
      // GH-123, GitHub's other form of the same reference.
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
      // One line: a newline could end a list item or a table row and start anything.
      .replace(/\r?\n|\r/g, " ")
  );
}
