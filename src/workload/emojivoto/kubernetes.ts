// Emojivoto ×N for a cluster, as typed objects (kubernetes-models): the real images at a
// pinned tag (BuoyantIO/emojivoto's kustomize deployment: web over HTTP calling emoji and
// voting over gRPC), one namespace per instance (emojivoto-1 …), 100m CPU requested per
// service as in the 2019 study, and kept off the load-generator node. Pure: options in,
// objects out; the platform applies them.
import { Deployment } from "kubernetes-models/apps/v1";
import { Namespace, Service, ServiceAccount } from "kubernetes-models/v1";
import { LOADGEN_NODE } from "../../kube/labels.ts";
import { checked, DNS_LABEL, LABEL_KEY, LABEL_VALUE, VERSION_PATTERN } from "../../kube/names.ts";

/** The images' tag; a one-line bump. */
export const EMOJIVOTO_VERSION = "v11";
export const EMOJIVOTO_REGISTRY = "docker.l5d.io/buoyantio";
export const EMOJIVOTO_CPU_REQUEST = "100m";
/** The load generator's paths in the 2019 study (wrk2 URLs), each reaching the gRPC backends. */
export const STUDY_PATHS = [
  "/api/list",
  "/api/vote?choice=:flushed:",
  "/api/vote?choice=:policeman:",
  "/api/leaderboard",
];

export interface EmojivotoOptions {
  instances: number;
  version?: string;
  /** Labels a mesh puts on workload namespaces to join them (e.g. istio-injection=enabled). */
  namespaceLabels?: Record<string, string>;
  /** Annotations a mesh puts on workload namespaces (e.g. linkerd.io/inject=enabled). */
  namespaceAnnotations?: Record<string, string>;
  /** Annotations a mesh puts on every workload pod. */
  podAnnotations?: Record<string, string>;
  cpuRequest?: string;
  /** Where each image is pulled from (cluster.images); default: as named. */
  image?: (reference: string) => string;
}

export const instanceNamespace = (i: number) => `emojivoto-${i}`;

/** Pods of the apps never go to the load-generator node (its taint does it too). */
const offLoadgenNode = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: LOADGEN_NODE, operator: "DoesNotExist" as const }] },
      ],
    },
  },
};

interface Service3 {
  name: "web" | "emoji" | "voting";
  image: string;
  env: Record<string, string>;
  ports: { name: string; port: number; servicePort: number }[];
}

function services(ns: string, version: string): Service3[] {
  return [
    {
      name: "web",
      image: `${EMOJIVOTO_REGISTRY}/emojivoto-web:${version}`,
      env: {
        WEB_PORT: "8080",
        EMOJISVC_HOST: `emoji-svc.${ns}:8080`,
        VOTINGSVC_HOST: `voting-svc.${ns}:8080`,
        INDEX_BUNDLE: "dist/index_bundle.js",
      },
      ports: [{ name: "http", port: 8080, servicePort: 80 }],
    },
    grpcBackend("emoji", version),
    grpcBackend("voting", version),
  ];
}

/** emoji and voting: gRPC on 8080 and Prometheus metrics on 8801, each its own image. */
function grpcBackend(name: "emoji" | "voting", version: string): Service3 {
  return {
    name,
    image: `${EMOJIVOTO_REGISTRY}/emojivoto-${name}-svc:${version}`,
    env: { GRPC_PORT: "8080", PROM_PORT: "8801" },
    ports: [
      { name: "grpc", port: 8080, servicePort: 8080 },
      { name: "prom", port: 8801, servicePort: 8801 },
    ],
  };
}

function checkedMap(
  field: string,
  map: Record<string, string> | undefined,
  values: RegExp,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {}))
    out[checked(`${field} key`, k, LABEL_KEY)] = checked(`${field}["${k}"]`, v, values);
  return out;
}

/** One instance: its namespace, and a ServiceAccount, Deployment and Service per service. */
export function emojivotoInstance(i: number, options: EmojivotoOptions) {
  const ns = checked("workload namespace", instanceNamespace(i), DNS_LABEL);
  const version = checked(
    "workload.version",
    options.version ?? EMOJIVOTO_VERSION,
    VERSION_PATTERN,
  );
  const labels = { "app.kubernetes.io/part-of": "emojivoto", "meshbench.io/instance": String(i) };
  const podAnnotations = checkedMap(
    "mesh pod annotation",
    options.podAnnotations,
    /^[\s\S]{0,4096}$/,
  );
  const objects: (Namespace | ServiceAccount | Deployment | Service)[] = [
    new Namespace({
      metadata: {
        name: ns,
        labels: {
          ...labels,
          ...checkedMap("mesh namespace label", options.namespaceLabels, LABEL_VALUE),
        },
        annotations: checkedMap(
          "mesh namespace annotation",
          options.namespaceAnnotations,
          /^[\s\S]{0,256}$/,
        ),
      },
    }),
  ];
  for (const s of services(ns, version)) {
    const app = `${s.name}-svc`;
    // Separate service accounts, as upstream: a mesh's identity (mTLS) is per account.
    objects.push(new ServiceAccount({ metadata: { name: s.name, namespace: ns, labels } }));
    objects.push(
      new Deployment({
        metadata: {
          name: s.name,
          namespace: ns,
          labels: {
            ...labels,
            "app.kubernetes.io/name": s.name,
            "app.kubernetes.io/version": version,
          },
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app, version } },
          template: {
            metadata: {
              labels: { ...labels, app, version },
              ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
            },
            spec: {
              serviceAccountName: s.name,
              affinity: offLoadgenNode,
              containers: [
                {
                  name: app,
                  image: options.image ? options.image(s.image) : s.image,
                  env: Object.entries(s.env).map(([name, value]) => ({ name, value })),
                  ports: s.ports.map((p) => ({ name: p.name, containerPort: p.port })),
                  resources: { requests: { cpu: options.cpuRequest ?? EMOJIVOTO_CPU_REQUEST } },
                },
              ],
            },
          },
        },
      }),
    );
    objects.push(
      new Service({
        metadata: { name: app, namespace: ns, labels },
        spec: {
          type: "ClusterIP",
          selector: { app },
          ports: s.ports.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.port })),
        },
      }),
    );
  }
  return objects;
}

export function emojivotoManifests(options: EmojivotoOptions) {
  if (!Number.isInteger(options.instances) || options.instances < 1 || options.instances > 500)
    throw new Error(
      `workload.instances: ${options.instances} is not allowed; allowed: a whole number from 1 to 500`,
    );
  return Array.from({ length: options.instances }, (_, k) =>
    emojivotoInstance(k + 1, options),
  ).flat();
}

/** Every instance's URLs for the load generator: web-svc on port 80 of each namespace. */
export function emojivotoUrls(instances: number, paths: string[] = STUDY_PATHS): string[] {
  return Array.from({ length: instances }, (_, k) =>
    paths.map(
      (p) =>
        `http://web-svc.${instanceNamespace(k + 1)}.svc.cluster.local${p.startsWith("/") ? p : `/${p}`}`,
    ),
  ).flat();
}

export const EMOJIVOTO_CONTAINERS = ["web-svc", "emoji-svc", "voting-svc"];
