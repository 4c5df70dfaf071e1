// The load generator on a cluster: a Job of P pods (node:24-slim running dist/loadgen.js from a
// ConfigMap), each at rate/P with one shared --start-at, all on the load-generator node (its label
// and taint), printing their results into their logs (--emit-results; progress lines go to stderr,
// so the log can be followed live). Meshed or not is the scenario's choice (default meshed, as in
// the 2019 study): the namespace gets the mesh's join labels, or the pods its opt-out annotations.
// Pure: options in, typed objects out.
import { Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Namespace } from "kubernetes-models/v1";
import { COMPONENT, checkRunId, LOADGEN_NODE } from "../../kube/labels.ts";
import { checked, DNS_LABEL, IMAGE, LABEL_KEY, LABEL_VALUE } from "../../kube/names.ts";
import { loadgenArgv } from "../../loadgen/argv.ts";
import { LOADGEN_DEFAULTS } from "../../loadgen/options.ts";
import { groupByOrigin } from "../../loadgen/plan.ts";

export const LOADGEN_NAMESPACE = "meshbench-loadgen";
export const LOADGEN_JOB = "loadgen";
export const LOADGEN_CONTAINER = "loadgen";
export const LOADGEN_IMAGE = "node:24-slim";
/** What each load-generator pod requests of its node. */
export const LOADGEN_CPU_REQUEST = "500m";
/** A ConfigMap holds at most 1 MiB (keys and values together). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface LoadgenJobOptions {
  runId: string;
  /** dist/loadgen.js, the whole file. */
  script: string;
  urls: string[];
  /** Load-generator pods (P); each runs at rate / P. */
  pods: number;
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** Over all pods; each pod gets connections / P (rounded up). */
  connections: number;
  workersPerPod?: number;
  timeoutMs?: number;
  intervalMs?: number;
  pacing?: "efficient" | "precise";
  /** The shared wall-clock start (epoch ms). */
  startAtMs: number;
  meshed: boolean;
  /** Mesh join labels/annotations for the namespace (used when meshed). */
  namespaceLabels?: Record<string, string>;
  namespaceAnnotations?: Record<string, string>;
  /** Mesh join annotations for the pods (used when meshed). */
  podAnnotations?: Record<string, string>;
  /**
   * Pod annotations that keep the mesh out (used when not meshed), e.g. linkerd.io/inject:
   * disabled.
   */
  optOutAnnotations?: Record<string, string>;
  /** The namespace's Pod Security label (meshed or not). */
  podSecurityLabels?: Record<string, string>;
  image?: string;
  cpuRequest?: string;
  namespace?: string;
}

/** Checked labels or annotations; undefined when there are none (no empty maps rendered). */
function labelMap(field: string, m: Record<string, string> | undefined, values: RegExp) {
  if (!m || Object.keys(m).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(m ?? {}).map(([k, v]) => [
      checked(`${field} key`, k, LABEL_KEY),
      checked(`${field}["${k}"]`, v, values),
    ]),
  );
}

/** Each pod's flags: its share of rate and connections, the shared start, the urls file. */
export function podLoadgenArgs(o: LoadgenJobOptions): string[] {
  const perPodConnections = Math.ceil(o.connections / o.pods);
  const hosts = groupByOrigin(o.urls).size;
  if (perPodConnections < hosts) {
    throw new Error(
      `load.connections: ${o.connections} over ${o.pods} load-generator pods is ${perPodConnections} per pod, fewer than the ${hosts} hosts every pod talks to; use at least ${hosts * o.pods}`,
    );
  }
  return [
    "/loadgen/loadgen.js",
    ...loadgenArgv({
      urlsFile: "/loadgen/urls.txt",
      rate: o.rate / o.pods,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      connections: perPodConnections,
      workers: Math.min(o.workersPerPod ?? 1, perPodConnections),
      timeoutMs: o.timeoutMs ?? LOADGEN_DEFAULTS.timeoutMs,
      intervalMs: o.intervalMs ?? LOADGEN_DEFAULTS.intervalMs,
      pacing: o.pacing ?? LOADGEN_DEFAULTS.pacing,
      startAtMs: o.startAtMs,
      outDir: "/tmp/meshbench",
      emitResults: true,
    }),
  ];
}

export function loadgenManifests(o: LoadgenJobOptions) {
  const runId = checkRunId(o.runId);
  const namespace = checked(
    "load-generator namespace",
    o.namespace ?? LOADGEN_NAMESPACE,
    DNS_LABEL,
  );
  const image = checked("load-generator image", o.image ?? LOADGEN_IMAGE, IMAGE);
  if (!Number.isInteger(o.pods) || o.pods < 1 || o.pods > 100)
    throw new Error(`load.pods: ${o.pods} is not allowed; allowed: a whole number from 1 to 100`);
  for (const url of o.urls)
    if (/[\r\n]/.test(url)) throw new Error(`load URL ${JSON.stringify(url)} has a line break`);
  const urls = `${o.urls.join("\n")}\n`;
  const size =
    Buffer.byteLength(o.script) + Buffer.byteLength(urls) + "loadgen.js".length + "urls.txt".length;
  if (size > CONFIGMAP_LIMIT_BYTES)
    throw new Error(
      `the load generator's ConfigMap would be ${size} bytes, over the API server's ${CONFIGMAP_LIMIT_BYTES}`,
    );
  const labels = { [COMPONENT]: "loadgen" };
  const podLabels = { ...labels, app: LOADGEN_JOB };
  return [
    new Namespace({
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          ...(o.meshed ? labelMap("mesh namespace label", o.namespaceLabels, LABEL_VALUE) : {}),
          ...o.podSecurityLabels,
        },
        annotations: o.meshed
          ? labelMap("mesh namespace annotation", o.namespaceAnnotations, /^[\s\S]{0,256}$/)
          : undefined,
      },
    }),
    new ConfigMap({
      metadata: { name: LOADGEN_JOB, namespace, labels },
      data: { "loadgen.js": o.script, "urls.txt": urls },
    }),
    new Job({
      metadata: { name: LOADGEN_JOB, namespace, labels },
      spec: {
        parallelism: o.pods,
        completions: o.pods,
        backoffLimit: 0,
        // A stuck run ends anyway: its duration plus 30 minutes for the start lead and drain.
        activeDeadlineSeconds: Math.ceil(o.durationMs / 1000) + 1800,
        template: {
          metadata: {
            labels: podLabels,
            annotations: o.meshed
              ? labelMap("mesh pod annotation", o.podAnnotations, /^[\s\S]{0,4096}$/)
              : labelMap("mesh opt-out annotation", o.optOutAnnotations, /^[\s\S]{0,256}$/),
          },
          spec: {
            restartPolicy: "Never",
            nodeSelector: { [LOADGEN_NODE]: runId },
            tolerations: [
              { key: LOADGEN_NODE, operator: "Equal", value: runId, effect: "NoSchedule" },
            ],
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: LOADGEN_CONTAINER,
                image,
                command: ["node"],
                args: podLoadgenArgs(o),
                resources: { requests: { cpu: o.cpuRequest ?? LOADGEN_CPU_REQUEST } },
                volumeMounts: [{ name: "loadgen", mountPath: "/loadgen", readOnly: true }],
              },
            ],
            volumes: [{ name: "loadgen", configMap: { name: LOADGEN_JOB, defaultMode: 0o444 } }],
          },
        },
      },
    }),
  ];
}
