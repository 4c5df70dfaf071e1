// Resource sampling on a cluster: every interval and once more at the end, the metrics.k8s.io pod
// metrics of the given namespaces (the mesh's, the workload's, the load generator's), each
// container classed (each pod's usage is metrics-server's rate over its own `window` ending at its
// `timestamp`: both are kept, so per-run figures line the reading up with the interval it covers);
// and the pods themselves, to notice restarts (restartCount going up) and pods that vanish mid-run.
// Without metrics-server it says so once and carries on: latency is still measured, restarts and
// vanished pods are still events. A failed sample is a notice, never the end of the run.
import type { PodMetricsList, V1Pod } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { statusOf } from "../../kube/errors.ts";
import { listAll, PAGE_SIZE } from "../../kube/list.ts";
import { cpuCores, memoryBytes, parseDurationMs } from "../../kube/quantity.ts";
import { isRetryableCode, type RetryPolicy } from "../../kube/retry.ts";
import { type Classifier, type ContainerClass, classify } from "./classify.ts";

export interface PodSample {
  /** ms since the epoch. */
  t: number;
  namespace: string;
  pod: string;
  container: string;
  class: ContainerClass;
  /** Mean CPU over [cpuFromMs, readAtMs]. */
  cpuCores: number;
  memoryBytes: number;
  /** metrics-server's timestamp − window, ms since the epoch. */
  cpuFromMs: number;
  /** metrics-server's timestamp: when the kubelet took the reading. */
  readAtMs: number;
}

export interface ResourceEvent {
  t: number;
  kind: "restart" | "vanished";
  namespace: string;
  pod: string;
  container?: string;
  detail: string;
  /** For a restart: by how much the restart count went up since the previous sample. */
  restarts?: number;
}

export interface SamplerOptions {
  namespaces: string[];
  classifier: Classifier;
  /** Default 30 s (DESIGN.md). */
  intervalMs?: number;
  now?: () => number;
  /** Things a person should know: no metrics-server, a failed sample. */
  onNotice?: (message: string) => void;
}

export interface SamplerOutput {
  samples: PodSample[];
  events: ResourceEvent[];
  /** false when metrics.k8s.io is not served (no metrics-server). */
  metricsAvailable: boolean;
}

interface Seen {
  restarts: Map<string, number>;
  phase: string;
  node: string | undefined;
  labels: Record<string, string>;
}

/** How long the last sample may take, retries included. */
const FINAL_SAMPLE_MS = 5000;

export const NO_METRICS_NOTICE =
  "metrics.k8s.io is not served (no metrics-server?): CPU and memory are not sampled; latency is measured as usual";
export const METRICS_STARTING_NOTICE =
  "metrics-server not serving yet (metrics.k8s.io answers 503): CPU and memory samples start when it does";

export class ResourceSampler {
  readonly samples: PodSample[] = [];
  readonly events: ResourceEvent[] = [];
  private metricsAvailable = true;
  private warnedUnavailable = false;
  private readonly pods = new Map<string, Seen>();
  private readonly kube: Kube;
  private readonly options: SamplerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private started = false;

  constructor(kube: Kube, options: SamplerOptions) {
    this.kube = kube;
    this.options = options;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** One sample of every namespace: metrics, restarts, vanished pods. */
  async sampleOnce(budgetMs = this.options.intervalMs ?? 30_000): Promise<void> {
    const t = this.now();
    // Retries within a sample wait no longer than its interval in all: a sample that ran
    // on would push the next ones back (a 10 s interval must not become 45 s).
    const deadline = Date.now() + budgetMs;
    const retry = (): Partial<RetryPolicy> => ({ budgetMs: Math.max(0, deadline - Date.now()) });
    let metricsServing = this.metricsAvailable;
    for (const namespace of this.options.namespaces) {
      try {
        await this.trackPods(namespace, t, retry());
        // One 503 says it for the whole API group: skip it for the rest of this sample.
        if (metricsServing) metricsServing = await this.readMetrics(namespace, t, retry());
      } catch (error) {
        this.options.onNotice?.(
          `resource sample of ${namespace} failed: ${(error as Error).message}`,
        );
      }
    }
  }

  /** false when metrics.k8s.io is not serving (now, or at all). */
  private async readMetrics(
    namespace: string,
    t: number,
    retry: Partial<RetryPolicy>,
  ): Promise<boolean> {
    let list: PodMetricsList;
    try {
      // The metrics path through the generic client: it keeps the HTTP status of an answer
      // that is not JSON (client-node's Metrics reports those as 500).
      list = (await this.kube.call(
        `read pod metrics of ${namespace}`,
        () =>
          this.kube.custom.listNamespacedCustomObject({
            group: "metrics.k8s.io",
            version: "v1beta1",
            namespace,
            plural: "pods",
          }),
        // 503 here is the aggregator saying metrics-server is not up: it will not be in a
        // second, so the next sample asks again instead.
        { ...retry, retryOn: (code) => code !== 503 && isRetryableCode(code) },
      )) as PodMetricsList;
    } catch (error) {
      const code = statusOf((error as Error).cause)?.code ?? statusOf(error)?.code;
      if (code === 404) {
        // The API group is not there at all: no metrics-server. Stop asking.
        this.metricsAvailable = false;
        this.options.onNotice?.(NO_METRICS_NOTICE);
        return false;
      }
      if (code === 503) {
        // Registered but not serving (metrics-server still starting): try again next time.
        if (!this.warnedUnavailable) this.options.onNotice?.(METRICS_STARTING_NOTICE);
        this.warnedUnavailable = true;
        return false;
      }
      throw error;
    }
    for (const pod of list.items) {
      const readAtMs = Date.parse(pod.timestamp);
      let windowMs: number;
      try {
        windowMs = parseDurationMs(
          pod.window,
          `pod metrics of ${namespace}/${pod.metadata.name}: window`,
        );
        if (!Number.isFinite(readAtMs))
          throw new Error(
            `pod metrics of ${namespace}/${pod.metadata.name}: timestamp "${pod.timestamp}" is not a time`,
          );
      } catch (error) {
        // Usage without the interval it covers cannot be lined up with the run: not used.
        this.options.onNotice?.(`${(error as Error).message}; its usage is left out`);
        continue;
      }
      const seen = this.pods.get(`${namespace}/${pod.metadata.name}`);
      for (const c of pod.containers) {
        this.samples.push({
          t,
          namespace,
          pod: pod.metadata.name,
          container: c.name,
          class: classify(
            this.options.classifier,
            namespace,
            pod.metadata.name,
            c.name,
            seen?.labels,
            seen?.node,
          ),
          cpuCores: cpuCores(c.usage.cpu),
          memoryBytes: memoryBytes(c.usage.memory),
          cpuFromMs: readAtMs - windowMs,
          readAtMs,
        });
      }
    }
    return true;
  }

  private async trackPods(
    namespace: string,
    t: number,
    retry: Partial<RetryPolicy>,
  ): Promise<void> {
    const pods: V1Pod[] = await this.kube.call(
      `list pods in ${namespace}`,
      () =>
        listAll((token) =>
          this.kube.core.listNamespacedPod({ namespace, limit: PAGE_SIZE, _continue: token }),
        ),
      retry,
    );
    const present = new Set<string>();
    for (const p of pods) {
      const name = p.metadata?.name ?? "";
      const key = `${namespace}/${name}`;
      present.add(key);
      const before = this.pods.get(key);
      const now: Seen = {
        restarts: new Map(),
        phase: p.status?.phase ?? "Unknown",
        node: p.spec?.nodeName,
        labels: p.metadata?.labels ?? {},
      };
      for (const s of [
        ...(p.status?.initContainerStatuses ?? []),
        ...(p.status?.containerStatuses ?? []),
      ]) {
        now.restarts.set(s.name, s.restartCount);
        const was = before?.restarts.get(s.name);
        if (was !== undefined && s.restartCount > was) {
          const last = s.lastState?.terminated;
          this.events.push({
            t,
            kind: "restart",
            namespace,
            pod: name,
            container: s.name,
            restarts: s.restartCount - was,
            detail: `restarted ${s.restartCount - was} time(s) (restartCount ${was} → ${s.restartCount})${last ? `; last exit ${last.exitCode}${last.reason ? ` ${last.reason}` : ""}` : ""}`,
          });
        }
      }
      this.pods.set(key, now);
    }
    for (const [key, seen] of this.pods) {
      if (!key.startsWith(`${namespace}/`) || present.has(key)) continue;
      this.events.push({
        t,
        kind: "vanished",
        namespace,
        pod: key.slice(namespace.length + 1),
        detail: `pod disappeared mid-run (last seen ${seen.phase}${seen.node ? ` on ${seen.node}` : ""}); its figures stop here`,
      });
      this.pods.delete(key);
    }
  }

  /** Samples now and then every interval (fixed times, no drift), one at a time, until stop(). */
  start(): void {
    const interval = this.options.intervalMs ?? 30_000;
    this.started = true;
    let next = Date.now();
    const tick = () => {
      if (this.stopped) return;
      this.running = this.sampleOnce().finally(() => {
        next += interval;
        // A sample that took longer than the interval skips the slots it overran.
        while (next < Date.now()) next += interval;
        if (!this.stopped) this.timer = setTimeout(tick, next - Date.now());
      });
    };
    tick();
  }

  /** Stops, with one last sample (if it had started) so the end of the load is covered. */
  async stop(): Promise<SamplerOutput> {
    const started = this.started && !this.stopped;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // A short budget: the run is over, and an interrupted one must not wait a full interval.
    if (started)
      await this.sampleOnce(Math.min(this.options.intervalMs ?? 30_000, FINAL_SAMPLE_MS));
    return { samples: this.samples, events: this.events, metricsAvailable: this.metricsAvailable };
  }
}
