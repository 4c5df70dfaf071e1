// Where a pod may run, by the rules the scheduler applies first: nodeSelector, required
// node affinity, and taints the pod does not tolerate. Enough to check that workloads
// stay off the load-generator node and the load generator lands on it.
import type { KObject } from "./store.ts";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}
interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: string;
}
interface Expression {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

const tolerates = (tolerations: Toleration[], t: Taint) =>
  tolerations.some(
    (tol) =>
      (!tol.effect || tol.effect === t.effect) &&
      (tol.operator === "Exists"
        ? !tol.key || tol.key === t.key
        : tol.key === t.key && (tol.value ?? "") === (t.value ?? "")),
  );

function matches(e: Expression, labels: Record<string, string>): boolean {
  const has = e.key in labels;
  switch (e.operator) {
    case "In":
      return has && (e.values ?? []).includes(labels[e.key]!);
    case "NotIn":
      return !has || !(e.values ?? []).includes(labels[e.key]!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
  }
}

/** Why a node does not fit the pod, or null when it does. */
export function misfit(pod: KObject, node: KObject): string | null {
  const labels = node.metadata.labels ?? {};
  if (node.spec?.unschedulable) return "node(s) were unschedulable";
  for (const [k, v] of Object.entries((pod.spec?.nodeSelector ?? {}) as Record<string, string>))
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms as { matchExpressions?: Expression[] }[] | undefined;
  if (
    terms?.length &&
    !terms.some((t) => (t.matchExpressions ?? []).every((e) => matches(e, labels)))
  )
    return "node(s) didn't match Pod's node affinity/selector";
  for (const t of (node.spec?.taints ?? []) as Taint[]) {
    if (t.effect === "PreferNoSchedule") continue;
    if (!tolerates(pod.spec?.tolerations ?? [], t))
      return `node(s) had untolerated taint {${t.key}: ${t.value ?? ""}}`;
  }
  return null;
}

/** The first fitting node, or the scheduler's FailedScheduling message. */
export function schedule(pod: KObject, nodes: KObject[]): { node: string } | { message: string } {
  const reasons = new Map<string, number>();
  for (const node of nodes) {
    const why = misfit(pod, node);
    if (!why) return { node: node.metadata.name };
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const detail = [...reasons].map(([why, n]) => `${n} ${why}`).join(", ");
  return { message: `0/${nodes.length} nodes are available: ${detail}.` };
}
