// report.html: the same sections as the Markdown, as one self-contained page. Chart.js
// (its UMD build from the npm package) and the chart configurations are inlined, so the
// page draws its charts offline, e.g. opened from a downloaded artifact. Pure: the
// Chart.js source is passed in.
import type { Block, Section } from "./blocks.ts";
import { LOWER_BOUND_KEY } from "./charts.ts";

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The little Markdown the report's texts use: **bold**, `code`, _emphasis_. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/`(.+?)`/g, "<code>$1</code>")
    .replace(/(^|\s)_(.+?)_(?=\s|$|[.,;:])/g, "$1<em>$2</em>");
}

/** Text inside <script> must not close it early. */
const scriptSafe = (text: string): string => text.replace(/<\/(script)/gi, "<\\/$1");

const ALIGN = { l: "left", r: "right", c: "center" } as const;

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p>${inline(block.text)}</p>`;
    case "list":
      return `<ul>${block.items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`;
    case "table": {
      const th = block.header
        .map((h, i) => `<th style="text-align:${ALIGN[block.align[i] ?? "l"]}">${inline(h)}</th>`)
        .join("");
      const rows = block.rows
        .map(
          (r) =>
            `<tr>${r.map((c, i) => `<td style="text-align:${ALIGN[block.align[i] ?? "l"]}">${inline(c)}</td>`).join("")}</tr>`,
        )
        .join("\n");
      return `<div class="table"><table><thead><tr>${th}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
    }
    case "chart": {
      const { id, title, width, height } = block.chart;
      return `<figure class="chart" style="max-width:${width}px"><div style="position:relative;aspect-ratio:${width}/${height}"><canvas id="${escapeHtml(id)}" role="img" aria-label="${escapeHtml(title)}"></canvas></div></figure>`;
    }
  }
}

function renderSection(section: Section): string {
  const parts: string[] = [];
  if (section.heading) {
    const { level, text } = section.heading;
    parts.push(`<h${level}>${inline(text)}</h${level}>`);
  }
  for (const block of section.blocks) parts.push(renderBlock(block));
  return parts.join("\n");
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem}
th{background:#f6f8fa}
.table{overflow-x:auto;margin:1rem 0}
figure.chart{margin:1.5rem 0}
code{background:#f6f8fa;padding:0 .2rem;border-radius:3px}
`;

export function renderHtml(sections: readonly Section[], chartJsSource: string): string {
  const charts = sections.flatMap((s) =>
    s.blocks.flatMap((b) =>
      b.kind === "chart" ? [{ id: b.chart.id, config: b.chart.config }] : [],
    ),
  );
  // JSON in a data block: "<" escaped so that no string in it can end the script element.
  const data = JSON.stringify(charts).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshbench report</title>
<style>${STYLE}</style>
</head>
<body>
${sections.map(renderSection).join("\n")}
<script type="application/json" id="meshbench-charts">${data}</script>
<script>${scriptSafe(chartJsSource)}</script>
<script>
// A point whose dataset marks it a lower bound (timed-out requests in that percentile) reads "≥" in its tooltip.
const defaultLabel = Chart.defaults.plugins.tooltip.callbacks.label;
Chart.defaults.plugins.tooltip.callbacks.label = function (item) {
  const bound = item.dataset.${LOWER_BOUND_KEY};
  return bound && bound[item.dataIndex] ? item.dataset.label + ": ≥ " + item.formattedValue : defaultLabel.call(this, item);
};
for (const { id, config } of JSON.parse(document.getElementById("meshbench-charts").textContent)) {
  new Chart(document.getElementById(id), config);
}
</script>
</body>
</html>
`;
}
