// Running the load generator on the cluster: apply its Job with a shared start far enough
// ahead for P pods to be scheduled and pulled, wait until every pod's load-generator
// container has terminated (not the Job: a meshed pod's sidecar keeps it alive), read the
// results block from each pod's log, and merge them exactly.
import type { V1Pod } from "@kubernetes/client-node";
import { mergeHlogs } from "../../histogram/hlog-merge.ts";
import { applyObjects } from "../../kube/apply.ts";
import type { Kube } from "../../kube/client.ts";
import type { LoadgenResult } from "../../results/loadgen-schema.ts";
import { mergeLoadgenResults } from "../../results/merge.ts";
import { parseResultsBlock } from "../../results/pod-log.ts";
import {
  LOADGEN_CONTAINER,
  LOADGEN_JOB,
  LOADGEN_NAMESPACE,
  type LoadgenJobOptions,
  loadgenManifests,
} from "./loadgen-manifests.ts";
import { readLog } from "./logs.ts";
import { lastEvents, podName, problem } from "./pods.ts";

/** Default time between creating the Job and the shared start: scheduling and image pulls. */
export const DEFAULT_START_LEAD_MS = 90_000;

export interface StartedLoadgen {
  namespace: string;
  startAtMs: number;
  pods: number;
  durationMs: number;
}

/** Applies the namespace, ConfigMap and Job; the pods start together at now + lead. */
export async function startLoadgen(
  kube: Kube,
  options: Omit<LoadgenJobOptions, "startAtMs"> & { startLeadMs?: number },
  now = Date.now(),
): Promise<StartedLoadgen> {
  const startAtMs = now + (options.startLeadMs ?? DEFAULT_START_LEAD_MS);
  await applyObjects(kube, loadgenManifests({ ...options, startAtMs }), options.runId);
  return {
    namespace: options.namespace ?? LOADGEN_NAMESPACE,
    startAtMs,
    pods: options.pods,
    durationMs: options.durationMs,
  };
}

const loadgenStatus = (p: V1Pod) =>
  p.status?.containerStatuses?.find((s) => s.name === LOADGEN_CONTAINER);

export class LoadgenFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadgenFailedError";
  }
}

export interface WaitOptions {
  /** Beyond start + duration (default 5 minutes: drain, slow log flush). */
  graceMs?: number;
  /**
   * After the shared start, how long a pod may still not have started (unschedulable, image
   * pull) before the run fails with the reason, instead of waiting out the whole run.
   */
  startGraceMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  onPod?: (pod: string, state: string) => void;
}

/** Waits until all P pods' load-generator containers have terminated; returns the pods. */
export async function waitForLoadgen(
  kube: Kube,
  run: StartedLoadgen,
  options: WaitOptions = {},
): Promise<V1Pod[]> {
  const deadline = run.startAtMs + run.durationMs + (options.graceMs ?? 300_000);
  const seen = new Set<string>();
  for (;;) {
    const list = await kube.call(`list load-generator pods in ${run.namespace}`, () =>
      kube.core.listNamespacedPod({
        namespace: run.namespace,
        labelSelector: `job-name=${LOADGEN_JOB}`,
      }),
    );
    const pods = list.items;
    for (const p of pods) {
      const name = p.metadata?.name ?? "";
      if (!seen.has(name)) {
        seen.add(name);
        options.onPod?.(name, "created");
      }
    }
    const vanished = [...seen].filter((n) => !pods.some((p) => p.metadata?.name === n));
    if (vanished.length > 0)
      throw new LoadgenFailedError(
        `load-generator pod(s) ${vanished.join(", ")} vanished before finishing (evicted or deleted?)`,
      );
    const failed = pods.filter((p) => (loadgenStatus(p)?.state?.terminated?.exitCode ?? 0) !== 0);
    if (failed.length > 0) {
      const details = await Promise.all(
        failed.map(async (p) => {
          const t = loadgenStatus(p)!.state!.terminated!;
          const tail = await readLog(kube, run.namespace, p.metadata!.name!, LOADGEN_CONTAINER)
            .then((log) => log.trimEnd().split("\n").slice(-5).join("\n      "))
            .catch(() => "(log unavailable)");
          return `  ${podName(p)}: exit ${t.exitCode}${t.reason ? ` (${t.reason})` : ""}\n      ${tail}`;
        }),
      );
      throw new LoadgenFailedError(`load generator failed:\n${details.join("\n")}`);
    }
    const done = pods.filter((p) => loadgenStatus(p)?.state?.terminated);
    if (Date.now() > run.startAtMs + (options.startGraceMs ?? 120_000)) {
      const notStarted = pods.filter((p) => {
        const state = loadgenStatus(p)?.state;
        return !state?.running && !state?.terminated;
      });
      if (notStarted.length > 0 || pods.length < run.pods) {
        const lines = await Promise.all(
          notStarted.map(
            async (p) =>
              `  ${podName(p)}: ${problem(p) ?? "not started"}; ${(await lastEvents(kube, p).catch(() => [])).join("; ")}`,
          ),
        );
        const secs = Math.round((Date.now() - run.startAtMs) / 1000);
        throw new LoadgenFailedError(
          `load generator not started ${secs}s after the shared start: ${pods.length - notStarted.length} of ${run.pods} pods running${lines.length ? `:\n${lines.join("\n")}` : ""}`,
        );
      }
    }
    if (done.length >= run.pods) return done;
    if (Date.now() > deadline || options.signal?.aborted) {
      const waiting = pods.filter((p) => !loadgenStatus(p)?.state?.terminated);
      const lines = await Promise.all(
        waiting.map(
          async (p) =>
            `  ${podName(p)}: ${problem(p) ?? "running"}; ${(await lastEvents(kube, p).catch(() => [])).join("; ")}`,
        ),
      );
      const why = options.signal?.aborted ? "stopped" : "timed out";
      throw new LoadgenFailedError(
        `load generator ${why}: ${done.length} of ${run.pods} pods finished${lines.length ? `; still running or waiting:\n${lines.join("\n")}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
  }
}

export interface PodResults {
  pod: string;
  node: string | undefined;
  result: LoadgenResult;
  hlog: string;
}

export interface LoadgenResults {
  pods: PodResults[];
  /** All pods merged: histograms added, counts summed, percentiles recomputed. */
  merged: LoadgenResult;
  /** The pods' interval logs added interval by interval. */
  hlog: string;
  /** Pods whose container started after the shared start (their first requests went out late). */
  late: string[];
}

/** Reads each pod's results block and merges them. */
export async function collectLoadgen(
  kube: Kube,
  run: StartedLoadgen,
  pods: V1Pod[],
): Promise<LoadgenResults> {
  const perPod = await Promise.all(
    pods.map(async (p) => {
      const name = p.metadata!.name!;
      const log = await readLog(kube, run.namespace, name, LOADGEN_CONTAINER);
      const { result, hlog } = parseResultsBlock(log, `the log of pod ${run.namespace}/${name}`);
      return { pod: name, node: p.spec?.nodeName, result, hlog };
    }),
  );
  const merged = mergeLoadgenResults(perPod.map((p) => p.result));
  const late = pods
    .filter((p) => {
      const started = loadgenStatus(p)?.state?.terminated?.startedAt;
      return started !== undefined && new Date(started).getTime() > run.startAtMs;
    })
    .map((p) => p.metadata!.name!);
  return {
    pods: perPod,
    merged,
    hlog: mergeHlogs(
      perPod.map((p) => p.hlog),
      merged.target.intervalMs,
      `meshbench: ${perPod.length} load-generator pods merged`,
    ),
    late,
  };
}
