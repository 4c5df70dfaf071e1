// The report as data: sections of paragraphs, lists, tables and charts, built once from
// the statistics and rendered as Markdown (full and compact) and as HTML. Sections carry
// a priority so the compact variant knows what to keep; verdicts are essential. Pure.

import type { PercentileKey } from "../histogram/hdr.ts";
import type { Fingerprint } from "../results/fingerprint.ts";
import { LATENESS_WARNING, SATURATION_WARNING } from "../results/instrument.ts";
import { type Comparison, type MeshComparison, regressions } from "../stats/compare.ts";
import type { MetricComparison } from "../stats/metric-comparison.ts";
import {
  isMaxAt,
  isRunCheck,
  type MetricId,
  metricDef,
  percentileLabel,
  percentOf,
  RESOURCE_LABELS,
  type ResourceKind,
  type Unit,
} from "../stats/metrics.ts";
import { NOISE_MULTIPLE } from "../stats/noise-floor.ts";
import type { OverTimeSeries } from "../stats/over-time.ts";
import { cpuSlopes, overheadVsBare } from "../stats/overhead.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";
import type { Verdict } from "../stats/verdict.ts";
import {
  type ChartSpec,
  meshColors,
  overTimeChart,
  resourceChart,
  spectrumChart,
} from "./charts.ts";
import {
  clock,
  formatChange,
  formatDescribed,
  formatValue,
  lowerBound,
  sig3,
  signed,
  UNIT_HEADER,
} from "./format.ts";
import { andMore, capListed } from "./limits.ts";

export type Align = "l" | "r" | "c";

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][]; align: Align[] }
  | { kind: "chart"; chart: ChartSpec };

export interface Section {
  heading?: { level: 1 | 2 | 3; text: string };
  blocks: Block[];
  /** Always in the compact variant, whole: the verdicts and what frames them. */
  essential: boolean;
  /** Order in which the compact variant adds non-essential sections (lower first). */
  priority: number;
  /** The compact variant may keep only the first rows of this section's tables. */
  truncatable?: boolean;
  /** What the compact variant names when it leaves this section out. */
  name: string;
  /**
   * Ever shorter blocks for an essential section, tried in order only when the essential
   * sections alone would not fit the compact variant (many meshes, all changed): none of
   * them drops a verdict other than "unchanged".
   */
  compactBlocks?: Block[][];
  /**
   * The last resort when even the shortest compactBlocks do not fit: the section with its
   * lists cut to their first `keep` items, counting what was cut. Its first block (the
   * overall verdict and the count of each verdict) always stays.
   */
  cutBlocks?: (keep: number) => Block[];
}

export interface ReportInput {
  scenarios: ScenarioSummary[];
  /** Problems met reading results (paths and reasons). */
  problems: string[];
  /** Over-time series per `scenario\u0000mesh label`. */
  overTime: Map<string, OverTimeSeries>;
  comparison: Comparison | null;
  /** Where the baseline came from, for the header. */
  baselineSource?: string;
}

export const overTimeKey = (scenario: string, label: string): string => `${scenario}\u0000${label}`;

export const VERDICT_MARK: Record<Verdict, string> = {
  regressed: "🔴",
  improved: "🟢",
  inconclusive: "🟡",
  unchanged: "⚪",
  "not gated": "➖",
};
const LEGEND =
  "🔴 regressed · 🟢 improved · 🟡 inconclusive · ⚪ unchanged · ➖ shown, not gated · ≈ within noise";

/** A change the gate's noise rule would not call one (verdicts and the overhead table). */
export const WITHIN_NOISE = "≈";

/** Shown as a change, or just shown: "not gated" and "unchanged" are not changes. */
const isChange = (v: Verdict): boolean => v !== "unchanged" && v !== "not gated";

const LATENCY_COLUMNS: readonly PercentileKey[] = ["p50", "p90", "p99", "p99.9", "p99.99", "p100"];
const RESOURCE_COLUMNS: readonly ResourceKind[] = ["controlPlane", "maxProxy", "dataPlane"];
/** Metrics the verdict matrix always shows; others join it when their verdict is not "unchanged". */
const MATRIX_METRICS: readonly MetricId[] = [
  ...LATENCY_COLUMNS.map((k) => `latency.${k}` as const),
  "rate.achieved",
  "errors.rate",
  ...RESOURCE_COLUMNS.flatMap((k) => [`cpu.${k}` as const, `memory.${k}` as const]),
];

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "scenario";

function metricTitle(id: MetricId): string {
  const def = metricDef(id);
  return def.unit === "ms" ? `${def.label} latency` : def.label;
}

function describeFingerprint(fp: Fingerprint): string {
  return (
    `Workload ${fp.workload} × ${fp.instances}, ${fp.rate.toLocaleString("en-US")} rps over ` +
    `${fp.connections} connections from ${fp.loadgenPods} load-generator pod(s), ` +
    `${sig3(fp.durationMs / 1000)} s per run, on ${fp.platform} (${fp.nodeTypes}).`
  );
}

/**
 * The achieved rate beside every latency (DESIGN.md: a mesh that managed 568 of 600 rps
 * must say so in every table): latencies at a lower rate are not comparable as they stand.
 */
const rateCell = (rate: number | undefined): string =>
  rate === undefined ? "–" : formatValue(rate, "rps");

/** A percentile fewer than one response lies beyond is the max, and shown as such (21.7). */
const MAX_MARK = "= max";
const maxNote = (rows: string[][]): string =>
  rows.some((r) => r.includes(MAX_MARK))
    ? " `= max`: fewer than one response lies beyond that percentile (responses × (1 − q) under 1; per run in the first table, in all runs in the pooled one), so it is the maximum, shown once under max."
    : "";
const beyondData = (k: PercentileKey, count: number): boolean =>
  k !== "p100" && isMaxAt(percentOf(k), count);

function latencySections(s: ScenarioSummary, id: string): Section[] {
  const header = ["Mesh", "runs", "achieved rps", ...LATENCY_COLUMNS.map(percentileLabel)];
  const align: Align[] = ["l", "r", "r", ...LATENCY_COLUMNS.map((): Align => "r")];
  const rows = s.meshes
    .filter((m) => m.runs.length > 0)
    .map((m) => [
      m.label,
      String(m.runs.length),
      rateCell(m.metrics["rate.achieved"]?.median),
      ...LATENCY_COLUMNS.map((k) => {
        const d = m.metrics[`latency.${k}`];
        if (d && beyondData(k, m.maxRunRequests)) return MAX_MARK;
        return d ? formatDescribed(d, "ms") : "–";
      }),
    ]);
  const pooled = s.meshes
    .filter((m) => m.metrics["latency.p50"]?.pooled !== undefined)
    .map((m) => [
      m.label,
      String(m.runs.length),
      rateCell(m.metrics["rate.achieved"]?.pooled),
      ...LATENCY_COLUMNS.map((k) => {
        const d = m.metrics[`latency.${k}`];
        if (d?.pooled === undefined) return "–";
        // A maximum that is a timed-out request's lower bound is shown as that bound.
        if (beyondData(k, m.outcomes.requests) && !d.lowerBound) return MAX_MARK;
        return lowerBound(formatValue(d.pooled, "ms"), d.lowerBound);
      }),
    ]);
  const sections: Section[] = [
    {
      heading: { level: 3, text: "Latency (ms, from the intended send time)" },
      blocks: [
        { kind: "table", header, rows, align },
        {
          kind: "paragraph",
          text: `Each cell: the median over runs [min–max of the runs]. Percentiles of each run are read off its full HDR histogram. Achieved rps: the median over runs of responses ÷ measured time.${maxNote(rows)}`,
        },
        ...instrumentBlocks(s),
      ],
      essential: false,
      priority: 2,
      name: `${s.scenario}: latency table`,
    },
  ];
  if (pooled.length > 0) {
    sections.push({
      heading: { level: 3, text: "Latency pooled over all runs (ms, merged histograms)" },
      blocks: [
        { kind: "table", header, rows: pooled, align },
        {
          kind: "paragraph",
          text: `Achieved rps: all responses ÷ all measured time.${maxNote(pooled)}`,
        },
      ],
      essential: false,
      priority: 5,
      name: `${s.scenario}: pooled latency table`,
    });
  }
  const chart = spectrumChart(id, s.meshes);
  if (chart) {
    sections.push({
      blocks: [{ kind: "chart", chart }],
      essential: false,
      priority: 6,
      name: `${s.scenario}: latency spectrum chart`,
    });
  }
  return sections;
}

/** The CPU a mesh adds per 1,000 rps, only as a slope over several measured rates. */
function slopeBlocks(s: ScenarioSummary, scenarios: readonly ScenarioSummary[]): Block[] {
  const slopes = cpuSlopes(s, scenarios);
  if (slopes.length === 0) return [];
  const rates = [...new Set(slopes.flatMap((x) => x.rates.map((r) => formatValue(r, "rps"))))];
  return [
    {
      kind: "paragraph",
      text: `CPU added per 1,000 rps, the slope (least squares) over the rates this scenario ran at (${rates.join(", ")} rps achieved):`,
    },
    {
      kind: "list",
      items: slopes.map(
        (x) =>
          `${x.label}, ${RESOURCE_LABELS[x.kind]}: ${signed(formatValue(Math.abs(x.coresPer1000Rps), "cores"), x.coresPer1000Rps)} cores`,
      ),
    },
  ];
}

/** The load generator's own lateness, part of every latency above, and its warnings. */
function instrumentBlocks(s: ScenarioSummary): Block[] {
  const measured = s.meshes.filter((m) => m.instrument);
  if (measured.length === 0) return [];
  const items = measured.map((m) => {
    const i = m.instrument!;
    const warnings = [
      ...(i.dominates ? [`⚠ ${LATENESS_WARNING}`] : []),
      ...(i.saturated ? [`⚠ ${SATURATION_WARNING}`] : []),
    ];
    return `${m.label}: p50 ${formatValue(i.latenessP50Ms, "ms")} ms, p99 ${formatValue(i.latenessP99Ms, "ms")} ms${warnings.length ? ` — ${warnings.join("; ")}` : ""}`;
  });
  return [
    {
      kind: "paragraph",
      text: "The load generator's own send lateness (actual − intended send, pooled over runs), part of every latency above:",
    },
    { kind: "list", items },
  ];
}

function overheadSection(
  s: ScenarioSummary,
  scenarios: readonly ScenarioSummary[],
): Section | null {
  const overhead = overheadVsBare(s);
  const name = `${s.scenario}: overhead vs bare`;
  if (overhead === null) {
    if (s.meshes.every((m) => m.mesh.name === "bare")) return null;
    return {
      heading: { level: 3, text: "Overhead vs bare" },
      blocks: [
        {
          kind: "paragraph",
          text: "No completed bare run in this scenario: overhead not computed.",
        },
      ],
      essential: false,
      priority: 3,
      name,
    };
  }
  const notComparable: Block[] =
    overhead.notComparable.length === 0
      ? []
      : [
          {
            kind: "paragraph",
            text: "Not set against bare, their runs and bare's are not alike (the difference would be one of settings, not of the mesh):",
          },
          {
            kind: "list",
            items: overhead.notComparable.map((n) => `${n.label}: ${n.differences.join("; ")}`),
          },
        ];
  if (overhead.meshes.length === 0) {
    if (notComparable.length === 0) return null;
    return {
      heading: { level: 3, text: "Overhead vs bare" },
      blocks: notComparable,
      essential: false,
      priority: 3,
      name,
    };
  }
  const bareRate = s.meshes.find((m) => m.mesh.name === "bare" && m.runs.length > 0)?.metrics[
    "rate.achieved"
  ]?.median;
  const rateOf = (label: string) =>
    s.meshes.find((m) => m.label === label)?.metrics["rate.achieved"]?.median;
  const latencyRows = overhead.meshes.map((o) => [
    o.label,
    rateCell(rateOf(o.label)),
    ...LATENCY_COLUMNS.map((k) => {
      const x = o.latency[k];
      if (!x) return "–";
      const added = signed(`${sig3(Math.abs(x.addedMs))} ms`, x.addedMs);
      const cell = x.ratio === null ? added : `${added} (×${sig3(x.ratio)})`;
      return x.withinNoise ? `${WITHIN_NOISE} ${cell}` : cell;
    }),
  ]);
  const kinds: ResourceKind[] = ["controlPlane", "dataPlane", "application"];
  const resourceRows = overhead.meshes
    .filter((o) => Object.keys(o.resources).length > 0)
    .map((o) => [
      o.label,
      rateCell(o.atRps ?? undefined),
      ...kinds.flatMap((k) =>
        (["cpu", "memory"] as const).map((r) => {
          const x = o.resources[`${r}.${k}`];
          if (!x) return "–";
          const unit: Unit = r === "cpu" ? "cores" : "bytes";
          const cell = signed(formatValue(Math.abs(x.added), unit), x.added);
          return x.withinNoise ? `${WITHIN_NOISE} ${cell}` : cell;
        }),
      ),
    ]);
  const blocks: Block[] = [
    {
      kind: "table",
      header: ["Mesh", "achieved rps", ...LATENCY_COLUMNS.map(percentileLabel)],
      rows: latencyRows,
      align: ["l", "r", ...LATENCY_COLUMNS.map((): Align => "r")],
    },
    {
      kind: "paragraph",
      text: `Latency added to bare's: difference of the medians (ratio of the medians). Achieved rps: the mesh's median${bareRate === undefined ? "" : `; bare's was ${formatValue(bareRate, "rps")}`}. ${WITHIN_NOISE} within noise: the gate's noise rule (Student's t on the per-run values, Holm across this table's differences) would not call it a change, or cannot judge it (the maximum, a percentile with fewer than 10 requests beyond it in a run).`,
    },
  ];
  if (resourceRows.length > 0) {
    blocks.push(
      {
        kind: "table",
        header: [
          "Mesh",
          "at rps",
          ...kinds.flatMap((k) => [
            `${RESOURCE_LABELS[k]} CPU (cores)`,
            `${RESOURCE_LABELS[k]} memory (MiB)`,
          ]),
        ],
        rows: resourceRows,
        align: ["l", "r", ...kinds.flatMap((): Align[] => ["r", "r"])],
      },
      {
        kind: "paragraph",
        text: `Resources added to bare's: difference of the medians, at the rate shown (the mesh's median achieved rps); ${WITHIN_NOISE} within noise. Not divided by the rate: memory and much of a proxy's CPU are fixed costs that a figure per 1,000 rps from one rate would extrapolate.`,
      },
    );
  }
  blocks.push(...slopeBlocks(s, scenarios), ...notComparable);
  return {
    heading: { level: 3, text: "Overhead vs bare" },
    blocks,
    essential: false,
    priority: 3,
    name,
  };
}

function rateSection(s: ScenarioSummary): Section {
  const rows = s.meshes
    .filter((m) => m.runs.length > 0)
    .map((m) => {
      const o = m.outcomes;
      const rate = m.metrics["rate.achieved"];
      const errors = m.metrics["errors.rate"];
      return [
        m.label,
        formatValue(o.targetRate, "rps"),
        rate ? formatDescribed(rate, "rps") : "–",
        errors ? formatDescribed(errors, "fraction") : "–",
        String(o.errors.connect),
        String(o.errors.reset),
        String(o.errors.timeout),
        String(o.errors.other),
        String(o.status["4xx"]),
        String(o.status["5xx"]),
        String(o.unsent),
      ];
    });
  return {
    heading: { level: 3, text: "Achieved rate and errors" },
    blocks: [
      {
        kind: "table",
        header: [
          "Mesh",
          "target rps",
          "achieved rps",
          "error rate",
          "connect",
          "reset",
          "timeout",
          "other",
          "4xx",
          "5xx",
          "unsent",
        ],
        rows,
        align: ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      },
      {
        kind: "paragraph",
        text: "Achieved rate: responses ÷ measured time, median [min–max] over runs. Error rate: failures and 4xx/5xx responses ÷ requests sent. Counts are totals over all runs; unsent: scheduled requests that never went out because the target fell behind.",
      },
    ],
    essential: false,
    priority: 2,
    name: `${s.scenario}: achieved rate and errors`,
  };
}

function resourceSections(s: ScenarioSummary, id: string): Section[] {
  const measured = s.meshes.filter((m) => m.runs.length > m.runsWithoutResources);
  const name = `${s.scenario}: resources`;
  if (measured.length === 0) {
    return [
      {
        heading: { level: 3, text: "Resources" },
        blocks: [{ kind: "paragraph", text: "No run of this scenario sampled resources." }],
        essential: false,
        priority: 3,
        name,
      },
    ];
  }
  const rows = measured.map((m) => [
    m.label,
    ...RESOURCE_COLUMNS.flatMap((k) =>
      (["cpu", "memory"] as const).map((r) => {
        const d = m.metrics[`${r}.${k}`];
        return d ? formatDescribed(d, r === "cpu" ? "cores" : "bytes") : "–";
      }),
    ),
  ]);
  const blocks: Block[] = [
    {
      kind: "table",
      header: [
        "Mesh",
        ...RESOURCE_COLUMNS.flatMap((k) => [
          `${RESOURCE_LABELS[k]} CPU (cores)`,
          `${RESOURCE_LABELS[k]} memory (MiB)`,
        ]),
      ],
      rows,
      align: ["l", ...RESOURCE_COLUMNS.flatMap((): Align[] => ["r", "r"])],
    },
    {
      kind: "paragraph",
      text: "Per run: the class summed over its containers at each sample, the maximum over samples (max proxy: the largest single data-plane container); median [min–max] over runs.",
    },
  ];
  const missing = s.meshes.filter((m) => m.runsWithoutResources > 0);
  if (missing.length > 0) {
    blocks.push({
      kind: "paragraph",
      text: `Runs without resource samples: ${missing.map((m) => `${m.label} (${m.runsWithoutResources})`).join(", ")}.`,
    });
  }
  const sections: Section[] = [
    { heading: { level: 3, text: "Resources" }, blocks, essential: false, priority: 3, name },
  ];
  const charts = [resourceChart(id, s.meshes, "cpu"), resourceChart(id, s.meshes, "memory")].filter(
    (c): c is ChartSpec => c !== null,
  );
  if (charts.length > 0) {
    sections.push({
      blocks: charts.map((chart) => ({ kind: "chart", chart })),
      essential: false,
      priority: 6,
      name: `${s.scenario}: resource charts`,
    });
  }
  return sections;
}

function overTimeSection(s: ScenarioSummary, id: string, input: ReportInput): Section | null {
  const colors = meshColors(s.meshes);
  const blocks: Block[] = [];
  const without: string[] = [];
  s.meshes.forEach((m, i) => {
    if (m.runs.length === 0) return;
    const series = input.overTime.get(overTimeKey(s.scenario, m.label));
    const chart = series ? overTimeChart(id, i, m, series, colors.get(m.label)!) : null;
    if (chart) blocks.push({ kind: "chart", chart });
    else without.push(m.label);
  });
  if (without.length > 0) {
    blocks.push({
      kind: "paragraph",
      text: `No interval log (latency.hlog) for: ${without.join(", ")}.`,
    });
  }
  if (blocks.length === 0) return null;
  return {
    heading: { level: 3, text: "Latency over time" },
    blocks,
    essential: false,
    priority: 7,
    name: `${s.scenario}: latency over time charts`,
  };
}

function eventSections(s: ScenarioSummary): Section[] {
  const sections: Section[] = [];
  const failed = s.meshes.flatMap((m) =>
    m.failed.map((f) => [m.label, `r${f.repetition}`, f.phase ?? "–", f.reason, f.path]),
  );
  if (failed.length > 0) {
    sections.push({
      heading: { level: 3, text: "Failed runs" },
      blocks: [
        {
          kind: "table",
          header: ["Mesh", "run", "phase", "reason", "file"],
          rows: failed,
          align: ["l", "r", "l", "l", "l"],
        },
        { kind: "paragraph", text: "Failed runs are left out of every figure above." },
      ],
      essential: false,
      priority: 2,
      truncatable: true,
      name: `${s.scenario}: failed runs`,
    });
  }
  const events = s.meshes.flatMap((m) =>
    m.events.map((e) => [
      m.label,
      `r${e.repetition}`,
      clock(e.offsetMs),
      e.event.kind,
      e.event.container,
      e.event.detail ?? "",
    ]),
  );
  if (events.length > 0) {
    sections.push({
      heading: { level: 3, text: "Events" },
      blocks: [
        {
          kind: "table",
          header: ["Mesh", "run", "at (m:ss after start)", "event", "container", "detail"],
          rows: capListed(events, (left) => [
            `… and ${left} more (in the run.json files)`,
            "",
            "",
            "",
            "",
            "",
          ]),
          align: ["l", "r", "r", "l", "l", "l"],
        },
      ],
      essential: false,
      priority: 4,
      truncatable: true,
      name: `${s.scenario}: events`,
    });
  }
  return sections;
}

function scenarioSections(s: ScenarioSummary, index: number, input: ReportInput): Section[] {
  const id = `s${index}-${slug(s.scenario)}`;
  const first = s.meshes[0];
  const intro: Block[] = [];
  if (first) intro.push({ kind: "paragraph", text: describeFingerprint(first.fingerprint) });
  const conflicts = s.meshes.flatMap((m) => m.fingerprintConflicts.map((c) => `${m.label}, ${c}`));
  if (conflicts.length > 0) {
    intro.push(
      {
        kind: "paragraph",
        text: "Runs of this scenario that differ from the first run of their mesh:",
      },
      { kind: "list", items: conflicts },
    );
  }
  return [
    {
      heading: { level: 2, text: `Scenario: ${s.scenario}` },
      blocks: intro,
      essential: true,
      priority: 0,
      name: `${s.scenario}: header`,
    },
    ...latencySections(s, id),
    rateSection(s),
    overheadSection(s, input.scenarios),
    ...resourceSections(s, id),
    ...eventSections(s),
    overTimeSection(s, id, input),
  ].filter((x): x is Section => x !== null);
}

const withinNoise = (m: MetricComparison): boolean => m.noise.test === "t" && !m.noise.beyondNoise;

function changeCell(m: MetricComparison): string {
  const change = formatChange(m.change, m.changePct, metricDef(m.metric).unit);
  return `${withinNoise(m) ? `${WITHIN_NOISE} ` : ""}${change} ${VERDICT_MARK[m.verdict]}`;
}

/** Per mesh, the smallest change of each gated metric the gate catches (80 % power). */
function seesLine(mesh: MeshComparison, name: string): string | null {
  const seen = mesh.metrics.flatMap((m) =>
    m.noise.test === "t" && m.noise.mdcPct !== null
      ? [`${metricDef(m.metric).label} ${sig3(m.noise.mdcPct)} %`]
      : [],
  );
  const any = mesh.metrics.find((m) => m.noise.test === "t");
  if (!any || seen.length === 0) return null;
  return `**${name}** (${any.base.n} vs ${any.cand.n} runs): ${seen.join(", ")}`;
}

function valueWithUnit(value: number, unit: Unit): string {
  const text = formatValue(value, unit);
  return unit === "fraction" ? text : `${text} ${UNIT_HEADER[unit]}`;
}

function comparisonSections(c: Comparison, multiScenario: boolean): Section[] {
  const meshName = (m: { scenario: string; label: string }) =>
    multiScenario ? `${m.scenario} / ${m.label}` : m.label;
  const counts: Record<Verdict, number> = {
    regressed: 0,
    improved: 0,
    inconclusive: 0,
    unchanged: 0,
    "not gated": 0,
  };
  for (const mesh of c.meshes) for (const m of mesh.metrics) counts[m.verdict]++;
  const family = c.meshes.flatMap((mesh) => mesh.metrics).find((m) => m.noise.test === "t")?.noise;
  const blocks: Block[] = [
    {
      kind: "paragraph",
      text:
        `${counts.regressed} regressed, ${counts.improved} improved, ${counts.inconclusive} inconclusive, ` +
        `${counts.unchanged} unchanged, ${counts["not gated"]} shown but not gated (${LEGEND}). ` +
        "A change counts when it exceeds its threshold (or the calibrated noise floor, if larger) and the noise: " +
        `Student's t on the per-run values, Holm-corrected across the ${family?.test === "t" ? family.family : 0} gated metrics of all meshes, ` +
        `so that an unchanged setup fails this comparison at most ${c.alpha * 100} % of the time. ` +
        "Not gated: the load generator's own CPU and memory, the maximum, and percentiles with fewer than 10 requests beyond them in a run. " +
        (c.calibration
          ? `Noise floor: the calibration of ${c.calibration.runs} runs a mesh measured ${c.calibration.measuredAt.slice(0, 10)}; a threshold below ${NOISE_MULTIPLE} × a metric's run-to-run spread there is raised to it. `
          : "Noise floor: the thresholds (no calibration given). ") +
        "Failed runs and restarts are never noise: any increase in the share of failed runs (`runs.failed`) " +
        "or in restarts per completed run (`events.restarts`; the load generator's and control plane's aside) counts as a regression.",
    },
  ];
  const regressed = regressions(c);
  const regressionList: Block = {
    kind: "list",
    items: regressed.map(({ mesh, metric: m }) => {
      const unit = metricDef(m.metric).unit;
      return (
        `🔴 **${meshName(mesh)}** \`${m.metric}\` ${valueWithUnit(m.baseline, unit)} → ${valueWithUnit(m.candidate, unit)} ` +
        `(${formatChange(m.change, m.changePct, unit)}): ${m.reason}`
      );
    }),
  };
  const refusedItems = c.refused.map(
    (r) =>
      `Not compared: **${multiScenario ? `${r.scenario} / ` : ""}${r.label}** vs baseline ${r.baselineLabel}, results are not comparable (${r.differences.join("; ")}); --force compares anyway`,
  );
  const forcedItems = c.meshes
    .filter((m) => m.forcedDifferences.length > 0)
    .map(
      (m) =>
        `Compared although not comparable (forced): **${meshName(m)}** (${m.forcedDifferences.join("; ")})`,
    );
  const oneSidedItems = c.meshes
    .filter((m) => m.oneSided.length > 0)
    .map(
      (m) =>
        `Measured on one side only, so without a verdict: **${meshName(m)}** ${m.oneSided
          .map((o) => `\`${o.metric}\` (${o.side} only)`)
          .join(", ")}`,
    );
  /** The notes beside the verdicts, each list cut to `keep` items when given. */
  const notes = (keep = Number.POSITIVE_INFINITY): Block[] =>
    (
      [
        [refusedItems, "pair(s) not compared"],
        [forcedItems, "pair(s) compared although not comparable"],
        [c.unmatched, "mesh(es) not paired"],
        [oneSidedItems, "mesh(es) with metrics measured on one side only"],
      ] as const
    ).flatMap(([items, what]): Block[] => {
      if (items.length === 0) return [];
      const shown: Block[] = keep > 0 ? [{ kind: "list", items: items.slice(0, keep) }] : [];
      const more = items.length - Math.min(keep, items.length);
      return more > 0
        ? [
            ...shown,
            { kind: "paragraph", text: `… and ${more} more ${what}: see the full report.` },
          ]
        : shown;
    });
  if (regressed.length > 0) blocks.push(regressionList);
  blocks.push(...notes());
  const sees = c.meshes.flatMap((mesh) => seesLine(mesh, meshName(mesh)) ?? []);
  if (sees.length > 0) {
    blocks.push(
      {
        kind: "paragraph",
        text: "What this gate can see: the smallest change of each gated metric it catches with 80 % power at these run counts (more runs see smaller changes; `meshbench calibrate` measures it):",
      },
      { kind: "list", items: sees },
    );
  }

  const extra = new Set<MetricId>();
  for (const mesh of c.meshes) {
    for (const m of mesh.metrics)
      if (isChange(m.verdict) && !MATRIX_METRICS.includes(m.metric)) extra.add(m.metric);
  }
  const columns = [...MATRIX_METRICS, ...extra].filter((id) =>
    c.meshes.some((mesh) => mesh.metrics.some((m) => m.metric === id)),
  );
  const matrix = (meshes: MeshComparison[]): Block => ({
    kind: "table",
    header: ["Mesh", "vs baseline", ...columns.map(metricTitle)],
    rows: meshes.map((mesh) => [
      meshName(mesh),
      mesh.baselineLabel,
      ...columns.map((id) => {
        const m = mesh.metrics.find((x) => x.metric === id);
        return m ? changeCell(m) : "–";
      }),
    ]),
    align: ["l", "l", ...columns.map((): Align => "r")],
  });
  const note: Block = {
    kind: "paragraph",
    text:
      "Change of the median, candidate vs baseline. Metrics not shown were unchanged" +
      (oneSidedItems.length > 0 ? ", except those measured on one side only (listed above)." : "."),
  };
  const changed = c.meshes.filter((mesh) => mesh.metrics.some((m) => isChange(m.verdict)));
  const unchangedMeshes: Block = {
    kind: "paragraph",
    text: `${c.meshes.length - changed.length} other mesh(es): unchanged in every metric.`,
  };
  // Compact, step 1: the verdict table keeps only the meshes with a change.
  const changedOnly = [...blocks];
  if (c.meshes.length > 0) {
    blocks.push(matrix(c.meshes), note);
    if (changed.length > 0) changedOnly.push(matrix(changed), note);
    changedOnly.push(unchangedMeshes);
  }
  // Step 2: one line per mesh with a change, naming each metric that changed (regressions
  // first) instead of a line per regression and a wide table.
  const perMeshLine = (mesh: MeshComparison): string =>
    `**${meshName(mesh)}** vs ${mesh.baselineLabel}: ` +
    mesh.metrics
      .filter((m) => isChange(m.verdict))
      .map(
        (m) =>
          `${VERDICT_MARK[m.verdict]} \`${m.metric}\` ${formatChange(m.change, m.changePct, metricDef(m.metric).unit)}`,
      )
      .join(", ");
  const perMesh = (keep = Number.POSITIVE_INFINITY): Block[] => {
    const out: Block[] = [blocks[0]!];
    const shown = changed.slice(0, keep);
    if (shown.length > 0) out.push({ kind: "list", items: shown.map(perMeshLine) });
    const hidden = changed.slice(shown.length);
    if (hidden.length > 0) {
      const n = hidden.reduce(
        (k, mesh) => k + mesh.metrics.filter((m) => m.verdict === "regressed").length,
        0,
      );
      out.push({
        kind: "paragraph",
        text:
          n > 0
            ? `… and ${n} more regression(s) in ${hidden.length} more mesh(es) with a change: see the full report.`
            : `… and ${hidden.length} more mesh(es) with a change, none regressed: see the full report.`,
      });
    }
    out.push(...notes(keep));
    if (c.meshes.length > 0) out.push(unchangedMeshes);
    return out;
  };
  const sections: Section[] = [
    {
      heading: { level: 2, text: "Comparison with the baseline" },
      blocks,
      compactBlocks: [changedOnly, perMesh()],
      cutBlocks: perMesh,
      essential: true,
      priority: 0,
      name: "verdicts",
    },
  ];
  const detailRows = c.meshes.flatMap((mesh) =>
    mesh.metrics.map((m) => {
      const unit = metricDef(m.metric).unit;
      // A run check is judged on its pooled figure (the failed share, restarts per run),
      // not on a median over runs.
      const side = (d: MetricComparison["base"], v: number) =>
        isRunCheck(m.metric) ? formatValue(v, unit) : formatDescribed(d, unit);
      return [
        meshName(mesh),
        `\`${m.metric}\``,
        side(m.base, m.baseline),
        side(m.cand, m.candidate),
        `${withinNoise(m) ? `${WITHIN_NOISE} ` : ""}${formatChange(m.change, m.changePct, unit)}`,
        `${VERDICT_MARK[m.verdict]} ${m.verdict}`,
        m.reason,
      ];
    }),
  );
  if (detailRows.length > 0) {
    sections.push({
      heading: { level: 3, text: "Comparison details" },
      blocks: [
        {
          kind: "table",
          header: ["Mesh", "metric", "baseline", "candidate", "change", "verdict", "why"],
          rows: detailRows,
          align: ["l", "l", "r", "r", "r", "l", "l"],
        },
        {
          kind: "paragraph",
          text:
            "Values: median [min–max] over runs; latency in ms, CPU in cores, memory in MiB, rate in rps; " +
            "failed runs as a share of all runs, restarts per completed run.",
        },
      ],
      essential: false,
      priority: 5,
      truncatable: true,
      name: "comparison details",
    });
  }
  return sections;
}

export function buildReport(input: ReportInput): Section[] {
  const runs = input.scenarios.reduce(
    (n, s) => n + s.meshes.reduce((k, m) => k + m.runs.length + m.failed.length, 0),
    0,
  );
  const meshes = new Set(input.scenarios.flatMap((s) => s.meshes.map((m) => m.label)));
  const intro: Block[] = [
    {
      kind: "paragraph",
      text:
        `${runs} run(s) of ${meshes.size} mesh(es) in ${input.scenarios.length} scenario(s)` +
        (input.baselineSource ? `, compared with the baseline ${input.baselineSource}.` : "."),
    },
  ];
  const sections: Section[] = [
    {
      heading: { level: 1, text: "meshbench report" },
      blocks: intro,
      essential: true,
      priority: 0,
      name: "title",
    },
  ];
  if (input.problems.length > 0) {
    sections.push({
      heading: { level: 3, text: "Files that could not be used" },
      blocks: [{ kind: "list", items: capListed(input.problems, andMore) }],
      essential: false,
      priority: 1,
      truncatable: true,
      name: "unusable files",
    });
  }
  if (input.comparison) {
    sections.push(...comparisonSections(input.comparison, input.scenarios.length > 1));
  }
  input.scenarios.forEach((s, i) => {
    sections.push(...scenarioSections(s, i, input));
  });
  return sections;
}
