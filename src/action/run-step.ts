// `command: run`: the scenario (or one mesh of it, a matrix cell) on this runner, its
// results uploaded as the artifact <prefix>-<scenario>-<mesh>, and the cell's tables in
// the job summary. The runs themselves are the CLI's: runScenario.
import { readFile } from "node:fs/promises";
import { resultsArtifactName, uploadArtifact } from "../github/artifacts.ts";
import type { RunContext } from "../github/context.ts";
import { info, warning } from "../github/runtime.ts";
import { setActionOutputs, writeJobSummary } from "../github/summary.ts";
import { readGateSpec } from "../report/gate-spec.ts";
import { runScenario } from "../run/scenario-run.ts";
import type { ActionInputs } from "./inputs.ts";

export async function runStep(
  inputs: ActionInputs,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<{ failedRuns: string[] }> {
  if (inputs.provider !== "local") {
    throw new Error(
      `provider ${inputs.provider}: this version of the Action runs scenarios with platform: local only; use provider: local`,
    );
  }
  const result = await runScenario({
    file: inputs.scenario,
    ...(inputs.mesh ? { only: [inputs.mesh] } : {}),
    ...(inputs.repetitions !== null ? { repetitions: inputs.repetitions } : {}),
    resultsRoot: inputs.resultsDir,
    chartHost: inputs.chartHost ?? "none",
    gate: await readGateSpec(inputs.thresholds),
    signal,
    progress: info,
  });
  for (const s of result.plan.skipped) warning(`${s.mesh} skipped: ${s.reason}`);
  const name = resultsArtifactName(
    inputs.artifactPrefix,
    result.scenario.name,
    inputs.mesh ?? "all",
  );
  const uploaded = await uploadArtifact({
    name,
    dir: result.scenarioDir,
    ...(inputs.retentionDays !== null ? { retentionDays: inputs.retentionDays } : {}),
    // A re-run attempt of this job replaces its own earlier upload.
    overwrite: ctx.runAttempt > 1,
  });
  info(`uploaded ${uploaded.files.length} result files as artifact ${uploaded.name}`);
  if (result.report) await writeJobSummary(await readFile(result.report.files.compact, "utf8"));
  setActionOutputs({ "results-dir": result.scenarioDir });
  return {
    failedRuns: result.outcomes
      .filter((o) => o.state === "failed")
      .map((o) => `${o.run.case} r${o.run.repetition} (${o.phase}: ${o.reason})`),
  };
}
