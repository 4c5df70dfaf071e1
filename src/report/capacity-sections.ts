// The report's capacity sections (meshbench capacity): per search, each mesh's answer with
// its bracket and the SLO, capacity per core of data-plane CPU, and a chart of the probes
// (rate against p99, held or failed); against a baseline, the capacity verdicts. Pure.
import type { CapacityFile } from "../results/capacity-file.ts";
import { meshLabel } from "../results/mesh.ts";
import { formatDuration } from "../scenario/duration.ts";
import { type CapacityVerdict, capacityPerCore } from "../stats/capacity-verdict.ts";
import type { Block, Section } from "./blocks.ts";
import { answerText, CAPACITY_VERDICT_MARK } from "./capacity-text.ts";
import { BARE_COLOR, baseOptions, type ChartSpec, PALETTE, round } from "./charts.ts";

export function capacitySections(
  files: readonly CapacityFile[],
  verdicts: readonly CapacityVerdict[] | null,
): Section[] {
  const sections: Section[] = [];
  if (verdicts && verdicts.length > 0) {
    sections.push({
      heading: { level: 2, text: "Capacity against the baseline" },
      blocks: [
        {
          kind: "paragraph",
          text: "Regressed: the candidate failed at a rate below what the baseline held (confirmed), by at least the precision. Brackets: last held, first failed.",
        },
        {
          kind: "table",
          header: ["scenario", "mesh", "verdict", "baseline → candidate"],
          rows: verdicts.map((v) => [
            v.scenario,
            v.mesh === v.baselineMesh ? v.mesh : `${v.baselineMesh} → ${v.mesh}`,
            CAPACITY_VERDICT_MARK[v.verdict],
            v.reason,
          ]),
          align: ["l", "l", "l", "l"],
        },
      ],
      essential: true,
      priority: 1,
      name: "capacity verdicts",
    });
  }
  files.forEach((file, index) => {
    const blocks: Block[] = [
      {
        kind: "paragraph",
        text: `SLO: ${file.slo.join(", ")}. Searched ${file.minRate}–${file.maxRate} rps to ${file.precision}, probes of ${formatDuration(file.probeMs)}, confirmation runs of ${formatDuration(file.confirmMs)}. The capacity is the highest rate that held the SLO in a confirmation run; the bracket's upper end is the lowest rate that failed.`,
      },
      {
        kind: "table",
        header: ["mesh", "capacity", "held", "failed", "rps per data-plane core", "runs"],
        rows: file.meshes.map((m) => {
          const perCore = capacityPerCore(m);
          return [
            meshLabel(m.mesh),
            answerText(m),
            m.bracket.held === null ? "–" : String(m.bracket.held),
            m.bracket.failed === null ? "–" : String(m.bracket.failed),
            perCore === null ? "–" : perCore.toFixed(0),
            String(m.probes.length),
          ];
        }),
        align: ["l", "l", "r", "r", "r", "r"],
      },
    ];
    const chart = probeChart(file, index);
    if (chart) blocks.push({ kind: "chart", chart });
    sections.push({
      heading: { level: 2, text: `Capacity: ${file.scenario}` },
      blocks,
      essential: false,
      priority: 2,
      name: `capacity of ${file.scenario}`,
    });
  });
  return sections;
}

/** Every probe: its rate against its p99, a dot where it held and a cross where it failed. */
function probeChart(file: CapacityFile, index: number): ChartSpec | null {
  const datasets: Record<string, unknown>[] = [];
  let next = 0;
  for (const m of file.meshes) {
    const probes = m.probes.filter((p) => p.p99Ms !== undefined && p.p99Ms > 0);
    if (probes.length === 0) continue;
    const color = m.mesh.name === "bare" ? BARE_COLOR : PALETTE[next++ % PALETTE.length]!;
    for (const passed of [true, false]) {
      const points = probes
        .filter((p) => p.passed === passed)
        .map((p) => ({ x: p.rate, y: round(p.p99Ms!) }));
      if (points.length === 0) continue;
      datasets.push({
        label: `${meshLabel(m.mesh)} ${passed ? "held" : "failed"}`,
        data: points,
        showLine: false,
        borderColor: color,
        backgroundColor: color,
        pointStyle: passed ? "circle" : "crossRot",
        pointRadius: 5,
        borderWidth: passed ? 1 : 2,
      });
    }
  }
  if (datasets.length === 0) return null;
  const title = `${file.scenario}: capacity probes, p99 against rate (held: dot, failed: cross)`;
  const options = baseOptions(title, "p99 (ms)", true);
  (options.scales as Record<string, unknown>).x = {
    type: "linear",
    title: { display: true, text: "total rate (requests/s)" },
  };
  return {
    id: `capacity-${index}-probes`,
    title,
    width: 800,
    height: 350,
    config: { type: "line", data: { labels: [], datasets }, options },
  };
}
