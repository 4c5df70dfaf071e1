// Text for people: the plan (what `meshbench run --dry-run` and `meshbench scenario FILE`
// print) and the field reference (`meshbench scenario --explain`). Pure.

import { formatDuration } from "./duration.ts";
import type { CapacitySpec, Scenario } from "./load.ts";
import type { Plan } from "./plan.ts";
import { formatSloTerm } from "./slo.ts";
import type { FieldDoc } from "./validate.ts";

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

const rps = (rate: number) => `${rate} rps`;

export function formatPlan(scenario: Scenario, plan: Plan): string {
  const load = scenario.load;
  const lines = [
    `Plan: ${plan.scenario} on ${plan.platform}: ${plan.runs.length} run${plan.runs.length === 1 ? "" : "s"}` +
      ` (${plan.meshes.length} mesh${plan.meshes.length === 1 ? "" : "es"}` +
      `${plan.rates.length > 1 ? ` × ${plan.rates.length} rates` : ""} × ${plan.repetitions} repetition${plan.repetitions === 1 ? "" : "s"}, interleaved)`,
  ];
  if (scenario.description) lines.push(`  ${scenario.description}`);
  lines.push(
    `  workload   ${scenario.workload.app} × ${scenario.workload.instances} instance${scenario.workload.instances === 1 ? "" : "s"}`,
    `  load       ${plan.rates.map(rps).join(" | ")} for ${formatDuration(load.durationMs)} per run` +
      ` (first ${formatDuration(load.warmupMs)} not measured), ${load.connections} connections,` +
      ` ${load.paths.length} path${load.paths.length === 1 ? "" : "s"} on every instance`,
    `  paths      ${load.paths.join("  ")}`,
    `  resources  sampled every ${formatDuration(scenario.resources.intervalMs)}`,
  );
  const c = scenario.capacity;
  if (c) {
    lines.push(
      `  capacity   (meshbench capacity) ${c.slo.map(formatSloTerm).join(", ")}: ${rps(c.minRate)}–${rps(c.maxRate)} to ${formatPrecision(c.precision)}, probes ${formatDuration(c.probeMs)}, confirmation ${formatDuration(c.confirmMs)}`,
    );
  }
  for (const s of plan.skipped) lines.push(`  skipped    ${s.mesh}: ${s.reason}`);
  lines.push("");
  if (plan.runs.length === 0) {
    lines.push("  Nothing to run: every mesh of the scenario is skipped.");
    return `${lines.join("\n")}\n`;
  }
  const withVersion = plan.runs.some((r) => r.version !== null);
  const header = ["#", "mesh", ...(withVersion ? ["version"] : []), "rate", "rep", "results"];
  const rows = plan.runs.map((r) => [
    String(r.index),
    r.mesh,
    ...(withVersion ? [r.version ?? "(default)"] : []),
    rps(r.rate),
    `r${r.repetition}`,
    `${r.dir}/`,
  ]);
  lines.push(...table([header, ...rows]).map((l) => `  ${l}`));
  lines.push(
    "",
    `  Load time ${formatDuration(plan.loadMs)} (${plan.runs.length} × ${formatDuration(load.durationMs)}),` +
      " plus installing, deploying and cleaning up around every run.",
  );
  return `${lines.join("\n")}\n`;
}

/** Every field: its path, default, one-line description and what is allowed. */
export function formatExplain(title: string, fields: readonly FieldDoc[]): string {
  const lines = [title, ""];
  for (const f of fields) {
    lines.push(`  ${f.path}  (default: ${f.default})`);
    lines.push(`      ${f.description}.`);
    lines.push(`      Allowed: ${f.allowed}.`);
  }
  return `${lines.join("\n")}\n`;
}

/** A capacity precision as written in the scenario: 5% or 20rps. */
export function formatPrecision(p: CapacitySpec["precision"]): string {
  return p.kind === "relative" ? `${Number((p.share * 100).toFixed(4))}%` : `${p.rps}rps`;
}
