// A mesh definition file (scenarios/meshes/<name>.yaml): a mesh as data. One file serves
// every platform, each in its own section: `local` (sidecar processes on this machine)
// and `kubernetes` (install/uninstall steps, readiness, how workloads join, how its parts
// are recognised). A section that is absent means the mesh does not run there.
//
// Nothing here is ever given to a shell: commands are argument lists run directly. Still,
// every word that could reach a command line (binaries, arguments, versions) must match a
// strict pattern, so a definition, a scenario or an Action input cannot smuggle anything in.
import { z } from "zod";
import {
  DURATION_ALLOWED,
  duration,
  NAME_ALLOWED,
  name,
  VERSION_ALLOWED,
  version,
} from "../scenario/fields.ts";
import { DNS_LABEL, LABEL_KEY, LABEL_VALUE } from "../scenario/kubernetes-patterns.ts";
import type { FieldDoc } from "../scenario/validate.ts";

export const BINARY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Placeholders a local sidecar's command may use. */
export const LOCAL_COMMAND_PLACEHOLDERS = ["config"] as const;
/** Placeholders a sidecar's config template may use, and must use (both ports). */
export const SIDECAR_TEMPLATE_PLACEHOLDERS = ["listenPort", "appPort", "service"] as const;
/** Placeholders of Kubernetes install/uninstall steps. */
export const KUBERNETES_STEP_PLACEHOLDERS = ["version", "files"] as const;

const SAFE_WORD = "A-Za-z0-9_./:=@,+%-";

function argPattern(placeholders: readonly string[]): RegExp {
  return new RegExp(`^(?:[${SAFE_WORD}]|\\{(?:${placeholders.join("|")})\\})+$`);
}

const ARG_ALLOWED = (placeholders: readonly string[]) =>
  `words of letters, digits and _ . / : = @ , + % - (no spaces, quotes or shell characters), and the placeholders ${placeholders.map((p) => `{${p}}`).join(", ")}`;

const requirement = z.strictObject({
  binary: z.string().regex(BINARY_PATTERN),
  hint: z.string().min(1).max(300),
});

/** CLIs meshbench can fetch itself at a pinned version (src/mesh/tools.ts). */
export const DOWNLOADABLE_TOOLS = ["linkerd", "istioctl", "kubectl"] as const;

const kubernetesRequirement = requirement
  .extend({ download: z.boolean().default(false) })
  .superRefine((r, ctx) => {
    if (r.download && !(DOWNLOADABLE_TOOLS as readonly string[]).includes(r.binary)) {
      ctx.addIssue({
        code: "custom",
        path: ["download"],
        message: `meshbench cannot download ${r.binary}; it downloads ${DOWNLOADABLE_TOOLS.join(", ")} (set download: false and put ${r.binary} on the PATH)`,
      });
    }
  });

const template = z.string().superRefine((text, ctx) => {
  const used = [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
  const unknown = used.filter(
    (p) => !(SIDECAR_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(p),
  );
  if (unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `uses the unknown placeholder {${unknown[0]}}`,
    });
  }
  for (const needed of ["listenPort", "appPort"]) {
    if (!used.includes(needed)) {
      ctx.addIssue({
        code: "custom",
        message: `never uses {${needed}}, so the sidecar could not be wired in`,
      });
    }
  }
});

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const k8sName = () => z.string().regex(DNS_LABEL);
/** Pod Security Standards levels, most permissive first. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
const KUBERNETES_MINOR = /^1\.(0|[1-9]\d?)$/;
const kubernetesMinor = () => z.string().regex(KUBERNETES_MINOR);
/** 1.28 → 28: Kubernetes minor versions compare as numbers, not as text. */
export const minorOf = (v: string) => Number(v.split(".")[1]);
const labels = () =>
  z.record(z.string().regex(LABEL_KEY), z.string().regex(LABEL_VALUE)).default({});
const annotations = () => z.record(z.string().regex(LABEL_KEY), z.string().max(4096)).default({});

const step = z.strictObject({
  run: z.array(z.string().regex(argPattern(KUBERNETES_STEP_PLACEHOLDERS))).min(1),
  output: z.enum(["ignore", "apply", "delete"]).default("ignore"),
  timeout: duration().default(300_000),
});

const readyCheck = z.strictObject({
  namespace: k8sName(),
  deployments: z.union([z.literal("all"), z.array(k8sName())]).default("all"),
  daemonsets: z.union([z.literal("all"), z.array(k8sName())]).default([]),
  timeout: duration().default(300_000),
});

export const meshFileSchema = z.strictObject({
  name: name().optional(),
  description: z.string().max(500).default(""),
  local: z
    .strictObject({
      requires: z.array(requirement).default([]),
      sidecar: z
        .strictObject({
          command: z.array(z.string().regex(argPattern(LOCAL_COMMAND_PLACEHOLDERS))).min(1),
          config: z.strictObject({ http: template, grpc: template }),
        })
        .nullable()
        .default(null),
    })
    .optional(),
  kubernetes: z
    .strictObject({
      requires: z.array(kubernetesRequirement).default([]),
      version: version().optional(),
      supports: z
        .strictObject({
          kubernetes: z
            .strictObject({ min: kubernetesMinor(), max: kubernetesMinor() })
            .refine((r) => minorOf(r.min) <= minorOf(r.max), {
              message: "min is above max",
            }),
        })
        .optional(),
      // The mesh is itself the cluster's CNI (Cilium): read by the preflight.
      requiresNoCni: z.boolean().default(false),
      podSecurity: z.enum(POD_SECURITY_LEVELS).optional(),
      files: z.record(z.string().regex(FILE_NAME), z.string().max(1_000_000)).default({}),
      install: z.array(step).default([]),
      uninstall: z.array(step).default([]),
      ready: z.array(readyCheck).default([]),
      join: z
        .strictObject({
          namespaceLabels: labels(),
          namespaceAnnotations: annotations(),
          podAnnotations: annotations(),
          optOutPodAnnotations: annotations(),
        })
        .default({
          namespaceLabels: {},
          namespaceAnnotations: {},
          podAnnotations: {},
          optOutPodAnnotations: {},
        }),
      recognise: z
        .strictObject({
          controlPlaneNamespaces: z.array(k8sName()).default([]),
          proxyContainers: z.array(k8sName()).default([]),
          nodeProxies: z
            .array(z.strictObject({ namespace: k8sName(), podLabels: labels() }))
            .default([]),
        })
        .default({ controlPlaneNamespaces: [], proxyContainers: [], nodeProxies: [] }),
    })
    .optional(),
});

export type MeshFile = z.output<typeof meshFileSchema>;
export type LocalMesh = NonNullable<MeshFile["local"]>;
export type LocalSidecar = NonNullable<LocalMesh["sidecar"]>;
export type KubernetesMesh = NonNullable<MeshFile["kubernetes"]>;
export type Requirement = z.output<typeof requirement>;

export interface MeshDefinition extends Omit<MeshFile, "name"> {
  name: string;
  /** The file it was read from (for messages). */
  file: string;
}

const REQUIRES_ALLOWED =
  "a list of {binary, hint}: a program that must be on the PATH, and one line saying how to get it";
const K8S_NAME_ALLOWED = "a Kubernetes name: lower-case letters, digits and '-', at most 63";
const LABELS_ALLOWED = "a map of Kubernetes label keys to label values";
const ANNOTATIONS_ALLOWED = "a map of Kubernetes annotation keys to text";

export const MESH_FIELDS: readonly FieldDoc[] = [
  {
    path: "name",
    default: "the file's name without .yaml",
    description: "The mesh's name, as scenarios list it",
    allowed: NAME_ALLOWED,
  },
  {
    path: "description",
    default: '""',
    description: "One sentence: what this mesh is and how it is set up",
    allowed: "text",
  },
  {
    path: "local",
    default: "absent: the mesh does not run on the local platform",
    description: "How the mesh runs on this machine",
    allowed: "a map with the keys requires and sidecar ({} for no mesh at all)",
  },
  {
    path: "local.requires",
    default: "[]",
    description: "Programs the local mesh needs; a mesh missing one is skipped with the hint",
    allowed: REQUIRES_ALLOWED,
  },
  {
    path: "local.requires[].binary",
    default: "(required)",
    description: "Program that must be found on the PATH",
    allowed: "a program name: letters, digits and . _ + -",
  },
  {
    path: "local.requires[].hint",
    default: "(required)",
    description: "One line telling how to install it",
    allowed: "text, at most 300 characters",
  },
  {
    path: "local.sidecar",
    default: "null: no sidecar",
    description: "An inbound proxy process started in front of every service",
    allowed: "a map with the keys command and config, or null",
  },
  {
    path: "local.sidecar.command",
    default: "(required)",
    description: "The proxy's command line, run directly (never by a shell)",
    allowed: `a list of ${ARG_ALLOWED(LOCAL_COMMAND_PLACEHOLDERS)}; {config} is the rendered config file`,
  },
  {
    path: "local.sidecar.config",
    default: "(required)",
    description: "Config templates by the protocol of the service behind the proxy",
    allowed: "a map with the keys http and grpc",
  },
  {
    path: "local.sidecar.config.http",
    default: "(required)",
    description: "Config for an HTTP/1.1 service (web)",
    allowed: `text using {listenPort} and {appPort} (and optionally {service})`,
  },
  {
    path: "local.sidecar.config.grpc",
    default: "(required)",
    description: "Config for a gRPC (HTTP/2 cleartext) service (emoji, voting)",
    allowed: `text using {listenPort} and {appPort} (and optionally {service})`,
  },
  {
    path: "kubernetes",
    default: "absent: the mesh does not run on clusters",
    description: "How the mesh is installed and recognised on a Kubernetes cluster",
    allowed:
      "a map with the keys requires, version, supports, requiresNoCni, files, install, uninstall, ready, join, recognise",
  },
  {
    path: "kubernetes.requires",
    default: "[]",
    description: "CLIs the installation needs (e.g. linkerd, istioctl)",
    allowed: REQUIRES_ALLOWED,
  },
  {
    path: "kubernetes.requires[].binary",
    default: "(required)",
    description: "Program the steps run: found on the PATH, or downloaded (see download)",
    allowed: "a program name: letters, digits and . _ + -",
  },
  {
    path: "kubernetes.requires[].hint",
    default: "(required)",
    description: "One line telling how to install it",
    allowed: "text, at most 300 characters",
  },
  {
    path: "kubernetes.requires[].download",
    default: "false",
    description:
      "meshbench fetches the CLI itself at the mesh's version (checksummed, cached) unless that version is on the PATH",
    allowed: `true (for ${DOWNLOADABLE_TOOLS.join(", ")}) or false`,
  },
  {
    path: "kubernetes.version",
    default: "none",
    description: "Version installed unless the scenario names one; fills {version}",
    allowed: VERSION_ALLOWED,
  },
  {
    path: "kubernetes.podSecurity",
    default: "privileged",
    description:
      "The Pod Security level the mesh's pods and the meshed workload need: meshbench labels the namespaces it creates pod-security.kubernetes.io/enforce with it (init containers with NET_ADMIN need privileged; CNI modes need less)",
    allowed: "privileged, baseline, restricted",
  },
  {
    path: "kubernetes.supports",
    default: "absent: the preflight cannot check the cluster's version against the mesh's",
    description:
      "What the default version supports, from the mesh's own support table (say its source and date in a comment)",
    allowed: "a map with the key kubernetes",
  },
  {
    path: "kubernetes.supports.kubernetes",
    default: "(required)",
    description: "The Kubernetes minor versions the default version supports, both ends included",
    allowed: "a map with the keys min and max",
  },
  {
    path: "kubernetes.supports.kubernetes.min",
    default: "(required)",
    description: "The oldest Kubernetes minor version supported",
    allowed: 'a Kubernetes minor version such as "1.29" (quoted: YAML reads 1.30 as 1.3)',
  },
  {
    path: "kubernetes.supports.kubernetes.max",
    default: "(required)",
    description: "The newest Kubernetes minor version supported",
    allowed: 'a Kubernetes minor version such as "1.34", not below min',
  },
  {
    path: "kubernetes.requiresNoCni",
    default: "false",
    description:
      "The mesh is the cluster's CNI (e.g. Cilium): it installs only on a cluster made without one (kind with networking.disableDefaultCNI, k3s with --flannel-backend=none); the preflight refuses a cluster that has another CNI",
    allowed: "true or false",
  },
  {
    path: "kubernetes.files",
    default: "{}",
    description: "Files the steps need (e.g. an IstioOperator overlay), written to {files}/<name>",
    allowed: "a map of file names (letters, digits, . _ -) to their text",
  },
  {
    path: "kubernetes.install",
    default: "[]",
    description: "Steps that install the mesh, in order",
    allowed: "a list of {run, output, timeout}",
  },
  {
    path: "kubernetes.install[].run",
    default: "(required)",
    description: "The command, run directly (never by a shell)",
    allowed: `a list of ${ARG_ALLOWED(KUBERNETES_STEP_PLACEHOLDERS)}`,
  },
  {
    path: "kubernetes.install[].output",
    default: "ignore",
    description:
      "What becomes of the command's output: applied to the cluster (like | kubectl apply -f -), deleted from it (| kubectl delete -f -), or nothing",
    allowed: "ignore, apply, delete",
  },
  {
    path: "kubernetes.install[].timeout",
    default: "5m",
    description: "The step fails if it takes longer",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "kubernetes.uninstall",
    default: "[]",
    description: "Steps that remove the mesh, in order (run after every run, and on failure)",
    allowed: "a list of {run, output, timeout}",
  },
  {
    path: "kubernetes.uninstall[].run",
    default: "(required)",
    description: "The command, run directly (never by a shell)",
    allowed: `a list of ${ARG_ALLOWED(KUBERNETES_STEP_PLACEHOLDERS)}`,
  },
  {
    path: "kubernetes.uninstall[].output",
    default: "ignore",
    description: "What becomes of the command's output (delete: remove what it lists)",
    allowed: "ignore, apply, delete",
  },
  {
    path: "kubernetes.uninstall[].timeout",
    default: "5m",
    description: "The step fails if it takes longer",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "kubernetes.ready",
    default: "[]",
    description: "What must be ready before workloads are deployed",
    allowed: "a list of {namespace, deployments, daemonsets, timeout}",
  },
  {
    path: "kubernetes.ready[].namespace",
    default: "(required)",
    description: "Namespace of the mesh's parts",
    allowed: K8S_NAME_ALLOWED,
  },
  {
    path: "kubernetes.ready[].deployments",
    default: "all",
    description: "Deployments that must be available",
    allowed: "all, or a list of deployment names",
  },
  {
    path: "kubernetes.ready[].daemonsets",
    default: "[]",
    description: "DaemonSets that must be ready on every node (node proxies)",
    allowed: "all, or a list of daemonset names",
  },
  {
    path: "kubernetes.ready[].timeout",
    default: "5m",
    description: "Readiness fails after this long, naming what is not ready",
    allowed: DURATION_ALLOWED,
  },
  {
    path: "kubernetes.join",
    default: "(nothing)",
    description: "How workloads join the mesh",
    allowed:
      "a map with the keys namespaceLabels, namespaceAnnotations, podAnnotations, optOutPodAnnotations",
  },
  {
    path: "kubernetes.join.namespaceLabels",
    default: "{}",
    description: "Labels put on every workload namespace (e.g. istio-injection: enabled)",
    allowed: LABELS_ALLOWED,
  },
  {
    path: "kubernetes.join.namespaceAnnotations",
    default: "{}",
    description: "Annotations put on every workload namespace (e.g. linkerd.io/inject: enabled)",
    allowed: ANNOTATIONS_ALLOWED,
  },
  {
    path: "kubernetes.join.podAnnotations",
    default: "{}",
    description: "Annotations put on every workload pod",
    allowed: ANNOTATIONS_ALLOWED,
  },
  {
    path: "kubernetes.join.optOutPodAnnotations",
    default: "{}",
    description:
      "Annotations that keep a pod out of the mesh (the load generator's, when cluster.loadgen.meshed is false)",
    allowed: ANNOTATIONS_ALLOWED,
  },
  {
    path: "kubernetes.recognise",
    default: "(nothing)",
    description: "How the mesh's containers are told apart when resources are sampled",
    allowed: "a map with the keys controlPlaneNamespaces, proxyContainers, nodeProxies",
  },
  {
    path: "kubernetes.recognise.controlPlaneNamespaces",
    default: "[]",
    description: "Every container in these namespaces is control plane",
    allowed: `a list of namespaces (${K8S_NAME_ALLOWED})`,
  },
  {
    path: "kubernetes.recognise.proxyContainers",
    default: "[]",
    description: "Containers with these names in workload pods are data plane (sidecars)",
    allowed: `a list of container names (${K8S_NAME_ALLOWED})`,
  },
  {
    path: "kubernetes.recognise.nodeProxies",
    default: "[]",
    description: "Per-node proxies (e.g. ztunnel), counted as data plane",
    allowed: "a list of {namespace, podLabels}",
  },
  {
    path: "kubernetes.recognise.nodeProxies[].namespace",
    default: "(required)",
    description: "Namespace of the node proxy pods",
    allowed: K8S_NAME_ALLOWED,
  },
  {
    path: "kubernetes.recognise.nodeProxies[].podLabels",
    default: "{}",
    description: "Labels that select the node proxy pods",
    allowed: LABELS_ALLOWED,
  },
];
