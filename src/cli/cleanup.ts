// `meshbench cleanup`: removes what earlier, killed runs left on a cluster (see
// src/platform/kubernetes/cleanup-cluster.ts) and prints what it removed.
import { homedir } from "node:os";
import { join } from "node:path";
import { checkRunId } from "../kube/labels.ts";
import { loadKubernetes } from "../run/load-kubernetes.ts";
import { durationFlag, parseFlags, stringFlags, UsageError } from "./usage.ts";

const FLAGS = {
  ...stringFlags("kubeconfig", "context", "run-id", "wait"),
  meshes: { type: "string", multiple: true },
} as const;

export async function cleanupCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("cleanup", argv, FLAGS, true);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const runId = values["run-id"];
  if (runId !== undefined) {
    try {
      checkRunId(runId);
    } catch (error) {
      throw new UsageError(`--run-id: ${(error as Error).message}`);
    }
  }
  const waitMs =
    values.wait === undefined ? 300_000 : durationFlag("wait", values.wait, { allowZero: true });
  const path =
    values.kubeconfig ?? (process.env.KUBECONFIG ? undefined : join(homedir(), ".kube", "config"));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const { cleanupCluster, describeCleanup } = await loadKubernetes();
  const report = await cleanupCluster({
    kubeconfig: path,
    context: values.context,
    runId,
    waitMs,
    meshDirs: values.meshes,
    log: say,
  }).catch((error: Error) => {
    if (error.name === "KubeconfigError")
      throw new UsageError(`--kubeconfig/--context: ${error.message}`);
    throw error;
  });
  for (const line of describeCleanup(report)) say(line);
  for (const f of report.failures) process.stderr.write(`meshbench cleanup: ${f}\n`);
  return report.failures.length > 0 ? 1 : 0;
}
