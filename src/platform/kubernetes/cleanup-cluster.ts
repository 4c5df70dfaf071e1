// What earlier, killed runs left on a cluster, removed: meshes that a run installed are
// uninstalled first (their namespaces say which mesh and version; the definition is found by
// name as for a scenario, and only name and version are taken from the cluster, both checked
// against strict patterns), then everything labelled app.kubernetes.io/managed-by=meshbench
// is deleted and the load-generator nodes' labels and taints are removed. Called by
// `meshbench cleanup` and by the Action's post step; it prints nothing itself.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type Kube } from "../../kube/client.ts";
import { managedSelector, RUN_ID } from "../../kube/labels.ts";
import { listAll, PAGE_SIZE } from "../../kube/list.ts";
import { checked, DNS_LABEL, VERSION_PATTERN } from "../../kube/names.ts";
import { findMeshDefinition, meshSearchPath } from "../../mesh/load.ts";
import { cleanup } from "./cleanup.ts";
import { MESH_ANNOTATION, MESH_VERSION_ANNOTATION, uninstallMesh } from "./mesh-install.ts";

export interface ClusterCleanupOptions {
  /** A kubeconfig file; undefined = KUBECONFIG, else ~/.kube/config (client-node's rules). */
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Only this run's objects; undefined = every meshbench run's. */
  runId?: string | undefined;
  /** How long to wait for namespaces to finish terminating. */
  waitMs: number;
  /** Extra directories of mesh definitions (`--meshes`). */
  meshDirs?: string[] | undefined;
  /** Progress: the cluster reached, and each mesh's uninstall steps as they run. */
  log?: (line: string) => void;
}

export interface ClusterCleanupReport {
  /** `context (server)`: which cluster was cleaned. */
  cluster: string;
  uninstalled: string[];
  namespaces: string[];
  objects: string[];
  /** Nodes whose meshbench.io/loadgen label and taint were removed. */
  nodes: string[];
  failures: string[];
}

/** A kubeconfig or context that cannot be used: the caller's input, not a fault. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

interface Installed {
  mesh: string;
  version: string | null;
  runId: string | undefined;
}

/** The meshes meshbench runs installed, from the marks on the namespaces they created. */
async function installedMeshes(kube: Kube, runId?: string): Promise<Installed[]> {
  const namespaces = await kube.call("list meshbench namespaces", () =>
    listAll((t) =>
      kube.core.listNamespace({
        labelSelector: managedSelector(runId),
        limit: PAGE_SIZE,
        _continue: t,
      }),
    ),
  );
  const found = new Map<string, Installed>();
  for (const ns of namespaces) {
    const mesh = ns.metadata?.annotations?.[MESH_ANNOTATION];
    if (!mesh) continue;
    const version = ns.metadata?.annotations?.[MESH_VERSION_ANNOTATION] ?? null;
    const run = ns.metadata?.labels?.[RUN_ID];
    found.set(`${mesh}@${version}@${run}`, { mesh, version, runId: run });
  }
  return [...found.values()];
}

async function uninstallMeshes(
  kube: Kube,
  o: ClusterCleanupOptions,
  report: ClusterCleanupReport,
): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), "meshbench-cleanup-"));
  try {
    const kubeconfigPath = join(workDir, "kubeconfig");
    await writeFile(kubeconfigPath, kube.config.exportConfig(), { mode: 0o600 });
    for (const m of await installedMeshes(kube, o.runId)) {
      const what = `${m.mesh}${m.version ? ` ${m.version}` : ""}${m.runId ? ` (run ${m.runId})` : ""}`;
      try {
        const definition = await findMeshDefinition(
          checked("the mesh named on the cluster", m.mesh, DNS_LABEL),
          meshSearchPath(undefined, o.meshDirs),
        );
        const version =
          m.version === null
            ? null
            : checked("the mesh version on the cluster", m.version, VERSION_PATTERN);
        const problems = await uninstallMesh(
          {
            kube,
            runId: m.runId ?? "meshbench-cleanup",
            kubeconfigPath,
            workDir,
            log: (line) => o.log?.(`    ${line}`),
          },
          definition,
          version,
        );
        report.failures.push(...problems);
        report.uninstalled.push(what);
      } catch (error) {
        report.failures.push(`uninstall ${what}: ${(error as Error).message}`);
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export async function cleanupCluster(o: ClusterCleanupOptions): Promise<ClusterCleanupReport> {
  let kube: Kube;
  try {
    kube = connect({
      ...(o.kubeconfig !== undefined ? { path: o.kubeconfig } : {}),
      ...(o.context !== undefined ? { context: o.context } : {}),
    });
  } catch (error) {
    throw new KubeconfigError((error as Error).message);
  }
  const report: ClusterCleanupReport = {
    cluster: `${kube.config.getCurrentContext()} (${kube.config.getCurrentCluster()?.server})`,
    uninstalled: [],
    namespaces: [],
    objects: [],
    nodes: [],
    failures: [],
  };
  o.log?.(`meshbench cleanup: ${report.cluster}${o.runId ? `, run ${o.runId}` : ", every run"}`);
  await uninstallMeshes(kube, o, report);
  const byLabel = await cleanup(kube, {
    ...(o.runId ? { runId: o.runId } : {}),
    waitMs: o.waitMs,
    pollMs: 1000,
  });
  report.namespaces.push(...byLabel.namespaces);
  report.objects.push(...byLabel.objects);
  report.nodes.push(...byLabel.nodes);
  report.failures.push(...byLabel.failures);
  if (byLabel.stillTerminating.length > 0)
    report.failures.push(
      `still terminating after the wait: ${byLabel.stillTerminating.join(", ")}`,
    );
  return report;
}

/** What a cleanup removed, a line each, as `meshbench cleanup` and the post step print it. */
export function describeCleanup(report: ClusterCleanupReport): string[] {
  const lines = [
    ...report.uninstalled.map((m) => `  uninstalled mesh ${m}`),
    ...report.namespaces.map((ns) => `  deleted namespace ${ns}`),
    ...report.objects.map((o) => `  deleted ${o}`),
    ...report.nodes.map(
      (n) => `  released node ${n} (label and taint meshbench.io/loadgen removed)`,
    ),
  ];
  if (lines.length === 0 && report.failures.length === 0)
    lines.push("  nothing of meshbench's was found");
  return lines;
}
