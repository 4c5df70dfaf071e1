// Reading pods the way a person would want them explained: is it ready, and if not, why
// (unschedulable, waiting, crashing, not ready, missing its mesh proxy), with its last
// events. Pure helpers plus the one call that fetches a pod's events.
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";

export const podName = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

export const isReady = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

export const containerNames = (p: V1Pod): string[] => [
  ...(p.spec?.containers ?? []).map((c) => c.name),
  // Native sidecars (Istio, Linkerd with their native-sidecar option) are init containers.
  ...(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name),
];

/** Why a pod is not ready and meshed, or null when it is. */
export function problem(p: V1Pod, expectContainers: string[] = []): string | null {
  const missing = expectContainers.filter((c) => !containerNames(p).includes(c));
  if (missing.length > 0)
    return `not meshed: no ${missing.join(", ")} container (was the namespace labelled before the pod was created?)`;
  if (isReady(p)) return null;
  const unscheduled = p.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False",
  );
  if (unscheduled)
    return `unschedulable: ${unscheduled.message ?? unscheduled.reason ?? "no node fits"}`;
  for (const s of [
    ...(p.status?.initContainerStatuses ?? []),
    ...(p.status?.containerStatuses ?? []),
  ]) {
    if (s.state?.waiting)
      return `container ${s.name} waiting: ${s.state.waiting.reason ?? ""}${s.state.waiting.message ? ` (${s.state.waiting.message})` : ""}`;
    if (s.state?.terminated)
      return `container ${s.name} terminated: ${s.state.terminated.reason ?? `exit ${s.state.terminated.exitCode}`}`;
    if (!s.ready)
      return `container ${s.name} running but not ready${s.restartCount ? ` (${s.restartCount} restarts)` : ""}`;
  }
  return `phase ${p.status?.phase ?? "unknown"}`;
}

export const formatEvent = (e: CoreV1Event): string =>
  `${e.type ?? "Normal"} ${e.reason ?? ""}: ${e.message ?? ""}`.trim();

/** The pod's last `n` events, oldest first. */
export async function lastEvents(kube: Kube, p: V1Pod, n = 3): Promise<string[]> {
  const namespace = p.metadata?.namespace ?? "default";
  const events = await kube.call(`list events of ${podName(p)}`, () =>
    kube.core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.name=${p.metadata?.name}`,
    }),
  );
  // client-node hands timestamps back as Dates: compare their times (as strings they would
  // sort by weekday name). An event without any time sorts first.
  const when = (e: CoreV1Event) => {
    const t = new Date(
      e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? Number.NaN,
    ).getTime();
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  return events.items
    .filter((e) => e.involvedObject?.uid === undefined || e.involvedObject.uid === p.metadata?.uid)
    .sort((a, b) => {
      const d = when(a) - when(b);
      return Number.isNaN(d) ? 0 : d;
    })
    .slice(-n)
    .map(formatEvent);
}
