// The Action's post step (runs even when main failed or was cancelled): removes what main
// left behind. Local processes end with main itself (they die with their parent); what
// can remain is bare metal from Terraform, a kind cluster, the 0600 kubeconfig and
// scratch directories.
import { rm } from "node:fs/promises";
import { info, setFailed, warning } from "../github/runtime.ts";
import { loadTeardownState, removeSecretFile } from "../github/secrets.ts";
import { toolCacheDownload } from "../github/tools.ts";
import { destroyTerraformStateDir } from "../provision/terraform/destroy.ts";
import { loadKubernetes } from "../run/load-kubernetes.ts";

export async function post(): Promise<void> {
  const state = loadTeardownState();
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
  if (state.namespaces?.length) {
    warning(
      `meshbench post: namespaces recorded (${state.namespaces.join(", ")}); run meshbench cleanup to remove what a cancelled run left`,
    );
  }
  await removeSecretFile(state.kubeconfigPath);
  for (const dir of state.workDirs ?? []) await rm(dir, { recursive: true, force: true });
  info("meshbench post: cleaned up");
}

try {
  await post();
} catch (error) {
  setFailed(`meshbench post: ${(error as Error)?.message ?? error}`);
}
