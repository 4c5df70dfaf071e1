// Create, read, list, patch (server-side apply, merge), replace and delete, with the
// semantics clients rely on: 201 on create, 409 on a second create or a stale
// resourceVersion, 422 for invalid names/labels/too-large ConfigMaps, list pagination
// with continue tokens, and delete propagation (Jobs orphan their pods by default).

import { ENFORCE, levelOf, type PodSecurityLevel, refusal } from "./pod-security.ts";
import {
  apiVersionOf,
  CRD_CLEANUP_FINALIZER,
  customResources,
  type ResourceType,
} from "./resources.ts";
import { compileFieldSelector, compileSelector } from "./selector.ts";
import { ApiError, badRequest, conflict, failure, notFound, success } from "./status.ts";
import { type KObject, resourceOf, type Store } from "./store.ts";
import { validate } from "./validation.ts";

/** JSON merge patch (RFC 7386): objects merge, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export interface ListQuery {
  labelSelector: string | null;
  fieldSelector: string | null;
  limit: number;
  continueToken: string | null;
}

export function list(store: Store, r: ResourceType, ns: string | undefined, q: ListQuery) {
  let match: (o: KObject) => boolean;
  try {
    const labels = compileSelector(q.labelSelector);
    const fields = compileFieldSelector(q.fieldSelector);
    match = (o) => labels(o.metadata.labels) && fields(o);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const all = store.list(r, ns).filter(match);
  let start = 0;
  let revision = store.revisionNow;
  if (q.continueToken) {
    try {
      const token = JSON.parse(Buffer.from(q.continueToken, "base64url").toString());
      start = token.start;
      revision = token.rv;
    } catch {
      throw badRequest("continue key is not valid: illegal base64 data");
    }
  }
  const end = q.limit > 0 ? start + q.limit : all.length;
  const items = all.slice(start, end).map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  const metadata: Record<string, unknown> = { resourceVersion: revision };
  if (end < all.length) {
    metadata.continue = Buffer.from(JSON.stringify({ start: end, rv: revision })).toString(
      "base64url",
    );
    metadata.remainingItemCount = all.length - end;
  }
  return {
    kind: `${r.kind}List`,
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    metadata,
    items,
  };
}

function checkBody(r: ResourceType, body: KObject, urlName?: string): void {
  const want = r.group ? `${r.group}/${r.version}` : r.version;
  if (!body || typeof body !== "object" || !body.metadata)
    throw badRequest("Object 'metadata' is missing");
  if (body.kind && body.kind !== r.kind)
    throw badRequest(
      `the kind "${body.kind}" does not match the resource ${r.plural} (expected ${r.kind})`,
    );
  if (body.apiVersion && body.apiVersion !== want)
    throw badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`,
    );
  if (urlName !== undefined && body.metadata.name && body.metadata.name !== urlName)
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${urlName})`,
    );
}

const LEVELS: PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/** Pod Security admission on a create: a pod against its namespace's level; a namespace's label against a lock. */
function admit(store: Store, r: ResourceType, ns: string | undefined, o: KObject): void {
  const forbidden = (message: string) =>
    new ApiError(failure(403, message, { reason: "Forbidden" }));
  if (r.kind === "Pod") {
    const labels = store.get(resourceOf("namespaces"), undefined, ns ?? "")?.metadata.labels;
    const refused = refusal(levelOf(labels, store.podSecurity.level), o.metadata.name, o.spec);
    if (refused) throw forbidden(refused);
  }
  if (r.kind === "Namespace" && store.podSecurity.locked) {
    const wanted = levelOf(o.metadata.labels, store.podSecurity.level);
    if (LEVELS.indexOf(wanted) < LEVELS.indexOf(store.podSecurity.level))
      throw forbidden(
        `admission webhook "validate.kyverno.svc-fail" denied the request: policy Namespace/${o.metadata.name} for resource violation: restrict-pod-security-labels: namespaces may not set ${ENFORCE} below "${store.podSecurity.level}" (got "${wanted}")`,
      );
  }
}

export function create(
  store: Store,
  r: ResourceType,
  ns: string | undefined,
  body: KObject,
  { dryRun = false } = {},
): KObject {
  checkBody(r, body);
  if (ns !== undefined && body.metadata.namespace && body.metadata.namespace !== ns)
    throw badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  if (r.namespaced && ns) {
    const namespace = store.get(resourceOf("namespaces"), undefined, ns);
    if (!namespace) throw notFound("", "namespaces", ns);
    if (namespace.metadata.deletionTimestamp)
      throw new ApiError(
        failure(
          403,
          `${r.plural} "${body.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          { reason: "Forbidden" },
        ),
      );
  }
  const o = structuredClone(body);
  validate(r, o);
  admit(store, r, ns, o);
  delete o.status;
  if (r.kind === "Namespace") o.status = { phase: "Active" };
  // A pod starts Pending with empty conditions, as the API server stores it.
  if (r.kind === "Pod") o.status = { phase: "Pending", conditions: [] };
  // dryRun=All: admitted and validated, answered as created, never stored.
  if (dryRun) return { ...o, apiVersion: apiVersionOf(r), kind: r.kind };
  return store.create(r, ns, o);
}

function managedEntry(manager: string, operation: "Apply" | "Update", r: ResourceType) {
  return {
    manager,
    operation,
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    fieldsType: "FieldsV1",
    fieldsV1: {},
  };
}

export interface PatchRequest {
  contentType: string;
  body: KObject;
  fieldManager: string | null;
  force: boolean;
}

/** PATCH: server-side apply (creates when missing) or JSON merge patch. */
export function patch(
  store: Store,
  r: ResourceType,
  ns: string | undefined,
  name: string,
  p: PatchRequest,
): { object: KObject; created: boolean } {
  const type = p.contentType.split(";")[0]!.trim();
  if (type === "application/apply-patch+yaml") {
    if (!p.fieldManager)
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    checkBody(r, p.body, name);
    if (!p.body.apiVersion || !p.body.kind)
      throw badRequest("apiVersion and kind must be set in an apply patch");
    const existing = store.get(r, ns, name);
    if (!existing) {
      const created = create(store, r, ns, { ...p.body, metadata: { ...p.body.metadata, name } });
      created.metadata.managedFields = [managedEntry(p.fieldManager, "Apply", r)];
      return { object: created, created: true };
    }
    const { status: _ignored, ...applied } = p.body;
    const merged = mergePatch(existing, stripNulls(applied)) as KObject;
    merged.metadata.managedFields = [
      ...(existing.metadata.managedFields ?? []).filter(
        (m) => (m as { manager: string }).manager !== p.fieldManager,
      ),
      managedEntry(p.fieldManager, "Apply", r),
    ];
    return { object: replace(store, r, existing, merged), created: false };
  }
  if (
    type === "application/merge-patch+json" ||
    type === "application/strategic-merge-patch+json"
  ) {
    const existing = store.mustGet(r, ns, name);
    const wanted = p.body.metadata?.resourceVersion;
    if (wanted && wanted !== existing.metadata.resourceVersion)
      throw conflict(r.group, r.plural, name);
    const merged = mergePatch(existing, p.body) as KObject;
    return { object: replace(store, r, existing, merged), created: false };
  }
  throw new ApiError(
    failure(
      415,
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
    ),
  );
}

function stripNulls(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(stripNulls);
  if (o && typeof o === "object")
    return Object.fromEntries(
      Object.entries(o)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, stripNulls(v)]),
    );
  return o;
}

/** PUT, and the tail of every patch: identity fields are kept, metadata validated. */
export function replace(store: Store, r: ResourceType, existing: KObject, next: KObject): KObject {
  if (
    next.metadata.resourceVersion &&
    next.metadata.resourceVersion !== existing.metadata.resourceVersion
  )
    throw conflict(r.group, r.plural, existing.metadata.name);
  for (const f of [
    "uid",
    "creationTimestamp",
    "namespace",
    "name",
    "generation",
    "deletionTimestamp",
  ] as const)
    (next.metadata as Record<string, unknown>)[f] = existing.metadata[f];
  next.apiVersion = existing.apiVersion;
  next.kind = existing.kind;
  validate(r, next);
  const specChanged = JSON.stringify(next.spec) !== JSON.stringify(existing.spec);
  return store.put(r, next, { specChanged });
}

export type Propagation = "Foreground" | "Background" | "Orphan";

/** Default propagation as the API server applies it per kind (Jobs and Pods of them orphan). */
const DEFAULT_PROPAGATION: Record<string, Propagation> = { Job: "Orphan" };

/** The custom resources a CustomResourceDefinition's kind has on the cluster. */
export function definedObjects(store: Store, crd: KObject): [ResourceType, KObject][] {
  const [r] = customResources([crd]);
  return r ? store.list(r).map((o): [ResourceType, KObject] => [r, o]) : [];
}

export function remove(
  store: Store,
  r: ResourceType,
  ns: string | undefined,
  name: string,
  policy: Propagation | null,
): { code: number; body: unknown } {
  const o = store.mustGet(r, ns, name);
  const effective = policy ?? DEFAULT_PROPAGATION[r.kind] ?? "Background";
  if (r.kind === "Namespace") {
    // Namespaces go through Terminating while the namespace controller empties them.
    o.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
    o.status = { phase: "Terminating" };
    o.spec = { finalizers: ["kubernetes"] };
    return { code: 200, body: store.put(r, o) };
  }
  const holds = r.kind === "CustomResourceDefinition" && definedObjects(store, o).length > 0;
  if (holds || (r.custom && o.metadata.finalizers?.length)) {
    // A definition is finalized while the API server deletes its objects (customResources,
    // Controller); a custom resource with finalizers waits for its controller to remove them.
    o.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
    if (r.kind === "CustomResourceDefinition")
      o.metadata.finalizers = [
        ...new Set([...(o.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER]),
      ];
    return { code: 200, body: store.put(r, o) };
  }
  if (effective === "Foreground") {
    o.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
    o.metadata.finalizers = [...new Set([...(o.metadata.finalizers ?? []), "foregroundDeletion"])];
    return { code: 200, body: store.put(r, o) };
  }
  if (effective === "Orphan") {
    for (const [dr, d] of ns ? store.inNamespace(ns) : []) {
      const refs = d.metadata.ownerReferences ?? [];
      if (refs.some((ref) => ref.uid === o.metadata.uid)) {
        d.metadata.ownerReferences = refs.filter((ref) => ref.uid !== o.metadata.uid);
        store.put(dr, d);
      }
    }
  }
  store.remove(r, ns, name);
  if (r.kind === "Pod") return { code: 200, body: o };
  return { code: 200, body: success(r.group, r.plural, name, o.metadata.uid) };
}
