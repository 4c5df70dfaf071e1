// The fake's state: objects by resource, namespace and name, with the metadata a real
// API server fills in (uid, resourceVersion, creationTimestamp, generation where real).
import { randomUUID } from "node:crypto";
import type { PodSecurityLevel } from "./pod-security.ts";
import { apiVersionOf, RESOURCES, type ResourceType } from "./resources.ts";
import { alreadyExists, notFound } from "./status.ts";

export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }[];
    finalizers?: string[];
    managedFields?: unknown[];
    generateName?: string;
  };
  // biome-ignore lint/suspicious/noExplicitAny: objects of every kind live here
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: objects of every kind live here
  status?: any;
  [field: string]: unknown;
};

const key = (r: ResourceType, ns: string | undefined, name: string) =>
  `${r.group}/${r.plural}/${r.namespaced ? (ns ?? "") : ""}/${name}`;

/** Kinds whose objects carry metadata.generation (on a real cluster Pods etc. do not). */
const GENERATION_KINDS = new Set(["Deployment", "DaemonSet", "Job"]);

export const resourceOf = (plural: string, group = ""): ResourceType =>
  RESOURCES.find((r) => r.plural === plural && r.group === group && !r.readOnly)!;

export class Store {
  private objects = new Map<string, KObject>();
  /**
   * Pod Security admission: the level of namespaces without an enforce label (the
   * cluster's AdmissionConfiguration default), and whether a policy forbids namespaces to
   * set a level below it.
   */
  podSecurity: { level: PodSecurityLevel; locked: boolean } = {
    level: "privileged",
    locked: false,
  };
  private revision = 1000;

  nextRevision(): string {
    return String(++this.revision);
  }

  get revisionNow(): string {
    return String(this.revision);
  }

  get(r: ResourceType, ns: string | undefined, name: string): KObject | undefined {
    return this.objects.get(key(r, ns, name));
  }

  mustGet(r: ResourceType, ns: string | undefined, name: string): KObject {
    const o = this.get(r, ns, name);
    if (!o) throw notFound(r.group, r.plural, name);
    return o;
  }

  /** Objects of a resource in a namespace (all namespaces when ns is undefined), sorted. */
  list(r: ResourceType, ns?: string): KObject[] {
    const prefix = `${r.group}/${r.plural}/${r.namespaced && ns !== undefined ? `${ns}/` : ""}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => o);
  }

  create(r: ResourceType, ns: string | undefined, input: KObject): KObject {
    const o = structuredClone(input);
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    if (!o.metadata.name && o.metadata.generateName)
      o.metadata.name = `${o.metadata.generateName}${randomUUID().slice(0, 5)}`;
    if (r.namespaced) o.metadata.namespace = ns;
    else delete o.metadata.namespace;
    if (this.get(r, ns, o.metadata.name)) throw alreadyExists(r.group, r.plural, o.metadata.name);
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    o.metadata.resourceVersion = this.nextRevision();
    if (GENERATION_KINDS.has(r.kind)) o.metadata.generation = 1;
    else delete o.metadata.generation;
    this.objects.set(key(r, ns, o.metadata.name), o);
    return o;
  }

  /** Replaces an object's content (spec changes bump generation, as on a real server). */
  put(r: ResourceType, o: KObject, { specChanged = false } = {}): KObject {
    o.metadata.resourceVersion = this.nextRevision();
    if (specChanged && o.metadata.generation !== undefined) o.metadata.generation++;
    this.objects.set(key(r, o.metadata.namespace, o.metadata.name), o);
    return o;
  }

  /** Every object, sorted by key, as JSON: equal snapshots mean nothing was changed. */
  snapshot(): string {
    return JSON.stringify([...this.objects.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  remove(r: ResourceType, ns: string | undefined, name: string): boolean {
    return this.objects.delete(key(r, ns, name));
  }

  /** Every stored object in a namespace (namespace deletion empties it). */
  inNamespace(ns: string): [ResourceType, KObject][] {
    const out: [ResourceType, KObject][] = [];
    for (const r of RESOURCES) {
      if (!r.namespaced || r.readOnly) continue;
      for (const o of this.list(r, ns)) out.push([r, o]);
    }
    return out;
  }

  /** A core/v1 Event about an object, as the kubelet and controllers record them. */
  event(
    involved: KObject,
    reason: string,
    message: string,
    type: "Normal" | "Warning" = "Normal",
  ): void {
    const ns = involved.metadata.namespace ?? "default";
    const now = new Date().toISOString();
    this.create(resourceOf("events"), ns, {
      metadata: {
        name: `${involved.metadata.name}.${randomUUID().slice(0, 16).replace(/-/g, "")}`,
      },
      involvedObject: {
        kind: involved.kind,
        namespace: ns,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now.replace(/\.\d+Z$/, "Z"),
      lastTimestamp: now.replace(/\.\d+Z$/, "Z"),
      source: { component: "fake-kube" },
    });
  }
}
