// A mesh CLI's output (`linkerd install`, `linkerd uninstall`) applied to or deleted from
// the cluster in-process, as `| kubectl apply -f -` would, without a shell or kubectl:
// YAML documents parsed here, labelled with the run's labels (so cleanup finds them, the
// cluster-scoped ones included), and applied with server-side apply in a safe order —
// CustomResourceDefinitions first and waited for until Established, then namespaces,
// accounts and config, workloads, custom resources, and admission webhooks last (so a
// webhook never points at a service that does not exist yet).
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { applyObjects, describe } from "../../kube/apply.ts";
import type { Kube } from "../../kube/client.ts";
import { isConflict, isNotFound } from "../../kube/errors.ts";
import { isMeshbenchs, planApply, readExisting } from "./existing.ts";

/**
 * Install order by kind (Helm's, which kubectl users rely on); unknown kinds (custom resources)
 * come before the webhooks.
 */
const ORDER = [
  "CustomResourceDefinition",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
];
const LAST = ["APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  if (i >= 0) return i;
  const j = LAST.indexOf(kind);
  return j >= 0 ? ORDER.length + 1 + j : ORDER.length;
}

/** Objects in the order they are applied (stable within a kind); deletion goes in reverse. */
export function installOrder(objects: KubernetesObject[]): KubernetesObject[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o.kind ?? "") - rank(b.o.kind ?? "") || a.i - b.i)
    .map(({ o }) => o);
}

/**
 * Every object of a multi-document YAML stream (`kind: List` unpacked); `what` names the source.
 */
export function parseManifest(text: string, what: string): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if ("errors" in doc && doc.errors.length > 0)
      throw new Error(`${what}: document ${i + 1} is not valid YAML: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) return;
    const items =
      (value as { kind?: string }).kind?.endsWith("List") &&
      Array.isArray((value as { items?: unknown }).items)
        ? (value as { items: unknown[] }).items
        : [value];
    for (const item of items) {
      const o = item as KubernetesObject;
      if (!o || typeof o !== "object" || !o.apiVersion || !o.kind || !o.metadata?.name)
        throw new Error(
          `${what}: document ${i + 1} is not a Kubernetes object (it needs apiVersion, kind and metadata.name)`,
        );
      out.push(o);
    }
  });
  return out;
}

export interface ApplyManifestOptions {
  /** Take over objects that were there before the run (cluster.adoptExisting). */
  adoptExisting?: boolean;
  /** Told each object left alone: there before the run, and already as wanted. */
  onKept?: (what: string) => void;
  /** How long a CustomResourceDefinition may take to be Established (default 60 s). */
  crdTimeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

const established = (crd: KubernetesObject) =>
  (
    (crd as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ??
    []
  ).some((c) => c.type === "Established" && c.status === "True");

/** Applies the objects labelled with the run, CRDs first (and Established before the rest). */
export async function applyManifest(
  kube: Kube,
  objects: KubernetesObject[],
  runId: string,
  options: ApplyManifestOptions = {},
): Promise<KubernetesObject[]> {
  // Everything is looked at before anything is applied: a refusal changes nothing.
  const ordered: KubernetesObject[] = [];
  for (const o of installOrder(objects)) {
    if ((await planApply(kube, o, options.adoptExisting ?? false)) === "apply") ordered.push(o);
    else options.onKept?.(describe(o));
  }
  const crds = ordered.filter((o) => o.kind === "CustomResourceDefinition");
  const rest = ordered.filter((o) => o.kind !== "CustomResourceDefinition");
  const out: KubernetesObject[] = [];
  for (const crd of crds) out.push(...(await applyObjects(kube, [crd], runId)));
  if (crds.length > 0) await waitEstablished(kube, crds, options);
  // One at a time, in order (applyObjects would move namespaces first, which they are).
  for (const o of rest) out.push(...(await applyObjects(kube, [o], runId)));
  return out;
}

async function waitEstablished(
  kube: Kube,
  crds: KubernetesObject[],
  options: ApplyManifestOptions,
): Promise<void> {
  const deadline = Date.now() + (options.crdTimeoutMs ?? 60_000);
  let waiting = crds;
  for (;;) {
    const now = await Promise.all(
      waiting.map((c) =>
        kube.call(`read ${describe(c)}`, () =>
          kube.objects.read({
            apiVersion: c.apiVersion,
            kind: c.kind,
            metadata: { name: c.metadata!.name! },
          }),
        ),
      ),
    );
    waiting = waiting.filter((_, i) => !established(now[i]!));
    if (waiting.length === 0) return;
    if (Date.now() > deadline || options.signal?.aborted)
      throw new Error(
        `custom resource definitions not Established after ${Math.round((options.crdTimeoutMs ?? 60_000) / 1000)}s: ${waiting.map((c) => c.metadata?.name).join(", ")}`,
      );
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}

/**
 * Deletes the objects, last-applied first; what is already gone is not an error, and what
 * is not meshbench's (there before any run) is left alone.
 */
export async function deleteManifest(kube: Kube, objects: KubernetesObject[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const o of installOrder(objects).reverse()) {
    const existing = await readExisting(kube, o);
    if (!existing || !isMeshbenchs(existing)) continue;
    try {
      await kube.call(`delete ${describe(o)}`, () =>
        kube.objects.delete(o, undefined, undefined, undefined, undefined, "Background"),
      );
      deleted.push(describe(o));
    } catch (error) {
      // Gone already, or its kind is (its CustomResourceDefinition was deleted first), or
      // going (a namespace being emptied answers 409 to another delete).
      const unknownKind = /Unrecognized API version and kind/.test((error as Error).message);
      if (!isNotFound(error) && !isConflict(error) && !unknownKind) throw error;
    }
  }
  return deleted;
}
