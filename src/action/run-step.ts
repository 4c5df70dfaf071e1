// `command: run`: the scenario (or one mesh of it, a matrix cell) on this runner, its
// results uploaded as the artifact <prefix>-<scenario>-<mesh>, and the cell's tables in
// the job summary. The runs themselves are the CLI's: runScenario.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { resultsArtifactName, uploadArtifact } from "../github/artifacts.ts";
import type { WorkflowContext } from "../github/context.ts";
import { info, warning } from "../github/runtime.ts";
import { maskKubeconfig, maskSecret, saveTeardownState } from "../github/secrets.ts";
import { preflightMarkdown, setActionOutputs, writeJobSummary } from "../github/summary.ts";
import { toolCacheDownload } from "../github/tools.ts";
import type { ClusterOverride } from "../run/platforms.ts";
import { runScenario } from "../run/scenario-run.ts";
import { loadScenario, type Scenario } from "../scenario/load.ts";
import { recordClusterRuns } from "./cluster-runs.ts";
import { actionGate } from "./gate.ts";
import type { ActionInputs } from "./inputs.ts";

/**
 * What `provider` means for the scenario: local needs a local scenario; kubeconfig runs a
 * cluster scenario on the given cluster; kind and terraform need the scenario's cluster
 * section to say so (its nodes, its module). What main creates is recorded for post.
 */
function clusterFor(
  inputs: ActionInputs,
  scenario: Scenario,
  kubeconfigPath: string | null,
  ctx: WorkflowContext,
): ClusterOverride {
  const tools = { download: toolCacheDownload };
  const declared = scenario.cluster?.provider.kind ?? null;
  const mismatch = (what: string) =>
    new Error(
      `input "provider": ${inputs.provider}, but ${inputs.scenario} ${what}; set provider to match the scenario, or use another scenario`,
    );
  switch (inputs.provider) {
    case "local":
      if (scenario.platform !== "local")
        throw mismatch(`runs on platform: ${scenario.platform} (cluster.provider: ${declared})`);
      return {};
    case "kubeconfig":
      if (scenario.platform !== "kubernetes") throw mismatch("runs on platform: local");
      return { ...(kubeconfigPath ? { kubeconfig: kubeconfigPath } : {}), tools };
    default:
      if (declared !== inputs.provider)
        throw mismatch(`declares cluster.provider: ${declared ?? "none"}`);
      if (scenario.cluster?.provider.kind === "kind")
        saveTeardownState({ kindCluster: scenario.cluster.provider.name });
      return {
        tools,
        terraform: {
          stateRoot: join(ctx.tempDir, "meshbench-terraform"),
          ...(inputs.sshPrivateKey ? { sshKey: inputs.sshPrivateKey } : {}),
          ...(inputs.terraformVars ? { vars: inputs.terraformVars } : {}),
          // Recorded before anything is created: post destroys it even after a cancelled main.
          onStateDir: (dir) => saveTeardownState({ terraformStateDir: dir }),
          // The module's kubeconfig or SSH key: masked before anything can print them.
          onSecret: (value, kind) =>
            kind === "kubeconfig" ? maskKubeconfig(value) : maskSecret(value),
        },
      };
  }
}

export async function runStep(
  inputs: ActionInputs,
  ctx: WorkflowContext,
  signal: AbortSignal,
  kubeconfigPath: string | null,
): Promise<{ failedRuns: string[] }> {
  const { scenario } = await loadScenario(inputs.scenario);
  const cluster = clusterFor(inputs, scenario, kubeconfigPath, ctx);
  const result = await runScenario({
    file: inputs.scenario,
    cluster,
    ...(inputs.site ? { site: inputs.site } : {}),
    ...(inputs.mesh ? { only: [inputs.mesh] } : {}),
    ...(inputs.repetitions !== null ? { repetitions: inputs.repetitions } : {}),
    resultsRoot: inputs.resultsDir,
    chartHost: inputs.chartHost ?? "none",
    gate: await actionGate(inputs.thresholds),
    signal,
    progress: info,
    // The preflight's table in the job summary, also (above all) when it stops the run.
    onPreflight: async (checks) => {
      await writeJobSummary(preflightMarkdown(checks));
    },
    // A kind or bare-metal cluster goes whole in post; on a given cluster, post removes
    // the runs a killed main left, by their label.
    ...(inputs.provider === "kubeconfig"
      ? {
          onPlatform: ({ platform }) =>
            recordClusterRuns(platform, (clusterRunIds) =>
              saveTeardownState({
                clusterRunIds,
                meshDirs: [join(dirname(inputs.scenario), "meshes")],
              }),
            ),
        }
      : {}),
  });
  for (const s of result.plan.skipped) warning(`${s.mesh} skipped: ${s.reason}`);
  // Identical clusters at several sites upload side by side: the site ends the name.
  const cell = `${inputs.mesh ?? "all"}${inputs.site ? `-${inputs.site}` : ""}`;
  const name = resultsArtifactName(inputs.artifactPrefix, result.scenario.name, cell);
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
