// A throwaway multi-node cluster with kind: the config is generated from the scenario's
// nodes, `kind create cluster` writes its kubeconfig to a private file, metrics-server is
// installed (with --kubelet-insecure-tls: kind's kubelets serve self-signed certificates),
// and destroy() deletes the cluster — also after a failed create, and harmlessly twice.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { applyUnlabelled } from "../kube/apply.ts";
import { connect, type Kube } from "../kube/client.ts";
import { mirrorImage } from "../kube/images.ts";
import { checked, DNS_LABEL } from "../kube/names.ts";
import type { ImageMirrors } from "../scenario/load.ts";
import { run } from "../tools/exec.ts";
import { KIND, type ResolveOptions, resolveTool } from "../tools/pinned.ts";
import { type KindNodeSpec, kindConfig } from "./kind-config.ts";
import { METRICS_SERVER_MANIFEST } from "./metrics-server-manifest.ts";
import { type ClusterInfo, listNodeSummaries, type Provider } from "./provider.ts";

export interface KindOptions {
  /** Cluster name (kind prefixes its nodes with it). */
  name: string;
  nodes: KindNodeSpec[];
  /** A kindest/node image, e.g. kindest/node:v1.33.1; kind's default when absent. */
  image?: string;
  tools?: ResolveOptions;
  /** Install metrics-server (default true). */
  metricsServer?: boolean;
  /** The scenario's cluster.images: metrics-server's image is pulled through them too. */
  images?: ImageMirrors;
  /** The metrics-server manifest (default: the shipped release's, metrics-server-manifest.ts). */
  metricsServerManifest?: string;
  /** How long metrics-server may take to become available (default 3 minutes). */
  metricsServerTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * metrics-server's manifest, its Deployment told to accept kind's self-signed kubelet
 * certificates and to pull its image through the scenario's mirrors (cluster.images).
 */
export function metricsServerObjects(manifest: string, mirrors: ImageMirrors = {}): object[] {
  const objects = parseAllDocuments(manifest)
    .map(
      (d) =>
        d.toJS() as {
          kind?: string;
          metadata?: { name?: string };
          spec?: {
            template?: {
              spec?: { containers?: { name: string; image?: string; args?: string[] }[] };
            };
          };
        } | null,
    )
    .filter((o): o is NonNullable<typeof o> => !!o && typeof o === "object" && !!o.kind);
  const deployment = objects.find(
    (o) => o.kind === "Deployment" && o.metadata?.name === "metrics-server",
  );
  const container = deployment?.spec?.template?.spec?.containers?.find(
    (c) => c.name === "metrics-server",
  );
  if (!container)
    throw new Error("metrics-server manifest: no metrics-server Deployment/container in it");
  if (container.image) container.image = mirrorImage(container.image, mirrors);
  container.args = [
    ...(container.args ?? []).filter((a) => a !== "--kubelet-insecure-tls"),
    "--kubelet-insecure-tls",
  ];
  return objects;
}

export async function waitForMetricsServer(kube: Kube, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const d = await kube.apps
      .readNamespacedDeployment({ name: "metrics-server", namespace: "kube-system" })
      .catch(() => null);
    if ((d?.status?.availableReplicas ?? 0) >= 1) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

export function kindProvider(options: KindOptions): Provider {
  const name = checked("cluster.name", options.name, DNS_LABEL);
  const log = options.log ?? (() => {});
  let workDir: string | null = null;
  let kindPath: string | null = null;
  let attempted = false;
  let kubeconfigPath: string | null = null;

  const describeNodes = () => listNodeSummaries(`kind cluster ${name}`, { path: kubeconfigPath });

  return {
    kind: "kind",
    async create(): Promise<ClusterInfo> {
      const config = kindConfig(options.nodes, { image: options.image });
      kindPath = await resolveTool(KIND, { ...options.tools, log });
      workDir = await mkdtemp(join(tmpdir(), `meshbench-kind-${name}-`));
      const configPath = join(workDir, "kind-config.yaml");
      kubeconfigPath = join(workDir, "kubeconfig");
      await writeFile(configPath, config);
      log(`creating kind cluster ${name} (${options.nodes.length} nodes)`);
      attempted = true;
      await run(
        kindPath,
        [
          "create",
          "cluster",
          "--name",
          name,
          "--config",
          configPath,
          "--kubeconfig",
          kubeconfigPath,
          "--wait",
          "5m",
        ],
        { timeoutMs: 900_000, env: options.tools?.env },
      );
      await chmod(kubeconfigPath, 0o600);
      const kube = connect({ path: kubeconfigPath });
      if (options.metricsServer ?? true) {
        const manifest = options.metricsServerManifest ?? METRICS_SERVER_MANIFEST;
        await applyUnlabelled(kube, metricsServerObjects(manifest, options.images) as never[]);
        const up = await waitForMetricsServer(kube, options.metricsServerTimeoutMs ?? 180_000);
        if (!up)
          log("metrics-server is not available yet; resource figures may be missing until it is");
      }
      return { provider: "kind", name, kubeconfigPath, nodes: await describeNodes() };
    },
    async destroy(): Promise<void> {
      if (attempted && kindPath) {
        attempted = false;
        log(`deleting kind cluster ${name}`);
        await run(kindPath, ["delete", "cluster", "--name", name], {
          timeoutMs: 300_000,
          env: options.tools?.env,
        });
      }
      if (workDir) await rm(workDir, { recursive: true, force: true });
      workDir = null;
      kubeconfigPath = null;
    },
    describeNodes,
  };
}

/**
 * Deletes a kind cluster by name, from another process than the one that made it (the
 * Action's post step after a cancelled main, `meshbench cleanup`). kind deletes a missing
 * cluster without complaint, so this is safe to call whatever happened before.
 */
export async function deleteKindCluster(name: string, tools?: ResolveOptions): Promise<void> {
  const kind = await resolveTool(KIND, tools);
  await run(kind, ["delete", "cluster", "--name", checked("cluster.name", name, DNS_LABEL)], {
    timeoutMs: 300_000,
    env: tools?.env,
  });
}
