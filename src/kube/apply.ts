// Server-side apply of typed objects under meshbench's field manager, each labelled with
// the run's labels first (pod templates too, so every pod of a run can be found). The
// objects reach the server as their JSON, unchanged (see object-api.ts for why not
// client-node's own patch).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Kube } from "./client.ts";
import { runLabels } from "./labels.ts";
import { refuseForeignNamespaces } from "./namespaces.ts";

export const FIELD_MANAGER = "meshbench";

/** Something that is a Kubernetes object, or renders to one (kubernetes-models' toJSON). */
export type ObjectLike = KubernetesObject | { toJSON(): unknown };

const plain = (o: ObjectLike): KubernetesObject =>
  structuredClone(
    ("toJSON" in o && typeof o.toJSON === "function" ? o.toJSON() : o) as KubernetesObject,
  );

/** A copy of `o` with the run's labels on it and on its pod template, if any. */
export function labelled(o: ObjectLike, runId: string): KubernetesObject {
  const out = plain(o);
  const labels = runLabels(runId);
  out.metadata = { ...out.metadata, labels: { ...out.metadata?.labels, ...labels } };
  const template = (
    out as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }
  ).spec?.template;
  if (template)
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, ...labels },
    };
  return out;
}

export const describe = (o: KubernetesObject): string =>
  `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;

/**
 * Applies objects in order, namespaces first; returns what the server made of them. A
 * namespace that exists and is not meshbench's is refused (namespaces.ts).
 */
export async function applyObjects(
  kube: Kube,
  objects: ObjectLike[],
  runId: string,
  fieldManager = FIELD_MANAGER,
): Promise<KubernetesObject[]> {
  const ready = objects.map((o) => labelled(o, runId));
  const ordered = [
    ...ready.filter((o) => o.kind === "Namespace"),
    ...ready.filter((o) => o.kind !== "Namespace"),
  ];
  // Forced apply would adopt a user's namespace of the same name: refuse before applying anything.
  await refuseForeignNamespaces(
    kube,
    ordered.filter((o) => o.kind === "Namespace").map((o) => o.metadata?.name ?? ""),
  );
  const out: KubernetesObject[] = [];
  for (const o of ordered) {
    out.push(
      await kube.call(`apply ${describe(o)}`, () =>
        kube.objects.apply(o, { fieldManager, force: true }),
      ),
    );
  }
  return out;
}

/**
 * Applies objects that are not the run's (e.g. metrics-server on a kind cluster): no run
 * labels, so that cleanup by label leaves them alone.
 */
export async function applyUnlabelled(
  kube: Kube,
  objects: ObjectLike[],
): Promise<KubernetesObject[]> {
  const out: KubernetesObject[] = [];
  for (const o of objects.map(plain)) {
    out.push(
      await kube.call(`apply ${describe(o)}`, () =>
        kube.objects.apply(o, { fieldManager: FIELD_MANAGER, force: true }),
      ),
    );
  }
  return out;
}

/** Deletes one object, dependents in the background (Jobs would orphan their pods otherwise). */
export async function deleteObject(kube: Kube, o: KubernetesObject): Promise<void> {
  await kube.call(`delete ${describe(o)}`, () =>
    kube.objects.delete(o, undefined, undefined, undefined, undefined, "Background"),
  );
}
