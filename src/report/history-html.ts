// The history page as files: index.html (Chart.js inlined, the default window's data
// inlined, no network) and one data/<year>.js per earlier year, which the page's "load"
// button adds as a <script> (that works from a downloaded artifact opened as file://, where
// fetch() does not). Names from the history (scenarios, meshes, versions) are untrusted:
// they travel as JSON and reach the page only through textContent and canvas text. Pure:
// the model and Chart.js's source in, file texts out.
import type { HistoryPageModel, PageChunk } from "./history-page.ts";

export interface PageFile {
  /** Relative to the output directory. */
  path: string;
  text: string;
}

/** JSON that cannot close the <script> it sits in. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const chunkFile = (c: PageChunk) => `data/${c.label.replace(/[^A-Za-z0-9_-]/g, "_")}.js`;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem auto;max-width:1400px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem;margin-bottom:.25rem} h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.note{color:#59636e;font-size:.9rem;max-width:70rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:1rem}
figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
figcaption{font-weight:600;font-size:.9rem;margin-bottom:.25rem}
.box{position:relative;height:260px}
button{font:inherit;padding:.3rem .8rem;margin:.5rem 0;cursor:pointer}
`;

// The page's own code (plain browser JavaScript, run after Chart.js).
const CLIENT = `
(function () {
  var model = JSON.parse(document.getElementById("meshbench-model").textContent);
  var chunks = [model.window];
  var charts = {};
  var day = function (v) { return new Date(v).toISOString().slice(0, 10); };
  function merged(id, key) {
    var out = {};
    chunks.forEach(function (c) {
      var per = c[key][id] || {};
      Object.keys(per).forEach(function (mesh) {
        out[mesh] = (out[mesh] || []).concat(per[mesh]);
      });
    });
    Object.keys(out).forEach(function (m) { out[m].sort(function (a, b) { return a.x - b.x; }); });
    return out;
  }
  function markersOf(scenario) {
    var all = [];
    chunks.forEach(function (c) {
      c.markers.forEach(function (m) { if (m.scenario === scenario) all.push(m); });
    });
    return all;
  }
  function markerPlugin(scenario, colors) {
    return {
      id: "versionMarkers",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
        ctx.save();
        ctx.setLineDash([5, 3]);
        ctx.font = "11px system-ui, sans-serif";
        markersOf(scenario).forEach(function (m, i) {
          var px = x.getPixelForValue(m.x);
          if (px < area.left || px > area.right) return;
          ctx.strokeStyle = ctx.fillStyle = colors[m.mesh] || "#59636e";
          ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
          ctx.fillText(m.mesh + " " + m.label, px + 3, area.top + 11 + 12 * (i % 3));
        });
        ctx.restore();
      }
    };
  }
  function datasets(scenario, chart) {
    var colors = scenario.colors, sets = [];
    var bands = merged(chart.id, "bands"), points = merged(chart.id, "points");
    Object.keys(points).forEach(function (mesh) {
      var color = colors[mesh] || "#59636e";
      if (bands[mesh]) {
        sets.push({ label: mesh + " noise", band: true, data: bands[mesh].map(function (b) { return { x: b.x, y: b.hi }; }),
          borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: color + "26" });
        sets.push({ label: mesh + " noise floor", band: true, data: bands[mesh].map(function (b) { return { x: b.x, y: b.lo }; }),
          borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: color + "26" });
      }
      sets.push({
        label: mesh, data: points[mesh], borderColor: color, backgroundColor: color, borderWidth: 2, tension: 0,
        pointRadius: function (c) { return c.raw && c.raw.regressed ? 7 : 2.5; },
        pointStyle: function (c) { return c.raw && c.raw.regressed ? "triangle" : "circle"; },
        pointBackgroundColor: function (c) { return c.raw && c.raw.regressed ? "#d1242f" : color; },
        pointBorderColor: function (c) { return c.raw && c.raw.regressed ? "#d1242f" : color; }
      });
    });
    return sets;
  }
  function draw() {
    model.scenarios.forEach(function (scenario) {
      scenario.charts.forEach(function (chart) {
        var sets = datasets(scenario, chart);
        if (charts[chart.id]) { charts[chart.id].data.datasets = sets; charts[chart.id].update(); return; }
        charts[chart.id] = new Chart(document.getElementById(chart.id), {
          type: "line",
          data: { datasets: sets },
          plugins: [markerPlugin(scenario.name, scenario.colors)],
          options: {
            animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
            scales: {
              x: { type: "linear", ticks: { maxTicksLimit: 8, callback: day }, title: { display: true, text: "report date (UTC)" } },
              y: { type: chart.log ? "logarithmic" : "linear", beginAtZero: !chart.log, title: { display: true, text: chart.unit } }
            },
            plugins: {
              legend: { labels: { filter: function (item, data) { var d = data.datasets[item.datasetIndex]; return !d.band || / floor$/.test(d.label); } } },
              tooltip: {
                filter: function (item) { return !item.dataset.band; },
                callbacks: {
                  title: function (items) { return items.length ? day(items[0].raw.x) : ""; },
                  label: function (item) {
                    return item.dataset.label + ": " + item.raw.y + " " + chart.unit + " (run " + item.raw.run + (item.raw.regressed ? ", gate: regressed" : "") + ")";
                  }
                }
              }
            }
          }
        });
      });
    });
    var runs = chunks.reduce(function (n, c) { return n + c.entries; }, 0);
    document.getElementById("shown").textContent = runs + " runs shown, " + chunks.map(function (c) { return c.label; }).join(", ");
  }
  var more = document.getElementById("more");
  function offer() {
    var next = model.earlier[chunks.length - 1];
    if (!next) { more.hidden = true; return; }
    more.hidden = false;
    more.textContent = "Load " + next.label + " (" + next.entries + " runs)";
  }
  window.meshbenchHistoryChunk = function (chunk) {
    chunks.push(chunk); draw(); more.disabled = false; offer();
  };
  more.addEventListener("click", function () {
    var next = model.earlier[chunks.length - 1];
    var s = document.createElement("script");
    s.src = next.file;
    s.onerror = function () { more.textContent = "Could not load " + next.file + " (is it beside index.html?)"; };
    more.disabled = true; // one load at a time: a chunk must not be added twice
    document.body.appendChild(s);
  });
  draw();
  offer();
})();
`;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** index.html and the earlier years' data files. */
export function renderHistoryPage(
  model: HistoryPageModel,
  chartJs: string,
  generatedAt: Date,
): PageFile[] {
  const pageModel = {
    scenarios: model.scenarios,
    window: model.window,
    earlier: model.earlier.map((c) => ({ label: c.label, entries: c.entries, file: chunkFile(c) })),
  };
  const sections = model.scenarios
    .map(
      (s) =>
        `<h2>${escapeHtml(s.name)}</h2>\n<div class="grid">${s.charts
          .map(
            (c) =>
              `<figure><figcaption>${escapeHtml(c.title)}</figcaption><div class="box"><canvas id="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(`${s.name}: ${c.title}`)}"></canvas></div></figure>`,
          )
          .join("\n")}</div>`,
    )
    .join("\n");
  const empty = model.scenarios.length === 0 ? "<p>No history yet.</p>" : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>meshbench history</title><style>${STYLE}</style></head>
<body>
<h1>meshbench history</h1>
<p class="note">Each point is one scheduled report: per mesh, the merged percentiles of its runs, the achieved rate, and the median over runs of control-plane and proxy CPU and peak memory. Dashed lines mark a mesh's version change; a red triangle is a figure the gate called regressed in that run; the shaded band is ±${model.noiseMultiple}× the calibrated run-to-run spread (the gate's noise floor), where a calibration was given. Generated ${escapeHtml(generatedAt.toISOString().slice(0, 16).replace("T", " "))} UTC; <span id="shown"></span>.</p>
<button id="more" hidden></button>
${empty}${sections}
<script type="application/json" id="meshbench-model">${inlineJson(pageModel)}</script>
<script>${chartJs.replace(/<\/(script)/gi, "<\\/$1")}</script>
<script>${CLIENT}</script>
</body></html>
`;
  return [
    { path: "index.html", text: html },
    ...model.earlier.map((c) => ({
      path: chunkFile(c),
      text: `meshbenchHistoryChunk(${inlineJson(c)});\n`,
    })),
  ];
}
