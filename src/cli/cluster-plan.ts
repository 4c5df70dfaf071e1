// What a kubernetes scenario will do on its cluster, printed after the plan by
// `meshbench scenario` and `meshbench run`: where the cluster comes from, how the load
// generator runs, and every mesh's install, readiness, join, recognition and uninstall
// steps exactly as they will run (so they can be reviewed before anything touches a cluster).
import type { MeshDefinition } from "../mesh/schema.ts";
import { formatMeshPlan } from "../platform/kubernetes/mesh-steps.ts";
import { formatDuration } from "../scenario/duration.ts";
import type { ClusterSpec } from "../scenario/load.ts";
import type { Plan } from "../scenario/plan.ts";
import { currentPlatform, type OsArch } from "../tools/pinned.ts";

export function clusterPlanText(
  cluster: ClusterSpec,
  plan: Plan,
  meshes: ReadonlyMap<string, MeshDefinition>,
  platform: OsArch = currentPlatform(),
): string {
  const p = cluster.provider;
  const where =
    p.kind === "kind"
      ? `kind cluster "${p.name}": ${p.nodes.filter((n) => n.role === "control-plane").length} control plane + ${p.nodes.filter((n) => n.role === "worker").length} workers${p.image ? ` (${p.image})` : ""}, created first, ${p.keep ? "kept at the end" : "deleted at the end"}`
      : p.kind === "terraform"
        ? `machines from the module ${p.module} (${p.binary ?? "tofu, else terraform"}), k3s ${p.k3sVersion ?? "v1.33.1+k3s1"} over SSH${p.reboot ? ", workers rebooted" : ""}, destroyed at the end or after ${formatDuration(p.maxLifetimeMs ?? 6 * 3_600_000)}`
        : `the cluster of ${p.path ?? "$KUBECONFIG or ~/.kube/config"}${p.context ? `, context ${p.context}` : ", its current context"}`;
  const l = cluster.loadgen;
  const lines = [
    "",
    "On the cluster:",
    `  cluster    ${where}`,
    `  loadgen    ${l.pods} pod${l.pods === 1 ? "" : "s"} on a node of its own, ${l.meshed ? "meshed" : "not meshed"}, starting ${formatDuration(l.startLeadMs)} after its Job is created`,
    `  timeouts   install ${cluster.timeouts.installMs === null ? "as each mesh definition says" : formatDuration(cluster.timeouts.installMs)}, deploy ${formatDuration(cluster.timeouts.deployMs)}, cleanup ${formatDuration(cluster.timeouts.cleanupMs)}`,
    "",
  ];
  const seen = new Set<string>();
  for (const m of plan.meshes) {
    const key = `${m.name}@${m.version ?? ""}`;
    const mesh = meshes.get(m.name);
    if (seen.has(key) || !mesh?.kubernetes) continue;
    seen.add(key);
    lines.push(formatMeshPlan(mesh, m.version, platform, cluster.timeouts.installMs));
  }
  return `${lines.join("\n")}`;
}
