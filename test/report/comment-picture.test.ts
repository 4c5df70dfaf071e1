// The picture of the PR comment in the README (docs/comment.png), made from a real comment:
// the example comparison with a regression, within-noise changes, a capacity regression and
// the cost line, rendered as GitHub renders Markdown (micromark + GFM) in GitHub-like CSS and
// photographed in headless Chromium (the verdict marks need an emoji font: Debian's
// fonts-noto-color-emoji, in .ci/apt-packages). Each run writes test/out/comment.png;
// UPDATE_GOLDEN=1 npx vitest run test/report/comment-picture.test.ts also updates the docs copy.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { regressedMetrics, verdictLine } from "../../src/action/report-step.ts";
import { buildReport } from "../../src/report/document.ts";
import { renderCompact } from "../../src/report/markdown.ts";
import { compareCapacity } from "../../src/stats/capacity-verdict.ts";
import { DEFAULT_PRICES } from "../../src/stats/cost.ts";
import { capacitySearch } from "../helpers/capacity-files.ts";
import { openOffline } from "../helpers/chromium.ts";
import { exampleInput } from "../helpers/example.ts";
import { gfmToHtml } from "../helpers/gfm.ts";

/** Enough of github.com's comment styles that the picture reads like the real thing. */
const GITHUB_CSS = `
  body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI",
    "Noto Sans", Helvetica, Arial, sans-serif; }
  .comment { width: 880px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
  .header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; }
  .body { padding: 16px; }
  p, ul, table, details { margin: 0 0 16px; }
  ul { padding-left: 2em; }
  code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%;
    font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
  table { border-collapse: collapse; display: block; overflow: auto; max-width: 100%; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  summary { cursor: pointer; }
  h2, h3 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
`;

describe("the comment's picture", () => {
  it("renders a real comment: verdict line, table of changes with capacity, cost line, folds", async () => {
    const input = exampleInput();
    const capacityVerdicts = compareCapacity(
      [capacitySearch(1000, 1050, "smoke")],
      [capacitySearch(800, 840, "smoke")],
    );
    const regressed = regressedMetrics(input.comparison, capacityVerdicts);
    const markdown = renderCompact(
      buildReport({
        ...input,
        capacityVerdicts,
        cost: { prices: DEFAULT_PRICES, trafficRps: 5000 },
      }),
      null,
      { lead: verdictLine("regressed", "run 1000 (e3cbba8, 2026-11-19) on main", regressed) },
    );
    const html =
      `<!doctype html><meta charset="utf-8"><style>${GITHUB_CSS}</style>` +
      `<div class="comment"><div class="header"><b>github-actions</b> bot commented</div>` +
      `<div class="body">${gfmToHtml(markdown)}</div></div>`;
    const out = join("test", "out");
    await mkdir(out, { recursive: true });
    const file = join(out, "comment.html");
    await writeFile(file, html);

    const { page, errors, requests, close } = await openOffline(pathToFileURL(file).href, {
      width: 920,
      height: 800,
    });
    try {
      // What the picture must show: the verdict first, the capacity row, the cost line.
      const text: string = await page.evaluate(`document.querySelector(".body").innerText`);
      expect(text.startsWith("meshbench: regressed against run 1000")).toBe(true);
      expect(text.split("\n")[0]).toContain("; linkerd (capacity). 8 regressed");
      expect(text).toMatch(/linkerd\tcapacity\t1000 rps \(failed 1050\)\t800 rps \(failed 840\)/);
      expect(text).toContain("≈ +21.2 %");
      expect(text).toContain("Cost over bare: istio 1.25.0 adds $136.00/month at 5,000 rps");
      // Nothing is wider than the comment: GitHub would show a scroll bar.
      const overflow: number = await page.evaluate(
        `Math.max(...[...document.querySelectorAll(".body > table")].map((t) => t.scrollWidth - t.clientWidth))`,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const height: number = await page.evaluate(`document.querySelector(".comment").offsetHeight`);
      const shot = join(out, "comment.png");
      await page.screenshot({
        path: shot,
        fullPage: true,
        clip: { x: 0, y: 0, width: 920, height: height + 32 },
      });
      console.log(`comment screenshot: ${shot}`);
      if (process.env.UPDATE_GOLDEN) await copyFile(shot, join("docs", "comment.png"));
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });
});
