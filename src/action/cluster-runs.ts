// Runs on a given cluster (provider kubeconfig) that main started and has not cleaned up
// yet, recorded for post as they happen. A main that ends normally or fails removes its
// runs itself (the platform's cleanup, in a finally); one killed mid-run — a cancelled
// job past its grace period, a runner's timeout — leaves namespaces, a reserved node and
// maybe a mesh, which post removes by the run's label (meshbench cleanup --run-id).
import { clusterRunId } from "../platform/kubernetes/platform-info.ts";
import type { Platform } from "../platform/types.ts";

/**
 * Wraps `platform`'s prepare and cleanup so that `save` is told the run ids (as the
 * cluster's labels carry them) of the runs begun and not yet cleaned: before anything is
 * created, and again once a cleanup succeeded. A failed cleanup keeps its id for post.
 */
export function recordClusterRuns(platform: Platform, save: (runIds: string[]) => void): void {
  const open = new Set<string>();
  let current: string | null = null;
  const prepare = platform.prepare.bind(platform);
  const cleanup = platform.cleanup.bind(platform);
  platform.prepare = async (context) => {
    current = clusterRunId(context.runId);
    open.add(current);
    save([...open]);
    await prepare(context);
  };
  platform.cleanup = async () => {
    await cleanup();
    if (current !== null && open.delete(current)) save([...open]);
  };
}
