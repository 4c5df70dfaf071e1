// An existing cluster, from a kubeconfig file, its content (an Action secret) or KUBECONFIG
// (one file or several, merged), with an optional context. Nothing is created, so destroy()
// only removes the kubeconfig copy it wrote (0600) for inline content or a merge — never
// the cluster.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { loadKubeConfig } from "../kube/client.ts";
import { type ClusterInfo, listNodeSummaries, type Provider } from "./provider.ts";

export interface KubeconfigOptions {
  path?: string;
  content?: string;
  context?: string;
}

export function kubeconfigProvider(options: KubeconfigOptions): Provider {
  let written: string | null = null;
  let path = options.path;
  const describeNodes = () =>
    listNodeSummaries("kubeconfig provider", { path, context: options.context });
  return {
    kind: "kubeconfig",
    async create(): Promise<ClusterInfo> {
      if (options.content === undefined && options.path === undefined && !process.env.KUBECONFIG) {
        throw new Error(
          "kubeconfig provider: give a kubeconfig path or its content (or set KUBECONFIG)",
        );
      }
      const writePrivate = async (text: string) => {
        const dir = await mkdtemp(join(tmpdir(), "meshbench-kubeconfig-"));
        written = join(dir, "kubeconfig");
        await writeFile(written, text, { mode: 0o600 });
        return written;
      };
      if (options.content !== undefined) {
        loadKubeConfig({ content: options.content, context: options.context }); // fails early, clearly
        path = await writePrivate(options.content);
      }
      if (path === undefined) {
        // KUBECONFIG may list several files, which kubectl (and client-node's
        // loadFromDefault) merge: the run gets one private file holding the merge.
        const files = process.env.KUBECONFIG!.split(delimiter).filter(Boolean);
        path =
          files.length === 1
            ? files[0]!
            : await writePrivate(loadKubeConfig({ context: options.context }).exportConfig());
      }
      const kc = loadKubeConfig({ path, context: options.context });
      return {
        provider: "kubeconfig",
        name: kc.getCurrentContext(),
        kubeconfigPath: path,
        context: options.context,
        nodes: await describeNodes(),
      };
    },
    async destroy(): Promise<void> {
      if (written) await rm(join(written, ".."), { recursive: true, force: true });
      written = null;
    },
    describeNodes,
  };
}
