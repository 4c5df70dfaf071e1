// The Action's post step (runs even when main failed or was cancelled): removes what main
// left behind. Local processes end with main itself (they die with their parent), so
// what remains is files: the 0600 kubeconfig and scratch directories.
import { rm } from "node:fs/promises";
import { info, setFailed, warning } from "../github/runtime.ts";
import { loadTeardownState, removeSecretFile } from "../github/secrets.ts";

export async function post(): Promise<void> {
  const state = loadTeardownState();
  if (state.kindCluster || state.namespaces?.length) {
    warning(
      `meshbench post: cluster leftovers recorded (${state.kindCluster ?? state.namespaces?.join(", ")}); run meshbench cleanup to remove them`,
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
