// Installing and removing a mesh on the cluster, as its definition says: its CLIs found on
// the PATH or fetched at the mesh's version, its files written to a private directory, its
// steps run one by one as argument vectors (never a shell) with KUBECONFIG pointing at the
// run's cluster, and a step's output applied or deleted in-process (`| kubectl apply -f -`
// without the pipe). The mesh's own namespaces are claimed first: created by meshbench,
// labelled with the run and marked with the mesh, so that cleanup (and `meshbench
// cleanup` after a killed run) can find and remove them. A namespace that already exists
// and is not meshbench's means the mesh is installed already: meshbench refuses to touch it.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyObjects } from "../../kube/apply.ts";
import type { Kube } from "../../kube/client.ts";
import { isNotFound } from "../../kube/errors.ts";
import { COMPONENT, MANAGED_BY, MANAGER, RUN_ID } from "../../kube/labels.ts";
import type { MeshDefinition } from "../../mesh/schema.ts";
import { downloadableTool } from "../../mesh/tools.ts";
import { run } from "../../tools/exec.ts";
import { findExecutable } from "../../tools/find-executable.ts";
import { type ResolveOptions, resolveTool } from "../../tools/pinned.ts";
import { applyManifest, deleteManifest, parseManifest } from "./manifest.ts";
import { type MeshReadyCheck, waitForMeshReady } from "./mesh-ready.ts";
import {
  kubernetesOf,
  meshVersion,
  podSecurityLabels,
  type RenderedStep,
  renderSteps,
} from "./mesh-steps.ts";

/** Annotations on a mesh namespace meshbench created: which mesh, which version. */
export const MESH_ANNOTATION = "meshbench.io/mesh";
export const MESH_VERSION_ANNOTATION = "meshbench.io/mesh-version";
/** The claim is applied under its own field manager, so the mesh's own manifest (applied
 * as `meshbench`) does not take the marker off again. */
const CLAIM_MANAGER = "meshbench-claim";

export interface MeshContext {
  kube: Kube;
  runId: string;
  /** A kubeconfig whose current context is the run's cluster (0600), for the mesh CLIs. */
  kubeconfigPath: string;
  /** A private directory of this run: the definition's files go to <workDir>/files. */
  workDir: string;
  tools?: ResolveOptions;
  /** The environment the CLIs see (PATH …); default process.env. */
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Take over objects that were on the cluster before the run (cluster.adoptExisting). */
  adoptExisting?: boolean;
}

/** The mesh's own namespaces: where its control plane lives and what its checks look at. */
export function meshNamespaces(mesh: MeshDefinition): string[] {
  const k = kubernetesOf(mesh);
  return [...new Set([...k.recognise.controlPlaneNamespaces, ...k.ready.map((r) => r.namespace)])];
}

/**
 * Creates the mesh's namespaces for this run. One still terminating (the previous run's)
 * is waited for; one that exists otherwise is refused, saying whose it is.
 */
export async function claimMeshNamespaces(
  ctx: MeshContext,
  mesh: MeshDefinition,
  version: string | null,
  waitMs: number,
): Promise<string[]> {
  const { kube } = ctx;
  const names = meshNamespaces(mesh);
  for (const name of names) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const ns = await kube
        .call(`read namespace ${name}`, () => kube.core.readNamespace({ name }))
        .catch((error) => {
          if (isNotFound(error)) return null;
          throw error;
        });
      if (ns === null) break;
      const labels = ns.metadata?.labels ?? {};
      if (ns.metadata?.deletionTimestamp && Date.now() < deadline && !ctx.signal?.aborted) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (ns.metadata?.deletionTimestamp)
        throw new Error(
          `namespace ${name} is still being deleted after ${Math.round(waitMs / 1000)}s; ${mesh.name} cannot be installed until it is gone`,
        );
      if (labels[MANAGED_BY] === MANAGER)
        throw new Error(
          `namespace ${name} is left over from meshbench run ${labels[RUN_ID] ?? "(unknown)"} (${ns.metadata?.annotations?.[MESH_ANNOTATION] ?? "a mesh"}); remove it with: meshbench cleanup`,
        );
      throw new Error(
        `namespace ${name} already exists and was not created by meshbench: ${mesh.name} (or another install using it) is on this cluster already. meshbench installs and removes each mesh itself, once per run; use a cluster without it, or remove it first`,
      );
    }
  }
  const v = meshVersion(mesh, version);
  await applyObjects(
    kube,
    names.map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        labels: { [COMPONENT]: "mesh", ...podSecurityLabels(mesh) },
        annotations: {
          [MESH_ANNOTATION]: mesh.name,
          ...(v ? { [MESH_VERSION_ANNOTATION]: v } : {}),
        },
      },
    })),
    ctx.runId,
    CLAIM_MANAGER,
  );
  return names;
}

/** binary → the path to run: fetched at the mesh's version, or found on the PATH. */
export async function resolveMeshTools(
  ctx: Pick<MeshContext, "tools" | "env" | "log">,
  mesh: MeshDefinition,
  version: string | null,
): Promise<Map<string, string>> {
  const env = ctx.env ?? process.env;
  const v = meshVersion(mesh, version);
  const tools = new Map<string, string>();
  for (const r of kubernetesOf(mesh).requires) {
    const spec = downloadableTool(r, v);
    if (spec) {
      tools.set(r.binary, await resolveTool(spec, { ...ctx.tools, env, log: ctx.log }));
      continue;
    }
    const found = findExecutable(r.binary, env.PATH ?? "");
    if (!found) throw new Error(`\`${r.binary}\` not found on the PATH; ${r.hint}`);
    tools.set(r.binary, found);
  }
  return tools;
}

async function writeFiles(mesh: MeshDefinition, dir: string): Promise<void> {
  const files = kubernetesOf(mesh).files;
  if (Object.keys(files).length === 0) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [name, text] of Object.entries(files))
    await writeFile(join(dir, name), text, { mode: 0o600 });
}

async function runStep(ctx: MeshContext, step: RenderedStep, tools: Map<string, string>) {
  const [binary, ...args] = step.argv as [string, ...string[]];
  const shown = step.argv.join(" ");
  ctx.log(`$ ${shown}${step.output === "ignore" ? "" : ` | ${step.output}`}`);
  const { stdout } = await run(tools.get(binary) ?? binary, args, {
    timeoutMs: step.timeoutMs,
    env: { ...(ctx.env ?? process.env), KUBECONFIG: ctx.kubeconfigPath },
    cwd: ctx.workDir,
    signal: ctx.signal,
  });
  if (step.output === "ignore") return;
  const objects = parseManifest(stdout, `the output of ${shown}`);
  if (step.output === "apply") {
    await applyManifest(ctx.kube, objects, ctx.runId, {
      signal: ctx.signal,
      adoptExisting: ctx.adoptExisting ?? false,
      onKept: (what) => ctx.log(`  kept ${what}: it was there before the run, already as wanted`),
    });
    ctx.log(`  applied ${objects.length} objects`);
  } else {
    const deleted = await deleteManifest(ctx.kube, objects);
    ctx.log(`  deleted ${deleted.length} of ${objects.length} objects (the rest were gone)`);
  }
}

export interface InstallOptions {
  /** Replaces every step's and readiness check's own timeout. */
  timeoutMs: number | null;
  /** How long a namespace of the previous run may still be terminating. */
  namespaceWaitMs: number;
  pollMs?: number;
  /**
   * Called once the mesh's namespaces are this run's: from then on the mesh is ours to
   * uninstall. Before (a namespace was refused), uninstalling would remove someone else's.
   */
  onClaimed?: () => void;
}

/** Claims the namespaces, runs the install steps, then waits for the readiness checks. */
export async function installMesh(
  ctx: MeshContext,
  mesh: MeshDefinition,
  version: string | null,
  options: InstallOptions,
): Promise<void> {
  const k = kubernetesOf(mesh);
  const filesDir = join(ctx.workDir, "files");
  const steps = renderSteps(mesh, "install", { version, filesDir, timeoutMs: options.timeoutMs });
  const tools = await resolveMeshTools(ctx, mesh, version);
  await claimMeshNamespaces(ctx, mesh, version, options.namespaceWaitMs);
  options.onClaimed?.();
  await writeFiles(mesh, filesDir);
  for (const step of steps) await runStep(ctx, step, tools);
  const checks: MeshReadyCheck[] = k.ready.map((c) => ({
    namespace: c.namespace,
    deployments: c.deployments,
    daemonsets: c.daemonsets,
    timeoutMs: options.timeoutMs ?? c.timeout,
  }));
  await waitForMeshReady(ctx.kube, mesh.name, checks, {
    signal: ctx.signal,
    pollMs: options.pollMs,
    onProgress: ctx.log,
  });
}

/**
 * Runs the uninstall steps, every one even when one fails (cleanup goes on by label
 * afterwards); returns the failures.
 */
export async function uninstallMesh(
  ctx: MeshContext,
  mesh: MeshDefinition,
  version: string | null,
  timeoutMs: number | null = null,
): Promise<string[]> {
  const failures: string[] = [];
  let steps: RenderedStep[];
  let tools: Map<string, string>;
  try {
    const filesDir = join(ctx.workDir, "files");
    steps = renderSteps(mesh, "uninstall", { version, filesDir, timeoutMs });
    if (steps.length === 0) return [];
    tools = await resolveMeshTools(ctx, mesh, version);
    await writeFiles(mesh, filesDir);
  } catch (error) {
    return [`uninstall ${mesh.name}: ${(error as Error).message}`];
  }
  for (const step of steps) {
    try {
      await runStep(ctx, step, tools);
    } catch (error) {
      failures.push(`uninstall ${mesh.name}: ${(error as Error).message}`);
    }
  }
  return failures;
}
