// The preflight of a cluster run (`meshbench doctor`, and the first phase of `meshbench
// run`): one table of checks, each ok / warn / fail with the fix. Pure: the probes in
// platform/kubernetes/preflight.ts gather the facts, these functions judge them, so every
// rule is tested on values and the table reads the same wherever it is printed.
import { isSupportedNode, MIN_NODE } from "../version.ts";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  /** What is checked, one word or two ("Node", "rights", "nodes", "linkerd on 1.33"). */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (warn and fail). */
  fix?: string;
}

/** The Node.js major version meshbench needs (package.json engines). */
/** The Node row: the same floor as the bundles' own first-line check (src/version.ts). */
export function nodeCheck(version: string): Check {
  return isSupportedNode(version)
    ? { name: "Node", status: "ok", detail: `Node ${version} (meshbench needs ${MIN_NODE}+)` }
    : {
        name: "Node",
        status: "fail",
        detail: `Node ${version}; meshbench needs ${MIN_NODE} or newer`,
        fix: "install Node 24 LTS (e.g. nvm install 24, or actions/setup-node with node-version: 24)",
      };
}

/** How the first call to the API server went: its HTTP code (null: no answer) and message. */
export function clusterCheck(
  answer: { version: string } | { code: number | null; message: string },
): Check {
  if ("version" in answer)
    return {
      name: "cluster",
      status: "ok",
      detail: `reachable, credentials accepted, Kubernetes ${answer.version}`,
    };
  if (answer.code === 401)
    return {
      name: "cluster",
      status: "fail",
      detail: `the API server refused the credentials: ${answer.message}`,
      fix: "renew the kubeconfig's credentials (a token or client certificate that expired), or give another with --kubeconfig/--context",
    };
  if (answer.code === 403)
    return {
      name: "cluster",
      status: "fail",
      detail: `the credentials are accepted but may not read the cluster: ${answer.message}`,
      fix: "give the user at least the right to get, list nodes and read the server version (see 'rights')",
    };
  return {
    name: "cluster",
    status: "fail",
    detail: `the API server could not be reached: ${answer.message}`,
    fix: "check the kubeconfig's server address and that the cluster is up (kubectl get nodes), or give another with --kubeconfig/--context",
  };
}

/** One right the plan needs, as a SelfSubjectAccessReview asks it. */
export interface Right {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  /** Why the plan needs it. */
  why: string;
  /** Only meshes that install something need it (CRDs, cluster roles, webhooks). */
  forMeshes?: boolean;
}

export const RIGHTS: readonly Right[] = [
  { verb: "create", resource: "namespaces", why: "the workload's and load generator's namespaces" },
  { verb: "patch", resource: "nodes", why: "to reserve the load-generator node (label, taint)" },
  { verb: "get", resource: "pods", subresource: "log", why: "the load generator's results" },
  {
    verb: "list",
    resource: "pods",
    group: "metrics.k8s.io",
    why: "CPU and memory samples",
  },
  {
    verb: "create",
    resource: "customresourcedefinitions",
    group: "apiextensions.k8s.io",
    why: "the meshes' CRDs",
    forMeshes: true,
  },
  {
    verb: "create",
    resource: "clusterroles",
    group: "rbac.authorization.k8s.io",
    why: "the meshes' cluster roles",
    forMeshes: true,
  },
  {
    verb: "create",
    resource: "mutatingwebhookconfigurations",
    group: "admissionregistration.k8s.io",
    why: "the meshes' sidecar injectors",
    forMeshes: true,
  },
];

export const rightName = (r: Right) =>
  `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ""}${r.group ? `.${r.group}` : ""}`;

/** The rights the plan needs that the cluster said no to. */
export function rightsCheck(
  answers: readonly { right: Right; allowed: boolean }[],
  meshInstalls: boolean,
): Check {
  const needed = answers.filter((a) => meshInstalls || !a.right.forMeshes);
  const denied = needed.filter((a) => !a.allowed).map((a) => a.right);
  if (denied.length === 0)
    return {
      name: "rights",
      status: "ok",
      detail: `allowed: ${needed.map((a) => rightName(a.right)).join(", ")}`,
    };
  return {
    name: "rights",
    status: "fail",
    detail: `not allowed: ${denied.map((r) => `${rightName(r)} (${r.why})`).join("; ")}`,
    fix: "ask the cluster's admin for these rights (a ClusterRole bound to your user; meshbench installs meshes, so cluster-admin on a cluster kept for benchmarks is simplest), or use a kind cluster (cluster.provider: kind)",
  };
}

/** A planned mesh and the Kubernetes minors its version supports (from its definition). */
export interface MeshSupport {
  name: string;
  version: string | null;
  supports: { min: string; max: string } | null;
}

const minor = (v: string) => Number(v.split(".")[1]);

/** One row per mesh: is the cluster's Kubernetes minor inside the range the mesh supports? */
export function versionChecks(
  serverMinor: string,
  meshes: readonly MeshSupport[],
  allowUnsupported: boolean,
): Check[] {
  return meshes.map((m) => {
    const name = `${m.name} on ${serverMinor}`;
    const what = `${m.name}${m.version ? ` ${m.version}` : ""}`;
    if (!m.supports)
      return {
        name,
        status: "warn",
        detail: `${what}: its definition states no supported Kubernetes versions`,
        fix: "add kubernetes.supports.kubernetes {min, max} to the mesh definition, from the mesh's own support table",
      };
    const { min, max } = m.supports;
    if (minor(serverMinor) >= minor(min) && minor(serverMinor) <= minor(max))
      return { name, status: "ok", detail: `${what} supports Kubernetes ${min}–${max}` };
    return {
      name,
      status: allowUnsupported ? "warn" : "fail",
      detail: `${what} supports Kubernetes ${min}–${max}; this cluster runs ${serverMinor}${allowUnsupported ? " (cluster.allowUnsupported: true)" : ""}`,
      fix: `use a mesh version that supports ${serverMinor} (meshes[].version), a cluster of ${min}–${max}, or set cluster.allowUnsupported: true to run it anyway`,
    };
  });
}

/**
 * DaemonSets by which a cluster's own network (its CNI) is recognised: kind's kindnet,
 * flannel (k3s, kubeadm guides), Calico, Canal, Cilium, Weave, kube-router, AWS VPC CNI,
 * Antrea, OVN-Kubernetes.
 */
export const CNI_DAEMONSETS = [
  "kindnet",
  "kube-flannel-ds",
  "calico-node",
  "canal",
  "cilium",
  "weave-net",
  "kube-router",
  "aws-node",
  "antrea-agent",
  "ovnkube-node",
] as const;

/**
 * A mesh that is itself the cluster's CNI (Cilium; `kubernetes.requiresNoCni`) can only be
 * installed where the cluster was made without one: elsewhere two CNIs would fight over
 * every pod's network. `found`: the CNI DaemonSets on the cluster, as `namespace/name`.
 */
export function cniChecks(meshes: readonly string[], found: readonly string[]): Check[] {
  return meshes.map((mesh) =>
    found.length === 0
      ? { name: `${mesh} as CNI`, status: "ok", detail: `no CNI found: ${mesh} can be the CNI` }
      : {
          name: `${mesh} as CNI`,
          status: "fail",
          detail: `${mesh} is the cluster's CNI, and this cluster has one already: ${found.join(", ")}`,
          fix: `run ${mesh} on a cluster made without a CNI (kind: networking.disableDefaultCNI: true; k3s: --flannel-backend=none --disable-network-policy), or leave it out of this scenario`,
        },
  );
}

/** metrics.k8s.io: without it a run measures latency but no CPU or memory at all. */
export function metricsCheck(served: boolean, providerInstalls: boolean): Check {
  if (served) return { name: "metrics", status: "ok", detail: "metrics.k8s.io is served" };
  if (providerInstalls)
    return {
      name: "metrics",
      status: "ok",
      detail: "metrics.k8s.io is not served yet; the provider installs metrics-server",
    };
  return {
    name: "metrics",
    status: "fail",
    detail:
      "metrics.k8s.io is not served (no metrics-server): runs would have no CPU or memory figures",
    fix: "install metrics-server: kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml (kind clusters need --kubelet-insecure-tls)",
  };
}

export interface NodeFact {
  name: string;
  /** Why it cannot hold the load generator or apps, or null. */
  unsuitable: string | null;
  /** Allocatable CPU in cores (0 when the node does not say). */
  cpu: number;
}

export interface NodeNeeds {
  /** CPU the workload requests in all (requests × replicas × instances), cores. */
  workloadCpu: number;
  /** CPU the load generator's pods request on their node, cores. */
  loadgenCpu: number;
}

const cores = (n: number) => `${Number(n.toFixed(2))} CPU`;

/**
 * At least two usable workers: one for the load generator (any of them, picked at random),
 * the others for the apps, whose requests must fit what remains whichever is picked.
 */
export function nodesCheck(nodes: readonly NodeFact[], needs: NodeNeeds): Check {
  const workers = nodes.filter((n) => n.unsuitable === null);
  const largest = Math.max(0, ...workers.map((n) => n.cpu));
  const appsFit = workers.reduce((s, n) => s + n.cpu, 0) - largest;
  // Workers like the largest there is (or 4 CPUs on an empty cluster) the scenario needs.
  const per = largest > 0 ? largest : 4;
  const needed = 1 + Math.max(1, Math.ceil(needs.workloadCpu / per));
  const others = nodes
    .filter((n) => n.unsuitable !== null)
    .map((n) => `${n.name} (${n.unsuitable})`);
  const found = `${workers.length} usable worker${workers.length === 1 ? "" : "s"}${others.length ? `; not usable: ${others.join(", ")}` : ""}`;
  const fix = `the scenario needs ${needed} workers like ${workers.length ? "these" : "4-CPU ones"}: one for the load generator, ${needed - 1} for the apps (${cores(needs.workloadCpu)} requested); add workers, or lower workload.instances`;
  if (workers.length < 2) return { name: "nodes", status: "fail", detail: found, fix };
  if (appsFit < needs.workloadCpu)
    return {
      name: "nodes",
      status: "fail",
      detail: `${found}; the apps request ${cores(needs.workloadCpu)}, the workers besides the load generator's offer ${cores(appsFit)}`,
      fix,
    };
  const smallest = Math.min(...workers.map((n) => n.cpu));
  if (smallest < needs.loadgenCpu)
    return {
      name: "nodes",
      status: "warn",
      detail: `${found}; the load generator requests ${cores(needs.loadgenCpu)} and the smallest worker offers ${cores(smallest)}`,
      fix: "lower cluster.loadgen.pods, or use workers of one size",
    };
  return {
    name: "nodes",
    status: "ok",
    detail: `${found}; the apps request ${cores(needs.workloadCpu)} of ${cores(appsFit)}, the load generator ${cores(needs.loadgenCpu)}`,
  };
}

/** The images the plan pulls, listed for mirroring (never a failure by itself). */
export function imagesCheck(images: readonly string[], meshes: readonly string[]): Check {
  const registries = [...new Set(images.map(registryOf))];
  return {
    name: "images",
    status: "ok",
    detail: `pulled from ${registries.join(", ")}: ${images.join(", ")}${meshes.length ? `; plus what the mesh CLIs install (${meshes.join(", ")})` : ""}`,
  };
}

/** The registry of an image reference (Docker Hub when the first part is not a host). */
export function registryOf(image: string): string {
  const first = image.split("/")[0]!;
  return image.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : "docker.io";
}

/** The cluster-scoped kinds a mesh install brings, that the preflight looks through. */
export const CLUSTER_SCOPED_KINDS = [
  { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" },
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration" },
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration" },
  { apiVersion: "apiregistration.k8s.io/v1", kind: "APIService" },
] as const;

/** Leftovers that break what comes after them: admissions and API discovery go through them. */
const BLOCKING = new Set([
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "APIService",
]);

export interface ClusterObjectFact {
  kind: string;
  name: string;
  /** The run id of the meshbench run that created it (its labels); null: not meshbench's. */
  runId: string | null;
}

const listed = (objects: readonly ClusterObjectFact[]) => {
  const names = objects.map((o) => `${o.kind} ${o.name}`);
  return `${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""}`;
};

/**
 * Cluster-scoped objects already there: meshbench's (labelled; an earlier run's that was
 * not cleaned up) and others of the planned meshes (a name or API group holding one of
 * `marks`, e.g. an install by hand), which meshbench never changes, adopts or deletes.
 * meshbench's webhooks and APIServices fail (their service is gone: they can block every
 * admission or discovery), its other leftovers and the others warn.
 */
export function clusterObjectsCheck(
  objects: readonly ClusterObjectFact[],
  marks: readonly string[],
): Check {
  const ours = objects.filter((o) => o.runId !== null);
  const theirs = objects.filter(
    (o) => o.runId === null && marks.some((m) => o.name.toLowerCase().includes(m)),
  );
  if (ours.length === 0 && theirs.length === 0)
    return {
      name: "cluster objects",
      status: "ok",
      detail: `no CRD, cluster role or binding, webhook or APIService of meshbench's${marks.length ? ` or of the planned meshes (${marks.join(", ")})` : ""} on the cluster`,
    };
  const runs = [...new Set(ours.map((o) => o.runId))];
  const parts = [
    ...(ours.length
      ? [`${ours.length} left by meshbench run(s) ${runs.join(", ")}: ${listed(ours)}`]
      : []),
    ...(theirs.length
      ? [
          `${theirs.length} not meshbench's (there before; never changed, adopted or deleted, and an install that would change one stops): ${listed(theirs)}`,
        ]
      : []),
  ];
  const fixes = [
    ...(ours.length
      ? [
          `meshbench cleanup${runs.length === 1 ? ` --run-id ${runs[0]}` : ""} removes meshbench's (it deletes only objects labelled app.kubernetes.io/managed-by=meshbench)`,
        ]
      : []),
    ...(theirs.length
      ? [
          "the others are left alone: remove them with their mesh's uninstall if an old install left them, or set cluster.adoptExisting: true to let runs take them over (and delete them)",
        ]
      : []),
  ];
  return {
    name: "cluster objects",
    status: ours.some((o) => BLOCKING.has(o.kind)) ? "fail" : "warn",
    detail: parts.join("; "),
    fix: fixes.join("; "),
  };
}

export const failed = (checks: readonly Check[]) => checks.some((c) => c.status === "fail");

/** The table as a person reads it: status, name, what was found, and the fix beneath. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 4);
  const lines = checks.flatMap((c) => [
    `  ${c.status === "ok" ? "ok  " : c.status.toUpperCase()}  ${c.name.padEnd(width)}  ${c.detail}`,
    ...(c.fix && c.status !== "ok" ? [`        ${" ".repeat(width)}  fix: ${c.fix}`] : []),
  ]);
  return `${lines.join("\n")}\n`;
}
