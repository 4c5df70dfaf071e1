import { LATENESS_WARNING, SATURATION_WARNING } from "../results/instrument.ts";
import { DEFAULT_PRICES } from "../stats/cost.ts";
import {
  percentileLabel,
  RESOURCE_LABELS,
  type ResourceKind,
  type Unit,
} from "../stats/metrics.ts";
import { cpuSlopes, overheadVsBare } from "../stats/overhead.ts";
import type { ScenarioSummary } from "../stats/summarize.ts";
import {
  type Align,
  type Block,
  overTimeKey,
  type ReportInput,
  type Section,
  WITHIN_NOISE,
} from "./blocks.ts";
import {
  beyondData,
  describeFingerprint,
  LATENCY_COLUMNS,
  MAX_MARK,
  maxNote,
  RESOURCE_COLUMNS,
  rateCell,
  slug,
} from "./cells.ts";
import {
  type ChartSpec,
  meshColors,
  overTimeChart,
  resourceChart,
  spectrumChart,
} from "./charts.ts";
import { costSection } from "./cost-section.ts";
import { clock, formatDescribed, formatValue, lowerBound, sig3, signed } from "./format.ts";
import { capListed } from "./limits.ts";

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

export function scenarioSections(s: ScenarioSummary, index: number, input: ReportInput): Section[] {
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
  const cost = costSection(s, input.cost ?? { prices: DEFAULT_PRICES });
  if (cost.line) intro.push({ kind: "paragraph", text: cost.line });
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
    cost.section,
    ...resourceSections(s, id),
    ...eventSections(s),
    overTimeSection(s, id, input),
  ].filter((x): x is Section => x !== null);
}
