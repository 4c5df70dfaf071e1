// Capacity in the report, summary.json and the compare gate: from capacity.json files as
// `meshbench capacity` writes them, a baseline's and a candidate's.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateReport } from "../../src/report/generate.ts";
import { writeCapacityFile } from "../../src/results/capacity-file.ts";
import { DEFAULT_GATE } from "../../src/stats/thresholds.ts";
import { capacitySearch as search } from "../helpers/capacity-files.ts";

const root = await mkdtemp(join(tmpdir(), "meshbench-capacity-report-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("capacity in reports", () => {
  it("report.md and summary.json show each answer, its bracket, the SLO and rps per data-plane core", async () => {
    const base = join(root, "base", "study-capacity");
    const cand = join(root, "cand", "study-capacity");
    await writeCapacityFile(base, search(1000, 1050));
    await writeCapacityFile(cand, search(800, 840));
    const out = join(root, "report");
    const report = await generateReport({
      resultsDirs: [cand],
      baselineDir: base,
      outDir: out,
      gate: DEFAULT_GATE,
      chartHost: "none",
      shortUrls: false,
      force: false,
    });
    expect(report.problems).toEqual([]);
    // Cells unpadded; < as the Markdown holds it (GitHub shows <).
    const md = (await readFile(report.files.markdown, "utf8"))
      .replace(/ +/g, " ")
      .replaceAll("&lt;", "<");
    expect(md).toContain("## Capacity: study");
    expect(md).toContain("SLO: p99 <= 100ms, errors <= 0.1%.");
    // capacity, held, failed, per data-plane core (800 rps on 0.4 cores), runs
    expect(md).toMatch(
      /\| linkerd \| 800 rps \(held 800 rps, failed 840 rps; 5 runs\) \| 800 \| 840 \| 2000 \| 5 \|/,
    );
    expect(md).toMatch(
      /\| bare \| at least 5000 rps: held at max \(0 runs\) \| 5000 \| – \| – \| 0 \|/,
    );
    expect(md).toMatch(
      /\| study \| linkerd \| 🔴 regressed \| held 1000, failed 1050 rps → held 800, failed 840 rps \|/,
    );
    const chart = report.sections.flatMap((s) => s.blocks).find((b) => b.kind === "chart");
    expect(chart?.kind === "chart" && chart.chart.config.data.datasets.map((d) => d.label)).toEqual(
      ["linkerd held", "linkerd failed"],
    );
    const summary = JSON.parse(await readFile(report.files.summary, "utf8"));
    expect(summary.capacity.searches[0].meshes[1]).toMatchObject({
      kind: "capacity",
      rate: 800,
      bracket: { held: 800, failed: 840 },
      perDataPlaneCore: 2000,
    });
    expect(summary.capacity.verdicts).toEqual([
      expect.objectContaining({ mesh: "bare", verdict: "unchanged" }),
      expect.objectContaining({ mesh: "linkerd", verdict: "regressed" }),
    ]);
  });

  it("meshbench compare --fail-on-regression exits 3 on a capacity regression", async () => {
    const run = promisify(execFile);
    const args = [
      "src/cli/main.ts",
      "compare",
      join(root, "base"),
      join(root, "cand"),
      "--fail-on-regression",
    ];
    const outcome = await run(process.execPath, args).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toContain("Capacity against the baseline");
    expect(outcome.stderr).toContain(
      "regressed: study / linkerd: capacity (held 1000, failed 1050 rps → held 800, failed 840 rps)",
    );
    const same = await run(process.execPath, [
      "src/cli/main.ts",
      "compare",
      join(root, "base"),
      join(root, "base"),
      "--fail-on-regression",
    ]);
    expect(same.stdout).toContain("⚪ unchanged");
  });
});
