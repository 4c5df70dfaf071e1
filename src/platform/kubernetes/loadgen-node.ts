// The load-generator node (DESIGN.md, "Load generator isolation"): one schedulable worker
// picked at random per run, labelled meshbench.io/loadgen=<run id> and tainted
// meshbench.io/loadgen=<run id>:NoSchedule so that nothing but the load generator lands
// there; both are undone afterwards. Patches carry the node's resourceVersion, so a
// concurrent change to the node (the kubelet's, another tool's) is re-read, not lost.
import type { V1Node, V1Taint } from "@kubernetes/client-node";
import { PatchStrategy } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { isConflict } from "../../kube/errors.ts";
import { checkRunId, LOADGEN_NODE } from "../../kube/labels.ts";

const CONTROL_PLANE_LABELS = [
  "node-role.kubernetes.io/control-plane",
  "node-role.kubernetes.io/master",
];

/** Why a node cannot be the load-generator node (or hold apps), or null. */
export function unsuitable(node: V1Node): string | null {
  const labels = node.metadata?.labels ?? {};
  if (CONTROL_PLANE_LABELS.some((l) => l in labels)) return "control-plane node";
  if (node.spec?.unschedulable) return "cordoned (unschedulable)";
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready && ready.status !== "True") return "not Ready";
  const blocking = (node.spec?.taints ?? []).find(
    (t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && t.key !== LOADGEN_NODE,
  );
  if (blocking) return `tainted ${blocking.key}:${blocking.effect}`;
  if (LOADGEN_NODE in labels) return `already reserved by run ${labels[LOADGEN_NODE]}`;
  return null;
}

/** Picks a worker at random (random() in [0, 1)); at least one other must remain for apps. */
export function pickLoadgenNode(nodes: V1Node[], random: () => number = Math.random): string {
  const workers = nodes.filter((n) => unsuitable(n) === null).map((n) => n.metadata!.name!);
  if (workers.length < 2) {
    const why = nodes.map((n) => `${n.metadata?.name} (${unsuitable(n) ?? "usable"})`).join(", ");
    throw new Error(
      `the load generator needs a worker node of its own and the apps at least one more; usable workers: ${workers.length} of ${nodes.length}: ${why}`,
    );
  }
  return workers[Math.min(workers.length - 1, Math.floor(random() * workers.length))]!;
}

type NodePatch = { metadata: Record<string, unknown>; spec: Record<string, unknown> };

async function patchNode(
  kube: Kube,
  name: string,
  change: (node: V1Node) => NodePatch,
): Promise<void> {
  for (let tries = 1; ; tries++) {
    const node = await kube.call(`read node ${name}`, () => kube.core.readNode({ name }));
    // change() includes metadata.resourceVersion: a stale one gets a 409 and a re-read.
    const body = change(node);
    try {
      await kube.call(`patch node ${name}`, () =>
        kube.objects.patch(
          {
            apiVersion: "v1",
            kind: "Node",
            metadata: { ...body.metadata, name },
            spec: body.spec,
          } as never,
          undefined,
          undefined,
          "meshbench",
          undefined,
          PatchStrategy.MergePatch,
        ),
      );
      return;
    } catch (error) {
      if (!isConflict(error) || tries >= 5) throw error;
    }
  }
}

const withoutOurs = (taints: V1Taint[] | undefined) =>
  (taints ?? []).filter((t) => t.key !== LOADGEN_NODE);

/** Picks, labels and taints the load-generator node of `runId`; returns its name. */
export async function reserveLoadgenNode(
  kube: Kube,
  runId: string,
  random: () => number = Math.random,
): Promise<string> {
  checkRunId(runId);
  const nodes = await kube.call("list nodes", () => kube.core.listNode());
  const name = pickLoadgenNode(nodes.items, random);
  await patchNode(kube, name, (node) => ({
    metadata: {
      resourceVersion: node.metadata?.resourceVersion,
      labels: { [LOADGEN_NODE]: runId },
    },
    spec: {
      taints: [
        ...withoutOurs(node.spec?.taints),
        { key: LOADGEN_NODE, value: runId, effect: "NoSchedule" },
      ],
    },
  }));
  return name;
}

/** Removes the label and taint from every node reserved by `runId` (by any run if absent). */
export async function releaseLoadgenNodes(kube: Kube, runId?: string): Promise<string[]> {
  const nodes = await kube.call("list nodes", () => kube.core.listNode());
  const ours = (n: V1Node) => {
    const label = n.metadata?.labels?.[LOADGEN_NODE];
    const taint = n.spec?.taints?.find((t) => t.key === LOADGEN_NODE);
    return [label, taint?.value].some(
      (v) => v !== undefined && (runId === undefined || v === runId),
    );
  };
  const released: string[] = [];
  for (const node of nodes.items.filter(ours)) {
    const name = node.metadata!.name!;
    await patchNode(kube, name, (n) => ({
      metadata: { resourceVersion: n.metadata?.resourceVersion, labels: { [LOADGEN_NODE]: null } },
      spec: { taints: withoutOurs(n.spec?.taints) },
    }));
    released.push(name);
  }
  return released;
}
