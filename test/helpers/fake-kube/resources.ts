// The API resources the fake serves, as a real API server describes them in discovery
// (/api/v1, /apis/<group>/<version>): client-node's KubernetesObjectApi and kubectl both
// look resources up there before they touch them.

export interface ResourceType {
  group: string; // "" for core
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Read-only resources (pod metrics) are computed, never stored. */
  readOnly?: boolean;
  subresources?: string[];
  /** Served for a CustomResourceDefinition (customResources). */
  custom?: boolean;
}

export const RESOURCES: ResourceType[] = [
  {
    group: "",
    version: "v1",
    plural: "namespaces",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
  },
  {
    group: "",
    version: "v1",
    plural: "nodes",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
  },
  {
    group: "",
    version: "v1",
    plural: "pods",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    subresources: ["log", "status"],
  },
  {
    group: "",
    version: "v1",
    plural: "services",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
  },
  {
    group: "",
    version: "v1",
    plural: "serviceaccounts",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
  },
  {
    group: "",
    version: "v1",
    plural: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
  },
  {
    group: "",
    version: "v1",
    plural: "events",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
  },
  {
    // Kinds a mesh install may bring (field names that client-node's models rename: `default`).
    group: "",
    version: "v1",
    plural: "limitranges",
    kind: "LimitRange",
    namespaced: true,
    shortNames: ["limits"],
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    plural: "networkpolicies",
    kind: "NetworkPolicy",
    namespaced: true,
    shortNames: ["netpol"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "deployments",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
    subresources: ["status"],
  },
  {
    group: "apps",
    version: "v1",
    plural: "daemonsets",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
    subresources: ["status"],
  },
  {
    group: "batch",
    version: "v1",
    plural: "jobs",
    kind: "Job",
    namespaced: true,
    subresources: ["status"],
  },
  {
    // A mesh's install brings its own kinds; the fake serves the definitions (cluster-scoped,
    // Established by the control loop), not the custom resources themselves.
    group: "apiextensions.k8s.io",
    version: "v1",
    plural: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    namespaced: false,
    shortNames: ["crd", "crds"],
    subresources: ["status"],
  },
  {
    // The other cluster-scoped kinds a mesh install brings (and a crashed run may leave).
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterroles",
    kind: "ClusterRole",
    namespaced: false,
  },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "clusterrolebindings",
    kind: "ClusterRoleBinding",
    namespaced: false,
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    plural: "mutatingwebhookconfigurations",
    kind: "MutatingWebhookConfiguration",
    namespaced: false,
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    plural: "validatingwebhookconfigurations",
    kind: "ValidatingWebhookConfiguration",
    namespaced: false,
  },
  {
    group: "apiregistration.k8s.io",
    version: "v1",
    plural: "apiservices",
    kind: "APIService",
    namespaced: false,
    subresources: ["status"],
  },
  {
    group: "metrics.k8s.io",
    version: "v1beta1",
    plural: "pods",
    kind: "PodMetrics",
    namespaced: true,
    readOnly: true,
  },
];

/** What the API server finalizes a CustomResourceDefinition with while it deletes its objects. */
export const CRD_CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

/**
 * The custom resources Established CustomResourceDefinitions serve, one per served version
 * (all versions share one store: conversion is the identity here).
 */
export function customResources(
  crds: readonly {
    spec?: {
      group?: string;
      scope?: string;
      names?: { plural?: string; kind?: string };
      versions?: { name: string; served?: boolean }[];
    };
    status?: { conditions?: { type: string; status: string }[] };
  }[],
): ResourceType[] {
  return crds
    .filter((c) =>
      c.status?.conditions?.some((k) => k.type === "Established" && k.status === "True"),
    )
    .flatMap((c) =>
      (c.spec?.versions ?? [])
        .filter((v) => v.served !== false)
        .map((v) => ({
          group: c.spec?.group ?? "",
          version: v.name,
          plural: c.spec?.names?.plural ?? "",
          kind: c.spec?.names?.kind ?? "",
          namespaced: c.spec?.scope !== "Cluster",
          custom: true,
        })),
    );
}

export const apiVersionOf = (r: ResourceType): string =>
  r.group ? `${r.group}/${r.version}` : r.version;

export function findResource(
  group: string,
  version: string,
  plural: string,
  among: readonly ResourceType[] = RESOURCES,
): ResourceType | undefined {
  return among.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

const VERBS_RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update"];

/** GET /api/v1 or /apis/<group>/<version>: an APIResourceList. */
export function resourceList(group: string, version: string, groups: ResourceType[]) {
  const resources = groups
    .filter((r) => r.group === group && r.version === version)
    .flatMap((r) => [
      {
        name: r.plural,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.readOnly ? ["get", "list"] : VERBS_RW,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      },
      ...(r.subresources ?? []).map((s) => ({
        name: `${r.plural}/${s}`,
        singularName: "",
        namespaced: r.namespaced,
        kind: s === "log" ? "Pod" : r.kind,
        verbs: s === "log" ? ["get"] : ["get", "patch", "update"],
      })),
    ]);
  if (resources.length === 0) return null;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** GET /apis: the APIGroupList (legacy, unaggregated discovery; clients fall back to it). */
export function groupList(groups: ResourceType[]) {
  const names = [...new Set(groups.filter((r) => r.group).map((r) => r.group))];
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: names.map((name) => {
      const version = groups.find((r) => r.group === name)!.version;
      const gv = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}
