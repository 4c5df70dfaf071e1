// The cluster side of building one: wait until the expected nodes have registered and are
// Ready (after a reboot: Ready *and* reporting the new boot id, since a node keeps its old
// Ready condition for some 40 s after its kubelet went quiet), and label them.
import { PatchStrategy, type V1Node } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";

export interface WaitNodesOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Node name → the boot id it must report (status.nodeInfo.bootID). */
  bootIds?: Record<string, string>;
}

function notYet(node: V1Node | undefined, bootId: string | undefined): string | null {
  if (!node) return "not registered";
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True")
    return `Ready=${ready?.status ?? "unknown"}${ready?.reason ? ` (${ready.reason}: ${ready.message ?? ""})` : ""}`;
  if (bootId && node.status?.nodeInfo?.bootID !== bootId)
    return `still reports the boot before the reboot (${node.status?.nodeInfo?.bootID ?? "none"})`;
  return null;
}

/** Resolves with the nodes once every named one is Ready; a timeout says what each lacks. */
export async function waitForNodes(
  kube: Kube,
  names: readonly string[],
  options: WaitNodesOptions,
): Promise<V1Node[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const nodes = (await kube.call("list nodes", () => kube.core.listNode())).items;
    const byName = new Map(nodes.map((n) => [n.metadata?.name ?? "", n]));
    const waiting = names
      .map((name) => [name, notYet(byName.get(name), options.bootIds?.[name])] as const)
      .filter(([, why]) => why !== null);
    if (waiting.length === 0) return nodes;
    if (Date.now() > deadline)
      throw new Error(
        `nodes not Ready after ${Math.round(options.timeoutMs / 1000)}s: ${waiting.map(([n, why]) => `${n}: ${why}`).join("; ")}; see "journalctl -u k3s-agent" on those hosts`,
      );
    await new Promise((r) => setTimeout(r, options.pollMs ?? 3_000));
  }
}

/** Adds the labels to each node (a merge patch: other labels stay). */
export async function labelNodes(
  kube: Kube,
  labels: readonly { name: string; labels: Record<string, string> }[],
): Promise<void> {
  for (const { name, labels: l } of labels) {
    if (Object.keys(l).length === 0) continue;
    await kube.call(`label node ${name}`, () =>
      kube.objects.patch(
        { apiVersion: "v1", kind: "Node", metadata: { name, labels: l } },
        undefined,
        undefined,
        "meshbench",
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
  }
}
