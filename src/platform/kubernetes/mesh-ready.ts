// Is the mesh up? The definition's readiness checks: in each namespace, the deployments
// (all, or those named) have every replica available at their current generation, and the
// daemonsets (node proxies, CNI agents) are ready on every node they target. A timeout
// names what is not ready and, for its pods, why and their last events.
import type { V1DaemonSet, V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { Kube } from "../../kube/client.ts";
import { listAll, PAGE_SIZE } from "../../kube/list.ts";
import { lastEvents, podName, problem } from "./pods.ts";

export interface MeshReadyCheck {
  namespace: string;
  deployments: "all" | string[];
  daemonsets: "all" | string[];
  timeoutMs: number;
}

export interface MeshReadyOptions {
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export class MeshNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeshNotReadyError";
  }
}

function deploymentProblem(d: V1Deployment): string | null {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return "not yet observed";
  if ((s.updatedReplicas ?? 0) < want) return `${s.updatedReplicas ?? 0} of ${want} updated`;
  if ((s.availableReplicas ?? 0) < want) return `${s.availableReplicas ?? 0} of ${want} available`;
  return null;
}

function daemonSetProblem(d: V1DaemonSet): string | null {
  const s = d.status;
  if (!s) return "no status yet";
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return "not yet observed";
  if (s.numberReady < s.desiredNumberScheduled)
    return `${s.numberReady} of ${s.desiredNumberScheduled} ready`;
  return null;
}

const selected = (wanted: "all" | string[], name: string | undefined) =>
  wanted === "all" || wanted.includes(name ?? "");

interface NotReady {
  what: string;
  why: string;
  selector: Record<string, string>;
}

interface Findings {
  notReady: NotReady[];
  missing: string[];
}

type Workload = V1Deployment | V1DaemonSet;

/** The objects of one kind the check names that are not there. */
function missingOf(kind: string, ns: string, found: Workload[], wanted: "all" | string[]) {
  return (wanted === "all" ? [] : wanted)
    .filter((name) => !found.some((o) => o.metadata?.name === name))
    .map((name) => `${kind} ${ns}/${name} does not exist`);
}

/** The objects of one kind the check selects that are not ready, each with why. */
function notReadyOf<T extends Workload>(
  kind: string,
  ns: string,
  found: T[],
  wanted: "all" | string[],
  problemOf: (o: T) => string | null,
): NotReady[] {
  return found.flatMap((o) => {
    const why = selected(wanted, o.metadata?.name) ? problemOf(o) : null;
    return why
      ? [
          {
            what: `${kind} ${ns}/${o.metadata?.name}`,
            why,
            selector: o.spec?.selector?.matchLabels ?? {},
          },
        ]
      : [];
  });
}

async function look(kube: Kube, c: MeshReadyCheck): Promise<Findings> {
  const ns = c.namespace;
  const findings: Findings = { notReady: [], missing: [] };
  const deployments =
    c.deployments === "all" || c.deployments.length > 0
      ? await kube.call(`list deployments in ${ns}`, () =>
          listAll((t) =>
            kube.apps.listNamespacedDeployment({ namespace: ns, limit: PAGE_SIZE, _continue: t }),
          ),
        )
      : [];
  const daemonsets =
    c.daemonsets === "all" || c.daemonsets.length > 0
      ? await kube.call(`list daemonsets in ${ns}`, () =>
          listAll((t) =>
            kube.apps.listNamespacedDaemonSet({ namespace: ns, limit: PAGE_SIZE, _continue: t }),
          ),
        )
      : [];
  if (c.deployments === "all" && deployments.length === 0)
    findings.missing.push(`no deployments in namespace ${ns} yet`);
  findings.missing.push(
    ...missingOf("deployment", ns, deployments, c.deployments),
    ...missingOf("daemonset", ns, daemonsets, c.daemonsets),
  );
  findings.notReady.push(
    ...notReadyOf("deployment", ns, deployments, c.deployments, deploymentProblem),
    ...notReadyOf("daemonset", ns, daemonsets, c.daemonsets, daemonSetProblem),
  );
  return findings;
}

/** The pods behind what is not ready, each with why and its last events. */
async function explain(kube: Kube, namespace: string, f: Findings): Promise<string[]> {
  const pods: V1Pod[] = await kube
    .call(`list pods in ${namespace}`, () =>
      listAll((t) => kube.core.listNamespacedPod({ namespace, limit: PAGE_SIZE, _continue: t })),
    )
    .catch(() => []);
  const lines: string[] = [...f.missing.map((m) => `  ${m}`)];
  for (const n of f.notReady) {
    lines.push(`  ${n.what}: ${n.why}`);
    const mine = pods.filter((p) =>
      Object.entries(n.selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
    );
    for (const p of mine) {
      const why = problem(p);
      if (why === null) continue;
      const events = await lastEvents(kube, p).catch(() => []);
      lines.push(
        `    ${podName(p)}: ${why}${events.length ? `\n      ${events.join("\n      ")}` : ""}`,
      );
    }
  }
  return lines;
}

/** Waits for every check in turn; each has its own timeout. */
export async function waitForMeshReady(
  kube: Kube,
  mesh: string,
  checks: MeshReadyCheck[],
  options: MeshReadyOptions = {},
): Promise<void> {
  for (const c of checks) {
    const deadline = Date.now() + c.timeoutMs;
    for (;;) {
      const f = await look(kube, c);
      if (f.notReady.length === 0 && f.missing.length === 0) {
        options.onProgress?.(`${mesh}: ready in ${c.namespace}`);
        break;
      }
      if (Date.now() >= deadline || options.signal?.aborted) {
        const lines = await explain(kube, c.namespace, f);
        throw new MeshNotReadyError(
          `mesh ${mesh} not ready after ${Math.round(c.timeoutMs / 1000)}s in namespace ${c.namespace}:\n${lines.join("\n")}`,
        );
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
    }
  }
}
