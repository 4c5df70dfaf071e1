// The report: its sections in order (the comparison first, then each scenario), built once
// from the statistics and rendered as Markdown (full and compact) and as HTML. The blocks
// are in blocks.ts, the sections in scenario-sections.ts and comparison-sections.ts. Pure.

import type { Block, ReportInput, Section } from "./blocks.ts";
import { comparisonSections } from "./comparison-sections.ts";
import { andMore, capListed } from "./limits.ts";
import { scenarioSections } from "./scenario-sections.ts";

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
    sections.push(
      ...comparisonSections(
        input.comparison,
        input.scenarios.length > 1,
        input.capacityVerdicts ?? [],
      ),
    );
  }
  input.scenarios.forEach((s, i) => {
    sections.push(...scenarioSections(s, i, input));
  });
  return sections;
}
