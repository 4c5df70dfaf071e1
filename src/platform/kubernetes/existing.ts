// Objects that were on the cluster before the run (DESIGN.md: what was there before is
// never touched). A mesh's manifest may hold objects the cluster already has — a Gateway
// API CRD, a cluster role of the same name — and a forced apply would take them over (the
// run's label on them, so cleanup deletes them too). Here: what exists and is not
// meshbench's is left as it is when the install would not change it, refused (naming the
// object and the difference) when it would, and never deleted by an uninstall; only
// cluster.adoptExisting: true lets a run take such objects over.
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe } from "../../kube/apply.ts";
import type { Kube } from "../../kube/client.ts";
import { isNotFound } from "../../kube/errors.ts";
import { MANAGED_BY, MANAGER } from "../../kube/labels.ts";

/** The object as the cluster has it, or null when it has none. */
export async function readExisting(
  kube: Kube,
  o: KubernetesObject,
): Promise<KubernetesObject | null> {
  try {
    return await kube.call(`read ${describe(o)}`, () =>
      kube.objects.readRaw({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: {
          name: o.metadata!.name!,
          ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
        },
      }),
    );
  } catch (error) {
    if (isNotFound(error) || /Unrecognized API version and kind/.test((error as Error).message))
      return null;
    throw error;
  }
}

export const isMeshbenchs = (o: KubernetesObject) => o.metadata?.labels?.[MANAGED_BY] === MANAGER;

const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? "absent";
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * Where the wanted object differs from the existing one (its metadata and status aside):
 * each field the install sets that the cluster has otherwise, with both values. Pure.
 */
export function differences(wanted: unknown, existing: unknown, path = ""): string[] {
  if (wanted !== null && typeof wanted === "object") {
    if (
      Array.isArray(wanted) !== Array.isArray(existing) ||
      existing === null ||
      typeof existing !== "object"
    )
      return [`${path || "."}: ${show(wanted)} wanted, ${show(existing)} on the cluster`];
    if (Array.isArray(wanted) && Array.isArray(existing) && wanted.length !== existing.length)
      return [`${path}: ${wanted.length} items wanted, ${existing.length} on the cluster`];
    return Object.entries(wanted).flatMap(([k, v]) => {
      if (path === "" && (k === "metadata" || k === "status")) return [];
      const at = Array.isArray(wanted) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      return differences(v, (existing as Record<string, unknown>)[k], at);
    });
  }
  return wanted === existing
    ? []
    : [`${path}: ${show(wanted)} wanted, ${show(existing)} on the cluster`];
}

/** An install would change an object the run did not create. */
export class ExistingObjectError extends Error {
  constructor(o: KubernetesObject, diff: string[]) {
    super(
      `${describe(o)} was on the cluster before this run (not created by meshbench) and the install would change it: ${diff.slice(0, 3).join("; ")}${diff.length > 3 ? ` (and ${diff.length - 3} more)` : ""}. meshbench never changes, adopts or deletes what it did not create: use a cluster without it, remove it yourself, or set cluster.adoptExisting: true (the run then takes it over, changes it and deletes it at cleanup)`,
    );
    this.name = "ExistingObjectError";
  }
}

/**
 * What to do with each object of a manifest before it is applied: "apply" (new, or
 * meshbench's, or adoption allowed) or "keep" (someone else's, and already as wanted).
 * Throws ExistingObjectError for someone else's object the install would change.
 */
export async function planApply(
  kube: Kube,
  o: KubernetesObject,
  adoptExisting: boolean,
): Promise<"apply" | "keep"> {
  const existing = await readExisting(kube, o);
  if (!existing || isMeshbenchs(existing) || adoptExisting) return "apply";
  const diff = differences(o, existing);
  if (diff.length === 0) return "keep";
  throw new ExistingObjectError(o, diff);
}
