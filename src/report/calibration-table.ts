// `meshbench calibrate`'s tables: per run count the false alarms (and the power on a known
// slowdown), then per metric the minimal detectable change at each run count. Pure.
import type { Calibration } from "../stats/calibration-file.ts";
import { METRIC_IDS } from "../stats/metrics.ts";
import { NOISE_MULTIPLE } from "../stats/noise-floor.ts";
import type { Align, Section } from "./blocks.ts";
import { sig3 } from "./format.ts";

export function calibrationSections(c: Calibration): Section[] {
  const shift = c.shiftMs;
  const rows = c.table.map((r) => [
    String(r.perSide),
    `${r.falseAlarms} of ${r.splits} (${sig3((100 * r.falseAlarms) / r.splits)} %)`,
    ...(shift === null ? [] : [`${r.caught ?? 0} of ${r.splits}`]),
    Object.entries(r.flagged)
      .map(([id, n]) => `\`${id}\` ×${n}`)
      .join(", ") || "–",
  ]);
  const metrics = METRIC_IDS.filter((id) => c.table.some((r) => r.mdcPct[id] !== undefined));
  const mdcRows = metrics.map((id) => [
    `\`${id}\``,
    c.noisePct[id] === undefined ? "–" : `${sig3(c.noisePct[id]!)} %`,
    ...c.table.map((r) => (r.mdcPct[id] === undefined ? "–" : `${sig3(r.mdcPct[id]!)} %`)),
  ]);
  return [
    {
      heading: { level: 2, text: `Calibration: ${c.scenarios.join(", ")}` },
      blocks: [
        {
          kind: "paragraph",
          text:
            `${c.runs} runs of every mesh of an unchanged setup (the newest started ${c.measuredAt}), ` +
            `split at random (seed ${c.seed}) into disjoint baseline and candidate halves and put through the gate. ` +
            "A false alarm: any metric of any mesh called regressed or improved" +
            (shift === null
              ? "."
              : `; caught: every mesh had a latency percentile called regressed when ${shift} ms were added to every candidate latency.`),
        },
        {
          kind: "table",
          header: [
            "runs a side",
            "false alarms",
            ...(shift === null ? [] : [`+${shift} ms caught`]),
            "metrics called a change",
          ],
          rows,
          align: ["r", "r", ...(shift === null ? [] : (["r"] as Align[])), "l"],
        },
        {
          kind: "table",
          header: ["metric", "run-to-run sd", ...c.table.map((r) => `${r.perSide} a side`)],
          rows: mdcRows,
          align: ["l", "r", ...c.table.map((): Align => "r")],
        },
        {
          kind: "paragraph",
          text:
            `Minimal detectable change: the smallest change of each gated metric caught with 80 % power, ` +
            `in % of the baseline (median over the splits). Run-to-run sd: the standard deviation of the per-run values in % of their mean; ` +
            `with this file, compare --calibration raises each threshold to ${NOISE_MULTIPLE} × that where it is larger. ` +
            `Gated metrics not listed were absent from these runs; ${metrics.length} listed.`,
        },
      ],
      essential: true,
      priority: 0,
      name: "calibration",
    },
  ];
}
