// `meshbench doctor SCENARIO`: the preflight of a cluster run, alone. Thin: the plan, the
// checks (src/run/preflight.ts), the table. Reads the cluster, creates nothing on it.
import { formatChecks } from "../platform/preflight-checks.ts";
import { clusterOf, OverrideError } from "../run/platforms.ts";
import { doctor, plannedMeshes } from "../run/preflight.ts";
import { loadScenarioPlan } from "../run/scenario-plan.ts";
import { oneScenario, parseFlags, stringFlags, UsageError } from "./usage.ts";

export const DOCTOR_HELP = `meshbench doctor — can this cluster run this scenario? Checks, creating nothing

Usage:
  meshbench doctor SCENARIO [--mesh NAME ...] [--kubeconfig PATH] [--context NAME]

  SCENARIO           a scenario with platform: kubernetes
  --mesh NAME        only this mesh of the scenario (repeatable)
  --kubeconfig PATH  check the cluster of this kubeconfig, whatever the scenario says
  --context NAME     that kubeconfig's context

Prints one line per check (ok, WARN, FAIL) with the fix beneath each warning and failure:
Node, the programs the plan runs (fetched now if meshbench fetches them), kind's
container engine, the cluster and its credentials, the rights the plan needs, the
Kubernetes version against each mesh's, metrics.k8s.io, the nodes, the images.
meshbench run makes the same checks first and stops (exit 2) when one fails.

Exit status: 0 nothing fails (warnings allowed), 2 a check fails, or bad arguments.
`;

const FLAGS = {
  mesh: { type: "string", multiple: true },
  ...stringFlags("kubeconfig", "context"),
} as const;

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("doctor", argv, FLAGS, true);
  const file = oneScenario(positionals, "meshbench doctor scenarios/kinvolk-2019.yaml");
  const { loaded, meshes, plan } = await loadScenarioPlan(file, {
    ...(values.mesh ? { only: values.mesh } : {}),
  });
  const scenario = loaded.scenario;
  let cluster: ReturnType<typeof clusterOf>;
  try {
    cluster = clusterOf(scenario, { kubeconfig: values.kubeconfig, context: values.context });
  } catch (error) {
    if (error instanceof OverrideError)
      throw new UsageError(`--kubeconfig/--context: ${error.message}`);
    throw error;
  }
  if (!cluster)
    throw new UsageError(
      `${file} runs on platform ${scenario.platform}; doctor checks scenarios with platform: kubernetes`,
    );
  for (const s of plan.skipped) process.stdout.write(`  skipped ${s.mesh}: ${s.reason}\n`);
  const result = await doctor(scenario, cluster, plannedMeshes(plan, meshes));
  process.stdout.write(formatChecks(result.checks));
  return result.failed ? 2 : 0;
}
