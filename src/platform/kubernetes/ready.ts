// Waiting until the workload is up: every Deployment in the given namespaces has all its
// pods, and every pod is Ready and meshed (has the proxy container the mesh injects). A
// timeout says which pods are not ready, why, and their last events.
import type { V1Pod } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { listAll, PAGE_SIZE } from "../../kube/list.ts";
import { lastEvents, podName, problem } from "./pods.ts";

export interface ReadyOptions {
  namespaces: string[];
  /** Containers every pod must have (the mesh's proxy, e.g. linkerd-proxy); none for bare. */
  expectContainers?: string[];
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (ready: number, total: number) => void;
}

export class NotReadyError extends Error {
  readonly pods: { pod: string; problem: string; events: string[] }[];
  constructor(
    timeoutMs: number,
    pods: { pod: string; problem: string; events: string[] }[],
    missing: string[],
  ) {
    const lines = [
      ...pods.map(
        (p) =>
          `  ${p.pod}: ${p.problem}${p.events.length ? `\n      ${p.events.join("\n      ")}` : ""}`,
      ),
      ...missing.map((m) => `  ${m}`),
    ];
    super(
      `workload not ready after ${Math.round(timeoutMs / 1000)}s; ${pods.length + missing.length} not ready:\n${lines.join("\n")}`,
    );
    this.name = "NotReadyError";
    this.pods = pods;
  }
}

interface Snapshot {
  pods: V1Pod[];
  /** Deployments with fewer pods than replicas: "deployment ns/name: 0 of 1 pods". */
  missing: string[];
}

async function snapshot(kube: Kube, namespaces: string[]): Promise<Snapshot> {
  const pods: V1Pod[] = [];
  const missing: string[] = [];
  for (const namespace of namespaces) {
    const [deployments, nsPods] = await Promise.all([
      kube.call(`list deployments in ${namespace}`, () =>
        listAll((t) =>
          kube.apps.listNamespacedDeployment({ namespace, limit: PAGE_SIZE, _continue: t }),
        ),
      ),
      kube.call(`list pods in ${namespace}`, () =>
        listAll((t) => kube.core.listNamespacedPod({ namespace, limit: PAGE_SIZE, _continue: t })),
      ),
    ]);
    const live = nsPods.filter((p) => !p.metadata?.deletionTimestamp);
    pods.push(...live);
    for (const d of deployments) {
      const want = d.spec?.replicas ?? 1;
      const selector = d.spec?.selector?.matchLabels ?? {};
      const have = live.filter((p) =>
        Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
      ).length;
      if (have < want)
        missing.push(
          `deployment ${namespace}/${d.metadata?.name}: ${have} of ${want} pods created`,
        );
    }
  }
  return { pods, missing };
}

export async function waitForReady(kube: Kube, options: ReadyOptions): Promise<V1Pod[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const s = await snapshot(kube, options.namespaces);
    const bad = s.pods.filter((p) => problem(p, options.expectContainers) !== null);
    options.onProgress?.(s.pods.length - bad.length, s.pods.length + s.missing.length);
    if (bad.length === 0 && s.missing.length === 0 && s.pods.length > 0) return s.pods;
    if (Date.now() >= deadline || options.signal?.aborted) {
      const pods = await Promise.all(
        bad.map(async (p) => ({
          pod: podName(p),
          problem: problem(p, options.expectContainers)!,
          events: await lastEvents(kube, p).catch(() => []),
        })),
      );
      throw new NotReadyError(
        options.timeoutMs,
        pods,
        s.pods.length === 0 && s.missing.length === 0 ? ["no pods at all"] : s.missing,
      );
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
  }
}
