// The Action's post step (runs even when main failed or was cancelled): removes what main
// left behind. Local processes end with main itself (they die with their parent); what
// can remain is bare metal from Terraform, a kind cluster, the runs a killed main left on
// a given cluster (provider kubeconfig), and the 0600 kubeconfig.
import { info, scrubInputs, setFailed } from "../github/runtime.ts";
import {
  loadTeardownState,
  maskKubeconfig,
  maskSecret,
  removeSecretFile,
} from "../github/secrets.ts";
import { toolCacheDownload } from "../github/tools.ts";
import { destroyTerraformStateDir } from "../provision/terraform/destroy.ts";
import { loadKubernetes } from "../run/load-kubernetes.ts";

export async function post(): Promise<void> {
  // Before anything starts a program: tofu, its providers and kind inherit no input.
  scrubInputs({
    "github-token": maskSecret,
    kubeconfig: maskKubeconfig,
    "ssh-private-key": maskSecret,
  });
  const state = loadTeardownState();
  const left: string[] = [];
  try {
    if (state.terraformStateDir) {
      // Machines that bill by the hour: destroyed here (retried) unless main already did; a
      // destroy that keeps failing fails this step with what is probably still running.
      const result = await destroyTerraformStateDir(state.terraformStateDir, { log: info });
      info(
        `meshbench post: terraform cluster ${result === "destroyed" ? "destroyed" : "already gone"}`,
      );
    }
    if (state.kindCluster) {
      // Deleted by main when it ended normally; kind deletes a missing cluster quietly.
      const { deleteKindCluster } = await loadKubernetes();
      await deleteKindCluster(state.kindCluster, { download: toolCacheDownload });
      info(`meshbench post: kind cluster ${state.kindCluster} is gone`);
    }
    if (state.clusterRunIds?.length && state.kubeconfigPath) {
      // What `meshbench cleanup --run-id` does: the run's mesh uninstalled by its own steps,
      // then everything carrying its label deleted and its load-generator node released.
      const { cleanupCluster, describeCleanup } = await loadKubernetes();
      for (const runId of state.clusterRunIds) {
        info(
          `meshbench post: run ${runId} was not cleaned up by main; removing it from the cluster`,
        );
        const report = await cleanupCluster({
          kubeconfig: state.kubeconfigPath,
          runId,
          waitMs: 300_000,
          meshDirs: state.meshDirs,
          log: info,
        }).catch((error: Error) => error);
        if (report instanceof Error) {
          info(`meshbench post: ${report.message}`);
          left.push(runId);
          continue;
        }
        for (const line of describeCleanup(report)) info(line);
        for (const f of report.failures) info(`meshbench post: ${f}`);
        if (report.failures.length > 0) left.push(runId);
      }
    }
  } finally {
    // Whatever failed above: the kubeconfig copy never outlives the job.
    await removeSecretFile(state.kubeconfigPath);
  }
  if (left.length > 0) {
    throw new Error(
      `the cluster may still hold run(s) ${left.join(", ")} (see above); run meshbench cleanup --run-id <id> against it`,
    );
  }
  info("meshbench post: cleaned up");
}

try {
  await post();
} catch (error) {
  setFailed(`meshbench post: ${(error as Error)?.message ?? error}`);
}
