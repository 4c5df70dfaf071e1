// The preflight as the first phase of a cluster run and as `meshbench doctor`: the checks
// before the cluster (Node, programs, kind's container engine), then on it, in one table.
// A failing check stops a run before it creates anything (exit 2).
import type { MeshDefinition } from "../mesh/schema.ts";
import type { PlannedMesh } from "../platform/kubernetes/preflight.ts";
import { type Check, failed, formatChecks } from "../platform/preflight-checks.ts";
import type { ClusterSpec, Scenario } from "../scenario/load.ts";
import type { Plan } from "../scenario/plan.ts";
import type { ResolveOptions } from "../tools/pinned.ts";
import { loadKubernetes } from "./load-kubernetes.ts";

/** The preflight found something that would break the run: nothing was created. */
export class PreflightFailed extends Error {
  readonly checks: readonly Check[];
  constructor(checks: readonly Check[]) {
    const bad = checks.filter((c) => c.status === "fail").map((c) => c.name);
    super(
      `the preflight failed (${bad.join(", ")}); nothing was created on the cluster. The fixes are in the table above (meshbench doctor SCENARIO prints it again)`,
    );
    this.name = "PreflightFailed";
    this.checks = checks;
  }
}

/** Each mesh × version the plan runs, once, with its definition. */
export function plannedMeshes(
  plan: Plan,
  meshes: ReadonlyMap<string, MeshDefinition>,
): PlannedMesh[] {
  const seen = new Map<string, PlannedMesh>();
  for (const r of plan.runs) {
    const definition = meshes.get(r.mesh);
    const key = `${r.mesh}@${r.version ?? ""}`;
    if (definition && !seen.has(key)) seen.set(key, { definition, version: r.version });
  }
  return [...seen.values()];
}

/** The table, headed, for the log. */
export const preflightText = (checks: readonly Check[]) =>
  `preflight:\n${formatChecks(checks).trimEnd()}`;

/** `meshbench doctor`: every check; a kind cluster is not made just to be checked. */
export async function doctor(
  scenario: Scenario,
  cluster: ClusterSpec,
  planned: readonly PlannedMesh[],
  tools: ResolveOptions = {},
): Promise<{ checks: Check[]; failed: boolean }> {
  const k = await loadKubernetes();
  const checks = await k.localChecks(cluster, planned, tools);
  if (cluster.provider.kind !== "kubeconfig") {
    checks.push({
      name: "cluster",
      status: "warn",
      detail: `provider ${cluster.provider.kind} makes the cluster when the run starts; meshbench run checks it then, before anything of the benchmark is created`,
    });
    return { checks, failed: failed(checks) };
  }
  const platform = new k.KubernetesPlatform({
    cluster,
    provider: k.providerFor(cluster, { tools }),
  });
  try {
    checks.push(...(await platform.preflight(scenario, planned)));
  } finally {
    await platform.close();
  }
  return { checks, failed: failed(checks) };
}
