// The preflight's probes: the facts the checks of platform/preflight-checks.ts judge,
// gathered without creating anything. Before the cluster (Node, the programs the plan
// runs, kind's container engine) and on it (version, rights by SelfSubjectAccessReview,
// metrics.k8s.io, nodes); the images are read off the manifests meshbench would apply.
import { AuthorizationV1Api, VersionApi } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { statusOf } from "../../kube/errors.ts";
import { mirrorImage } from "../../kube/images.ts";
import { MANAGED_BY, MANAGER, POD_SECURITY_ENFORCE, RUN_ID } from "../../kube/labels.ts";
import { listAll, listObjects, PAGE_SIZE } from "../../kube/list.ts";
import { cpuCores } from "../../kube/quantity.ts";
import type { MeshDefinition } from "../../mesh/schema.ts";
import { downloadableTool } from "../../mesh/tools.ts";
import type { ClusterSpec, Scenario } from "../../scenario/load.ts";
import { run } from "../../tools/exec.ts";
import { findExecutable } from "../../tools/find-executable.ts";
import {
  currentPlatform,
  defaultCacheDir,
  KIND,
  type ResolveOptions,
  resolveTool,
  type ToolSpec,
} from "../../tools/pinned.ts";
import { EMOJIVOTO_CPU_REQUEST, emojivotoManifests } from "../../workload/emojivoto/kubernetes.ts";
import {
  type Check,
  CLUSTER_SCOPED_KINDS,
  type ClusterObjectFact,
  CNI_DAEMONSETS,
  clusterCheck,
  clusterObjectsCheck,
  cniChecks,
  imagesCheck,
  metricsCheck,
  nodeCheck,
  nodesCheck,
  RIGHTS,
  rightsCheck,
  versionChecks,
} from "../preflight-checks.ts";
import { LOADGEN_CPU_REQUEST, LOADGEN_IMAGE } from "./loadgen-manifests.ts";
import { unsuitable } from "./loadgen-node.ts";
import { kubernetesOf, meshVersion } from "./mesh-steps.ts";

/** A mesh the plan installs, at the version it installs. */
export interface PlannedMesh {
  definition: MeshDefinition;
  /** The scenario's version (null: the definition's own). */
  version: string | null;
}

/** metrics-server's image in its pinned manifest (kind and bare metal install it). */
const METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

const installs = (m: PlannedMesh) => kubernetesOf(m.definition).install.length > 0;

/** Where a tool that could not be fetched can be put by hand, said once per tool. */
function offlineFix(spec: ToolSpec, options: ResolveOptions): string {
  const cache = `${options.cacheDir ?? defaultCacheDir()}/${spec.name}/${spec.version}/${spec.name}`;
  return `put ${spec.name} ${spec.version} on the PATH, or save ${spec.url(options.platform ?? currentPlatform())} as ${cache} (executable) with its sha256 in ${cache}.sha256`;
}

const causeOf = (error: unknown): string => {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
};

async function toolCheck(spec: ToolSpec, options: ResolveOptions): Promise<Check> {
  try {
    const path = await resolveTool(spec, options);
    return { name: spec.name, status: "ok", detail: `${spec.version}: ${path}` };
  } catch (error) {
    return {
      name: spec.name,
      status: "fail",
      detail: `${spec.version} is not on the PATH and could not be fetched from ${spec.url(options.platform ?? currentPlatform())}: ${causeOf(error)}`,
      fix: offlineFix(spec, options),
    };
  }
}

/** kind runs its nodes as containers: Docker or Podman must be there and answering. */
async function containerEngineCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  const name = "container engine";
  for (const engine of ["docker", "podman"]) {
    const path = findExecutable(engine, env.PATH ?? "");
    if (!path) continue;
    try {
      await run(path, ["info"], { timeoutMs: 30_000, env });
      return { name, status: "ok", detail: `${engine} answers (${path})` };
    } catch (error) {
      return {
        name,
        status: "fail",
        detail: `${engine} is installed but does not answer \`${engine} info\`: ${(error as Error).message.split("\n")[0]}`,
        fix: `start it (sudo systemctl start ${engine}) and make sure your user may use it; or run on an existing cluster (cluster.provider: kubeconfig)`,
      };
    }
  }
  return {
    name,
    status: "fail",
    detail: "kind runs its nodes in containers, and neither docker nor podman is on the PATH",
    fix: "install Docker (https://docs.docker.com/engine/install/) or Podman; or run on an existing cluster (cluster.provider: kubeconfig)",
  };
}

/**
 * Before the cluster: Node, kind's container engine then kind itself (nothing is fetched
 * when the engine is missing), and every program the planned meshes run, fetched now if
 * meshbench fetches it so that a machine without network learns it here, once.
 */
export async function localChecks(
  cluster: ClusterSpec,
  meshes: readonly PlannedMesh[],
  tools: ResolveOptions = {},
  nodeVersion = process.versions.node,
): Promise<Check[]> {
  const env = tools.env ?? process.env;
  const checks = [nodeCheck(nodeVersion)];
  if (cluster.provider.kind === "kind") {
    const engine = await containerEngineCheck(env);
    checks.push(engine);
    if (engine.status === "ok") checks.push(await toolCheck(KIND, { ...tools, env }));
  }
  for (const m of meshes) {
    const v = meshVersion(m.definition, m.version);
    for (const r of kubernetesOf(m.definition).requires) {
      const spec = downloadableTool(r, v);
      if (spec) checks.push(await toolCheck(spec, { ...tools, env }));
      else if (findExecutable(r.binary, env.PATH ?? ""))
        checks.push({ name: r.binary, status: "ok", detail: "on the PATH" });
      else
        checks.push({
          name: r.binary,
          status: "fail",
          detail: `not on the PATH (needed by ${m.definition.name})`,
          fix: r.hint,
        });
    }
  }
  return checks;
}

/** The cluster's first answer, as the `cluster` check judges it. */
export async function reachCheck(kube: Kube): Promise<{ check: Check; minor: string | null }> {
  try {
    const v = await kube.config.makeApiClient(VersionApi).getCode();
    const minor = `${v.major}.${v.minor.replace(/\D+$/, "")}`;
    return { check: clusterCheck({ version: v.gitVersion }), minor };
  } catch (error) {
    return { check: reachFailure(error), minor: null };
  }
}

/** A failed first call (reading the version, or listing nodes as a provider does). */
export function reachFailure(error: unknown): Check {
  const s = statusOf(error) ?? statusOf((error as Error)?.cause);
  return clusterCheck({
    code: s?.code ?? null,
    message: s?.message ?? causeOf(error),
  });
}

async function allowed(kube: Kube, r: (typeof RIGHTS)[number]): Promise<boolean> {
  const api = kube.config.makeApiClient(AuthorizationV1Api);
  const review = await kube.call(`ask whether we may ${r.verb} ${r.resource}`, () =>
    api.createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: {
          resourceAttributes: {
            verb: r.verb,
            resource: r.resource,
            ...(r.group ? { group: r.group } : {}),
            ...(r.subresource ? { subresource: r.subresource } : {}),
          },
        },
      },
    }),
  );
  return review.status?.allowed === true;
}

const LEVELS = ["privileged", "baseline", "restricted"] as const;

/** The most permissive level a planned mesh needs: the label the cluster must accept. */
export function neededLevel(meshes: readonly PlannedMesh[]): (typeof LEVELS)[number] {
  const levels = meshes.map((m) =>
    LEVELS.indexOf(kubernetesOf(m.definition).podSecurity ?? "privileged"),
  );
  return LEVELS[Math.min(LEVELS.length - 1, ...levels)]!;
}

/**
 * A pod as the meshes' are: an init container adding NET_ADMIN and NET_RAW (linkerd-init,
 * istio-init).
 */
const MESHED_POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "meshbench-preflight-probe" },
  spec: {
    initContainers: [
      {
        name: "proxy-init",
        image: LOADGEN_IMAGE,
        securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
      },
    ],
    containers: [{ name: "app", image: LOADGEN_IMAGE }],
  },
};

const forbiddenMessage = (error: unknown): string | null => {
  const s = statusOf(error) ?? statusOf((error as Error)?.cause);
  return s?.code === 403 ? (s.message ?? "forbidden") : null;
};

/**
 * Pod Security admission, told by server-side dry runs (nothing is stored): does the
 * cluster enforce a level on unlabelled namespaces (a meshed pod in `default`), and does
 * it accept a namespace labelled with the level the planned meshes need?
 */
async function podSecurityCheck(kube: Kube, level: string): Promise<Check> {
  const name = "pod security";
  let enforced: string;
  try {
    await kube.core.createNamespacedPod({ namespace: "default", body: MESHED_POD, dryRun: "All" });
    enforced = "unlabelled namespaces enforce nothing";
  } catch (error) {
    const message = forbiddenMessage(error);
    const violated = message && /violates PodSecurity "([a-z]+)/.exec(message)?.[1];
    enforced = violated
      ? `unlabelled namespaces enforce ${violated} (a meshed pod in default is refused)`
      : `could not probe a pod in default (${message ?? causeOf(error)})`;
  }
  try {
    await kube.core.createNamespace({
      body: {
        metadata: {
          name: "meshbench-preflight-probe",
          labels: { [POD_SECURITY_ENFORCE]: level },
        },
      },
      dryRun: "All",
    });
  } catch (error) {
    const message = forbiddenMessage(error) ?? causeOf(error);
    return {
      name,
      status: "fail",
      detail: `${enforced}; the cluster refuses a namespace labelled ${POD_SECURITY_ENFORCE}=${level}, which the planned meshes need: ${message}`,
      fix: `have the cluster's admin exempt meshbench's namespaces (emojivoto-*, meshbench-loadgen and the meshes') from that policy, use mesh definitions that need less (kubernetes.podSecurity; the CNI modes of Linkerd and Istio need baseline), or use a kind cluster`,
    };
  }
  return {
    name,
    status: "ok",
    detail: `${enforced}; meshbench labels its namespaces ${POD_SECURITY_ENFORCE}=${level}, and the cluster accepts that`,
  };
}

async function metricsServed(kube: Kube): Promise<boolean> {
  try {
    await kube.custom.listNamespacedCustomObject({
      group: "metrics.k8s.io",
      version: "v1beta1",
      namespace: "kube-system",
      plural: "pods",
    });
    return true;
  } catch (error) {
    // 503: registered, still starting; it will serve by the time samples are taken.
    return (statusOf(error)?.code ?? statusOf((error as Error).cause)?.code) === 503;
  }
}

/** Every image meshbench itself deploys for this scenario (the meshes' come from their CLIs). */
export function plannedImages(cluster: ClusterSpec): string[] {
  const workload = emojivotoManifests({ instances: 1 }).flatMap((o) => {
    const spec = (o as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } })
      .spec?.template?.spec;
    return (spec?.containers ?? []).map((c) => c.image ?? "");
  });
  return [
    ...new Set([
      ...workload.filter(Boolean).map((i) => mirrorImage(i, cluster.images)),
      mirrorImage(LOADGEN_IMAGE, cluster.images),
      // metrics-server comes as its release manifest; its image goes through the mirrors too.
      ...(cluster.provider.kind === "kubeconfig"
        ? []
        : [mirrorImage(METRICS_SERVER_IMAGE, cluster.images)]),
    ]),
  ];
}

/**
 * The cluster-scoped objects of the kinds a mesh install brings, meshbench's marked with
 * their run. A kind this identity may not list (403) or the cluster does not serve (404)
 * holds nothing to report.
 */
async function clusterObjects(kube: Kube): Promise<ClusterObjectFact[]> {
  const facts: ClusterObjectFact[] = [];
  for (const { apiVersion, kind } of CLUSTER_SCOPED_KINDS) {
    const items = await listObjects(kube, apiVersion, kind).catch((error: Error) => {
      const code = statusOf(error)?.code ?? statusOf(error.cause)?.code;
      if (code === 403 || code === 404) return [];
      throw error;
    });
    for (const o of items) {
      const labels = o.metadata?.labels ?? {};
      facts.push({
        kind,
        name: o.metadata?.name ?? "",
        runId: labels[MANAGED_BY] === MANAGER ? (labels[RUN_ID] ?? "?") : null,
      });
    }
  }
  return facts;
}

/**
 * What marks a planned mesh's cluster-scoped objects: its family (the definition's name up
 * to the first "-": linkerd, istio, cilium), and the Gateway API, which meshes install.
 */
export const meshMarks = (meshes: readonly PlannedMesh[]): string[] => {
  const installing = meshes.filter(installs);
  return [
    ...new Set([
      ...installing.map((m) => m.definition.name.split("-")[0]!.toLowerCase()),
      ...(installing.length > 0 ? ["gateway.networking.k8s.io"] : []),
    ]),
  ];
};

/** The CNI DaemonSets on the cluster (CNI_DAEMONSETS), as `namespace/name`. */
async function cniDaemonSets(kube: Kube): Promise<string[]> {
  const all = await kube.call("list daemonsets", () =>
    listAll((t) => kube.apps.listDaemonSetForAllNamespaces({ limit: PAGE_SIZE, _continue: t })),
  );
  return all
    .filter((d) => (CNI_DAEMONSETS as readonly string[]).includes(d.metadata?.name ?? ""))
    .map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`);
}

/**
 * On the cluster, reading only: who we are and what we may do, its version against each
 * mesh's, metrics.k8s.io, the nodes against what the workload requests, the images.
 */
export async function clusterChecks(
  kube: Kube,
  scenario: Scenario,
  cluster: ClusterSpec,
  meshes: readonly PlannedMesh[],
): Promise<Check[]> {
  const reach = await reachCheck(kube);
  if (reach.minor === null) return [reach.check];
  const checks = [reach.check];
  const answers = [];
  for (const right of RIGHTS) answers.push({ right, allowed: await allowed(kube, right) });
  checks.push(rightsCheck(answers, meshes.some(installs)));
  checks.push(
    ...versionChecks(
      reach.minor,
      meshes.filter(installs).map((m) => ({
        name: m.definition.name,
        version: meshVersion(m.definition, m.version),
        supports: kubernetesOf(m.definition).supports?.kubernetes ?? null,
      })),
      cluster.allowUnsupported ?? false,
    ),
  );
  const cniMeshes = meshes.filter((m) => kubernetesOf(m.definition).requiresNoCni);
  if (cniMeshes.length > 0)
    checks.push(
      ...cniChecks(
        cniMeshes.map((m) => m.definition.name),
        await cniDaemonSets(kube),
      ),
    );
  checks.push(await podSecurityCheck(kube, neededLevel(meshes)));
  checks.push(metricsCheck(await metricsServed(kube), cluster.provider.kind !== "kubeconfig"));
  const nodes = await kube.call("list nodes", () => kube.core.listNode());
  checks.push(
    nodesCheck(
      nodes.items.map((n) => ({
        name: n.metadata?.name ?? "",
        unsuitable: unsuitable(n),
        cpu: n.status?.allocatable?.cpu ? cpuCores(n.status.allocatable.cpu) : 0,
      })),
      {
        // Three services of one replica each per instance.
        workloadCpu: scenario.workload.instances * 3 * cpuCores(EMOJIVOTO_CPU_REQUEST),
        loadgenCpu: cluster.loadgen.pods * cpuCores(LOADGEN_CPU_REQUEST),
      },
    ),
  );
  checks.push(clusterObjectsCheck(await clusterObjects(kube), meshMarks(meshes)));
  checks.push(
    imagesCheck(
      plannedImages(cluster),
      meshes.filter(installs).map((m) => m.definition.name),
    ),
  );
  return checks;
}
