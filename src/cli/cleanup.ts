// `meshbench cleanup`: removes what earlier, killed runs left on a cluster. Meshes that a
// run installed are uninstalled first (their namespaces say which mesh and version; the
// definition is found by name as for a scenario, and only name and version are taken from
// the cluster, both checked against strict patterns), then everything labelled
// app.kubernetes.io/managed-by=meshbench is deleted and the load-generator nodes' labels
// and taints are removed. Prints what it removed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { findMeshDefinition, meshSearchPath } from "../mesh/load.ts";
import { cleanup } from "../platform/kubernetes/cleanup.ts";
import { connect, type Kube } from "../platform/kubernetes/client.ts";
import { checkRunId, managedSelector, RUN_ID } from "../platform/kubernetes/labels.ts";
import { listAll, PAGE_SIZE } from "../platform/kubernetes/list.ts";
import {
  MESH_ANNOTATION,
  MESH_VERSION_ANNOTATION,
  uninstallMesh,
} from "../platform/kubernetes/mesh-install.ts";
import { checked, DNS_LABEL, VERSION } from "../platform/kubernetes/names.ts";
import { CLEANUP_HELP } from "./cleanup-help.ts";
import { durationFlag, parseFlags, UsageError } from "./usage.ts";

const FLAGS = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "run-id": { type: "string" },
  meshes: { type: "string", multiple: true },
  wait: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

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

export async function cleanupCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("cleanup", argv, FLAGS, true);
  if (values.help) {
    process.stdout.write(CLEANUP_HELP);
    return 0;
  }
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
  let kube: Kube;
  try {
    kube = connect({
      ...(path !== undefined ? { path } : {}),
      ...(values.context !== undefined ? { context: values.context } : {}),
    });
  } catch (error) {
    throw new UsageError(`--kubeconfig/--context: ${(error as Error).message}`);
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `meshbench cleanup: ${kube.config.getCurrentContext()} (${kube.config.getCurrentCluster()?.server})${runId ? `, run ${runId}` : ", every run"}`,
  );
  const failures: string[] = [];
  let removed = 0;

  const workDir = await mkdtemp(join(tmpdir(), "meshbench-cleanup-"));
  try {
    const kubeconfigPath = join(workDir, "kubeconfig");
    await writeFile(kubeconfigPath, kube.config.exportConfig(), { mode: 0o600 });
    for (const m of await installedMeshes(kube, runId)) {
      const what = `${m.mesh}${m.version ? ` ${m.version}` : ""}${m.runId ? ` (run ${m.runId})` : ""}`;
      try {
        const definition = await findMeshDefinition(
          checked("the mesh named on the cluster", m.mesh, DNS_LABEL),
          meshSearchPath(undefined, values.meshes),
        );
        const version =
          m.version === null
            ? null
            : checked("the mesh version on the cluster", m.version, VERSION);
        const problems = await uninstallMesh(
          {
            kube,
            runId: m.runId ?? "meshbench-cleanup",
            kubeconfigPath,
            workDir,
            log: (line) => say(`    ${line}`),
          },
          definition,
          version,
        );
        failures.push(...problems);
        say(`  uninstalled mesh ${what}`);
        removed++;
      } catch (error) {
        failures.push(`uninstall ${what}: ${(error as Error).message}`);
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const report = await cleanup(kube, { ...(runId ? { runId } : {}), waitMs, pollMs: 1000 });
  for (const ns of report.namespaces) say(`  deleted namespace ${ns}`);
  for (const o of report.objects) say(`  deleted ${o}`);
  for (const n of report.nodes)
    say(`  released node ${n} (label and taint meshbench.io/loadgen removed)`);
  removed += report.namespaces.length + report.objects.length + report.nodes.length;
  failures.push(...report.failures);
  if (report.stillTerminating.length > 0)
    failures.push(`still terminating after the wait: ${report.stillTerminating.join(", ")}`);
  if (removed === 0 && failures.length === 0) say("  nothing of meshbench's was found");
  for (const f of failures) process.stderr.write(`meshbench cleanup: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}
