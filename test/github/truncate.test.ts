import { describe, expect, it } from "vitest";
import { closeOpenBlocks, fitMarkdown, utf8Bytes, utf16Length } from "../../src/github/truncate.ts";

describe("fitMarkdown", () => {
  it("leaves markdown that fits alone", () => {
    expect(fitMarkdown("# hi\n", 100, utf16Length)).toEqual({ text: "# hi\n", truncated: false });
  });

  it("cuts at a line boundary, closes an open fence and <details>, and links the full report", () => {
    const md = [
      "<details><summary>raw</summary>",
      "",
      "```",
      ...Array.from({ length: 200 }, (_, i) => `line ${i}`),
      "```",
      "</details>",
    ].join("\n");
    const { text, truncated } = fitMarkdown(md, 600, utf16Length, "https://example.com/r");
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(600);
    expect(text).toMatch(/line \d+\n```\n<\/details>\n\n> \[!NOTE\]/);
    expect(text).toContain("[the full report](https://example.com/r)");
    expect(text).not.toMatch(/line \d+[^\n]*line/); // whole lines only
  });

  it("counts bytes for the step summary: multi-byte characters are not undercounted", () => {
    const md = "µs ".repeat(1000);
    const { text } = fitMarkdown(md, 500, utf8Bytes);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(500);
  });

  it("closeOpenBlocks leaves balanced markdown unchanged", () => {
    expect(closeOpenBlocks("```\nx\n```")).toBe("```\nx\n```");
  });
});
