import type { CapacityVerdict } from "../stats/capacity-verdict.ts";
import { type Comparison, type MeshComparison, regressions } from "../stats/compare.ts";
import type { MetricComparison } from "../stats/metric-comparison.ts";
import { isRunCheck, type MetricId, metricDef, type Unit } from "../stats/metrics.ts";
import { NOISE_MULTIPLE } from "../stats/noise-floor.ts";
import type { Verdict } from "../stats/verdict.ts";
import {
  type Align,
  type Block,
  isChange,
  LEGEND,
  type Section,
  VERDICT_MARK,
  WITHIN_NOISE,
} from "./blocks.ts";
import { answerCell, CAPACITY_VERDICT_MARK, heldAnswer } from "./capacity-text.ts";
import { MATRIX_METRICS, metricTitle } from "./cells.ts";
import {
  formatChange,
  formatDescribed,
  formatValue,
  lowerBound,
  sig3,
  UNIT_HEADER,
} from "./format.ts";

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

/** Where the gate's floor came from: the thresholds, or a calibration file and its date. */
function floorSource(c: Comparison): string {
  if (!c.calibration) return "each metric's threshold (no calibration given)";
  const file = c.calibration.file ? ` ${c.calibration.file}` : "";
  return (
    `each metric's threshold, raised to ${NOISE_MULTIPLE} × its run-to-run spread where larger, ` +
    `from the calibration${file} (${c.calibration.runs} runs a mesh, measured ${c.calibration.measuredAt.slice(0, 10)})`
  );
}

const CHANGE_ORDER: Record<Verdict, number> = {
  regressed: 0,
  inconclusive: 1,
  improved: 2,
  unchanged: 3,
  "not gated": 3,
};

/** Every metric that changed, of every mesh: regressions first, then inconclusive, improved. */
function changedMetrics(
  meshes: readonly MeshComparison[],
): { mesh: MeshComparison; metric: MetricComparison }[] {
  return meshes
    .flatMap((mesh) =>
      mesh.metrics.filter((m) => isChange(m.verdict)).map((metric) => ({ mesh, metric })),
    )
    .sort((a, b) => CHANGE_ORDER[a.metric.verdict] - CHANGE_ORDER[b.metric.verdict]);
}

/** A capacity verdict as a row of the table of changes (mesh, metric, … verdict). */
function capacityRow(v: CapacityVerdict, mesh: string): string[] {
  const [base, cand] = [heldAnswer(v.baseline), heldAnswer(v.candidate)];
  const change =
    base !== null && cand !== null
      ? `${v.candidate.kind === "at-least" ? "≥ " : ""}${formatChange(cand - base, ((cand - base) / base) * 100, "rps")}`
      : "–";
  return [
    mesh,
    "capacity",
    answerCell(v.baseline),
    answerCell(v.candidate),
    change,
    CAPACITY_VERDICT_MARK[v.verdict],
  ];
}

/**
 * `capacity`: the capacity searches against the baseline's (capacity-verdict.ts); a
 * regressed or improved one counts and shows on the first screen like any metric.
 */
export function comparisonSections(
  c: Comparison,
  multiScenario: boolean,
  capacity: readonly CapacityVerdict[] = [],
): Section[] {
  const meshName = (m: { scenario: string; label: string }) =>
    multiScenario ? `${m.scenario} / ${m.label}` : m.label;
  const capacityName = (v: CapacityVerdict) => meshName({ scenario: v.scenario, label: v.mesh });
  const capacityChanges = capacity
    .filter((v) => v.verdict === "regressed" || v.verdict === "improved")
    .sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === "regressed" ? -1 : 1));
  const counts: Record<Verdict, number> = {
    regressed: 0,
    improved: 0,
    inconclusive: 0,
    unchanged: 0,
    "not gated": 0,
  };
  for (const mesh of c.meshes) for (const m of mesh.metrics) counts[m.verdict]++;
  // Capacity unchanged: the brackets lie within the precision of each other, its noise.
  for (const v of capacity) if (v.verdict !== "not comparable") counts[v.verdict]++;
  const family = c.meshes.flatMap((mesh) => mesh.metrics).find((m) => m.noise.test === "t")?.noise;
  const newCount =
    c.unmatched.filter((u) => !u.endsWith(": in the baseline only")).length +
    c.meshes.reduce((n, mesh) => n + mesh.oneSided.filter((o) => o.side === "candidate").length, 0);
  // The comment's first line: what changed, counted, and the floor a change had to clear.
  const glance: Block = {
    kind: "paragraph",
    text:
      `${counts.regressed} regressed, ${counts.improved} improved, ${counts.inconclusive} inconclusive, ` +
      `${counts.unchanged} within noise, ${newCount} new (${counts["not gated"]} shown but not gated). ` +
      `Gate floor: ${floorSource(c)}; false alarms on an unchanged setup at most ${c.alpha * 100} %.`,
  };
  const explanation: Block = {
    kind: "paragraph",
    text:
      `${LEGEND}. ` +
      "A change counts when it exceeds its threshold (or the calibrated noise floor, if larger) and the noise: " +
      `Student's t on the per-run values, Holm-corrected across the ${family?.test === "t" ? family.family : 0} gated metrics of all meshes, ` +
      `so that an unchanged setup fails this comparison at most ${c.alpha * 100} % of the time. ` +
      "Not gated: the load generator's own CPU and memory, the maximum, and percentiles with fewer than 10 requests beyond them in a run. " +
      (c.calibration
        ? `Noise floor: the calibration of ${c.calibration.runs} runs a mesh measured ${c.calibration.measuredAt.slice(0, 10)}; a threshold below ${NOISE_MULTIPLE} × a metric's run-to-run spread there is raised to it. `
        : "Noise floor: the thresholds (no calibration given). ") +
      "Failed runs and restarts are never noise: any increase in the share of failed runs (`runs.failed`) " +
      "or in restarts per completed run (`events.restarts`; the load generator's and control plane's aside) counts as a regression.",
  };
  const blocks: Block[] = [glance];
  const regressed = regressions(c);
  const capacityRegressed = capacityChanges.filter((v) => v.verdict === "regressed");
  const regressionList: Block = {
    kind: "list",
    items: [
      ...regressed.map(({ mesh, metric: m }) => {
        const unit = metricDef(m.metric).unit;
        return (
          `🔴 **${meshName(mesh)}** \`${m.metric}\` ${valueWithUnit(m.baseline, unit)} → ${valueWithUnit(m.candidate, unit)} ` +
          `(${formatChange(m.change, m.changePct, unit)}): ${m.reason}`
        );
      }),
      ...capacityRegressed.map(
        (v) =>
          `🔴 **${capacityName(v)}** capacity: ${v.reason}, the candidate failed below what the baseline held by at least the precision`,
      ),
    ],
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
  // Why each regression counts stays on the first screen, under the table of changes.
  if (regressionList.items.length > 0) blocks.push(regressionList);
  blocks.push(...notes());
  const matrixBlocks: Block[] = [explanation];
  const sees = c.meshes.flatMap((mesh) => seesLine(mesh, meshName(mesh)) ?? []);
  if (sees.length > 0) {
    matrixBlocks.push(
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
  const changed = c.meshes.filter((mesh) => mesh.metrics.some((m) => isChange(m.verdict)));
  if (c.meshes.length > 0) {
    matrixBlocks.push(
      {
        kind: "table",
        header: ["Mesh", "vs baseline", ...columns.map(metricTitle)],
        rows: c.meshes.map((mesh) => [
          meshName(mesh),
          mesh.baselineLabel,
          ...columns.map((id) => {
            const m = mesh.metrics.find((x) => x.metric === id);
            return m ? changeCell(m) : "–";
          }),
        ]),
        align: ["l", "l", ...columns.map((): Align => "r")],
      },
      {
        kind: "paragraph",
        text:
          "Change of the median, candidate vs baseline. Metrics not shown were unchanged" +
          (oneSidedItems.length > 0
            ? ", except those measured on one side only (listed above)."
            : "."),
      },
    );
  }
  const unchangedMeshes: Block = {
    kind: "paragraph",
    text: `${c.meshes.length - changed.length} other mesh(es): unchanged in every metric.`,
  };
  // What the first screen shows: only the metrics that changed, regressions first, in six
  // columns (a table GitHub shows whole on a laptop); the full matrix is folded below it.
  const changes = changedMetrics(c.meshes);
  if (changes.length > 0 || capacityChanges.length > 0) {
    const metricRow = ({ mesh, metric: m }: (typeof changes)[number]): string[] => {
      const unit = metricDef(m.metric).unit;
      return [
        meshName(mesh),
        metricTitle(m.metric),
        lowerBound(valueWithUnit(m.baseline, unit), m.base.lowerBound),
        lowerBound(valueWithUnit(m.candidate, unit), m.cand.lowerBound),
        `${withinNoise(m) ? `${WITHIN_NOISE} ` : ""}${formatChange(m.change, m.changePct, unit)}`,
        `${VERDICT_MARK[m.verdict]} ${m.verdict}`,
      ];
    };
    const capacityRows = (verdict: CapacityVerdict["verdict"]) =>
      capacityChanges
        .filter((v) => v.verdict === verdict)
        .map((v) => capacityRow(v, capacityName(v)));
    const notRegressed = changes.filter((x) => x.metric.verdict !== "regressed");
    blocks.splice(1, 0, {
      kind: "table",
      header: ["Mesh", "metric", "baseline", "candidate", "change", "verdict"],
      // Regressions first (capacity among them), then inconclusive and improved.
      rows: [
        ...changes.filter((x) => x.metric.verdict === "regressed").map(metricRow),
        ...capacityRows("regressed"),
        ...notRegressed.map(metricRow),
        ...capacityRows("improved"),
      ],
      align: ["l", "l", "r", "r", "r", "l"],
    });
  } else if (c.meshes.length > 0) {
    blocks.splice(1, 0, unchangedMeshes);
  }
  // When the changes alone would not fit a comment (many meshes, all changed): one line per
  // mesh with a change, naming each metric that changed (regressions first).
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
    const out: Block[] = [glance];
    const shown = changed.slice(0, keep);
    const capacityLines = capacityChanges.map(
      (v) => `**${capacityName(v)}**: ${CAPACITY_VERDICT_MARK[v.verdict]} capacity (${v.reason})`,
    );
    if (shown.length + capacityLines.length > 0)
      out.push({ kind: "list", items: [...capacityLines, ...shown.map(perMeshLine)] });
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
      compactBlocks: [perMesh()],
      cutBlocks: perMesh,
      essential: true,
      leads: true,
      priority: 0,
      name: "verdicts",
    },
    {
      heading: { level: 3, text: "Verdict matrix" },
      blocks: matrixBlocks,
      essential: false,
      priority: 1,
      truncatable: true,
      name: "the verdict matrix",
      fold: `Every metric of every mesh: the verdict matrix (${c.meshes.length} mesh(es) × ${columns.length} metrics), how the gate decides and what it can see`,
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
      fold: `Every metric's values and the reason for its verdict (${detailRows.length} rows)`,
    });
  }
  return sections;
}
