// A tiny control loop standing in for the controllers and kubelets: Deployments get pods,
// DaemonSets one pod on every node whose taints and selectors the pod template fits (bound
// to it, as the DaemonSet controller does), pods are scheduled, get their sidecars when their namespace asks for injection, and
// become Ready after a delay; Jobs run pods whose main container prints a log the test
// provides and then terminates (injected sidecars keep running, as on a real cluster);
// namespaces being deleted are emptied; orphans of deleted owners are collected.
import { randomBytes } from "node:crypto";
import type { LogBook } from "./logs.ts";
import { definedObjects } from "./objects.ts";
import { levelOf, refusal } from "./pod-security.ts";
import { misfit, schedule } from "./scheduling.ts";
import { type KObject, resourceOf, type Store } from "./store.ts";

export interface Injection {
  /** Namespace label that turns injection on, e.g. ["istio-injection", "enabled"]. */
  namespaceLabel?: [string, string];
  /** Namespace annotation that does, e.g. ["linkerd.io/inject", "enabled"]. */
  namespaceAnnotation?: [string, string];
  /** The proxy container added to every pod there. */
  container: string;
  /** Pod-template annotation that turns it off, e.g. ["linkerd.io/inject", "disabled"]. */
  optOut?: [string, string];
  /**
   * Capabilities of the init container injected beside the proxy (`<container>-init`), as
   * linkerd-init and istio-init add NET_ADMIN and NET_RAW; none: no init container.
   */
  initCapabilities?: string[];
}

export interface JobRun {
  /** Lines the main container prints, spread over durationMs. */
  lines: string[];
  durationMs?: number;
  exitCode?: number;
}

export interface ControlOptions {
  readyAfterMs: number;
  neverReady?: (pod: KObject) => boolean;
  injections: Injection[];
  jobRun?: (pod: KObject, index: number) => JobRun | Promise<JobRun>;
}

const NAMESPACES = resourceOf("namespaces");
const NODES = resourceOf("nodes");
const PODS = resourceOf("pods");
const DEPLOYMENTS = resourceOf("deployments", "apps");
const DAEMONSETS = resourceOf("daemonsets", "apps");
const JOBS = resourceOf("jobs", "batch");
const CRDS = resourceOf("customresourcedefinitions", "apiextensions.k8s.io");
const isReady = (pod: KObject) =>
  pod.status?.conditions?.some(
    (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
  ) === true;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const suffix = (n: number) =>
  randomBytes(8)
    .toString("hex")
    .replace(/[0-9]/g, (d) => "bcdfghjklm"[Number(d)]!)
    .slice(0, n);

export class Controller {
  private readonly created = new Map<string, number>();
  private readonly running = new Set<string>();
  /** Owners whose pods Pod Security refused (one FailedCreate event each). */
  private readonly refused = new Set<string>();
  private jobIndex = 0;
  private readonly store: Store;
  private readonly logs: LogBook;
  private readonly options: ControlOptions;

  constructor(store: Store, logs: LogBook, options: ControlOptions) {
    this.store = store;
    this.logs = logs;
    this.options = options;
  }

  tick(): void {
    this.finalizeNamespaces();
    this.finalizeDefinitions();
    this.foregroundDeletions();
    this.collectOrphans();
    for (const d of this.store.list(DEPLOYMENTS)) this.reconcileDeployment(d);
    for (const d of this.store.list(DAEMONSETS)) this.reconcileDaemonSet(d);
    for (const j of this.store.list(JOBS)) this.reconcileJob(j);
    for (const c of this.store.list(CRDS)) this.establish(c);
    for (const p of this.store.list(PODS)) this.advancePod(p);
  }

  /** A container restart, as after an OOM kill or a failed liveness probe. */
  restartContainer(ns: string, pod: string, container: string): void {
    const p = this.store.mustGet(PODS, ns, pod);
    const s = (p.status?.containerStatuses ?? []).find(
      (c: { name: string }) => c.name === container,
    );
    if (!s) throw new Error(`no container ${container} in pod ${ns}/${pod}`);
    s.restartCount += 1;
    s.lastState = { terminated: { exitCode: 137, reason: "OOMKilled", finishedAt: now() } };
    s.state = { running: { startedAt: now() } };
    this.store.put(PODS, p);
    this.store.event(p, "BackOff", `Back-off restarting failed container ${container}`, "Warning");
  }

  private finalizeNamespaces(): void {
    for (const ns of this.store.list(NAMESPACES)) {
      if (!ns.metadata.deletionTimestamp) continue;
      const content = this.store.inNamespace(ns.metadata.name);
      for (const [r, o] of content) this.store.remove(r, ns.metadata.name, o.metadata.name);
      if (content.length === 0) this.store.remove(NAMESPACES, undefined, ns.metadata.name);
    }
  }

  /**
   * A CustomResourceDefinition being deleted takes its objects with it, whoever made them;
   * one with finalizers (its controller gone) stays, Terminating, and so does the definition.
   */
  private finalizeDefinitions(): void {
    for (const crd of this.store.list(CRDS)) {
      if (!crd.metadata.deletionTimestamp) continue;
      const objects = definedObjects(this.store, crd);
      for (const [r, o] of objects) {
        if (o.metadata.finalizers?.length) {
          if (!o.metadata.deletionTimestamp) {
            o.metadata.deletionTimestamp = now();
            this.store.put(r, o);
          }
        } else this.store.remove(r, o.metadata.namespace, o.metadata.name);
      }
      if (definedObjects(this.store, crd).length === 0)
        this.store.remove(CRDS, undefined, crd.metadata.name);
    }
  }

  private foregroundDeletions(): void {
    for (const r of [DEPLOYMENTS, DAEMONSETS, JOBS]) {
      for (const o of this.store.list(r)) {
        if (!o.metadata.finalizers?.includes("foregroundDeletion")) continue;
        const dependents = this.ownedPods(o);
        for (const p of dependents) this.store.remove(PODS, p.metadata.namespace, p.metadata.name);
        if (dependents.length === 0) this.store.remove(r, o.metadata.namespace, o.metadata.name);
      }
    }
  }

  private collectOrphans(): void {
    const uids = new Set(
      [DEPLOYMENTS, DAEMONSETS, JOBS].flatMap((r) => this.store.list(r).map((o) => o.metadata.uid)),
    );
    for (const p of this.store.list(PODS)) {
      const refs = p.metadata.ownerReferences ?? [];
      if (refs.length > 0 && !refs.some((r) => uids.has(r.uid)))
        this.store.remove(PODS, p.metadata.namespace, p.metadata.name);
    }
  }

  private ownedPods(owner: KObject): KObject[] {
    return this.store
      .list(PODS, owner.metadata.namespace)
      .filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid));
  }

  private newPod(
    owner: KObject,
    template: KObject,
    name: string,
    extraLabels: Record<string, string>,
  ): KObject | null {
    const ns = owner.metadata.namespace!;
    const spec = structuredClone(template.spec ?? {});
    const annotations = { ...(template.metadata?.annotations ?? {}) };
    const nsMeta = this.store.get(NAMESPACES, undefined, ns)?.metadata;
    const has = (map: Record<string, string> | undefined, kv?: [string, string]) =>
      kv !== undefined && map?.[kv[0]] === kv[1];
    for (const inj of this.options.injections) {
      const on =
        has(nsMeta?.labels, inj.namespaceLabel) ||
        has(nsMeta?.annotations, inj.namespaceAnnotation);
      const present = spec.containers.some((c: { name: string }) => c.name === inj.container);
      if (on && !has(annotations, inj.optOut) && !present) {
        spec.containers.push({
          name: inj.container,
          image: `fake.registry/${inj.container}:latest`,
        });
        if (inj.initCapabilities)
          spec.initContainers = [
            ...(spec.initContainers ?? []),
            {
              name: `${inj.container}-init`,
              image: `fake.registry/${inj.container}-init:latest`,
              securityContext: { capabilities: { add: inj.initCapabilities } },
            },
          ];
      }
    }
    // Pod Security admission refuses the pod: the controller retries, the pod never comes.
    const refused = refusal(levelOf(nsMeta?.labels, this.store.podSecurity.level), name, spec);
    if (refused) {
      if (!this.refused.has(owner.metadata.uid!)) {
        this.refused.add(owner.metadata.uid!);
        this.store.event(owner, "FailedCreate", `Error creating: ${refused}`, "Warning");
      }
      return null;
    }
    const pod = this.store.create(PODS, ns, {
      metadata: {
        name,
        labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
        annotations,
        ownerReferences: [
          {
            apiVersion: owner.apiVersion!,
            kind: owner.kind!,
            name: owner.metadata.name,
            uid: owner.metadata.uid!,
            controller: true,
          },
        ],
      },
      spec,
      status: { phase: "Pending", conditions: [], qosClass: "Burstable" },
    });
    this.created.set(pod.metadata.uid!, Date.now());
    return pod;
  }

  private reconcileDeployment(d: KObject): void {
    if (d.metadata.deletionTimestamp) return;
    const want = d.spec?.replicas ?? 1;
    const pods = this.ownedPods(d);
    for (let i = pods.length; i < want; i++)
      this.newPod(d, d.spec.template, `${d.metadata.name}-${suffix(10)}-${suffix(5)}`, {
        "pod-template-hash": suffix(10),
      });
    const ready = pods.filter(isReady).length;
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      updatedReplicas: pods.length,
    };
    if (JSON.stringify(status) !== JSON.stringify(d.status)) {
      d.status = status;
      this.store.put(DEPLOYMENTS, d);
    }
  }

  private reconcileDaemonSet(d: KObject): void {
    if (d.metadata.deletionTimestamp) return;
    const nodes = this.store
      .list(NODES)
      .filter((n) => misfit(d.spec.template, n) === null)
      .map((n) => n.metadata.name);
    const pods = this.ownedPods(d);
    for (const node of nodes.filter((n) => !pods.some((p) => p.spec.nodeName === n))) {
      const pod = this.newPod(d, d.spec.template, `${d.metadata.name}-${suffix(5)}`, {
        "controller-revision-hash": suffix(10),
      });
      if (!pod) continue; // refused by Pod Security: newPod recorded the FailedCreate event
      pod.spec.nodeName = node;
      this.store.put(PODS, pod);
    }
    const ready = this.ownedPods(d).filter(isReady).length;
    const status = {
      observedGeneration: d.metadata.generation,
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: this.ownedPods(d).length,
      numberReady: ready,
      numberAvailable: ready,
      updatedNumberScheduled: this.ownedPods(d).length,
      numberMisscheduled: 0,
    };
    if (JSON.stringify(status) !== JSON.stringify(d.status)) {
      d.status = status;
      this.store.put(DAEMONSETS, d);
    }
  }

  /** A definition is Established at the next tick (a real one takes a moment too). */
  private establish(crd: KObject): void {
    if (crd.status?.conditions?.some((c: { type: string }) => c.type === "Established")) return;
    crd.status = {
      conditions: [
        { type: "NamesAccepted", status: "True", lastTransitionTime: now() },
        { type: "Established", status: "True", lastTransitionTime: now() },
      ],
    };
    this.store.put(CRDS, crd);
  }

  private reconcileJob(j: KObject): void {
    if (j.metadata.deletionTimestamp) return;
    const parallelism = j.spec?.parallelism ?? 1;
    const completions = j.spec?.completions ?? parallelism;
    const pods = this.ownedPods(j);
    if (!j.status?.startTime) {
      for (let i = 0; i < Math.min(parallelism, completions); i++)
        this.newPod(j, j.spec.template, `${j.metadata.name}-${suffix(5)}`, {
          "job-name": j.metadata.name,
          "batch.kubernetes.io/job-name": j.metadata.name,
          "controller-uid": j.metadata.uid!,
          "batch.kubernetes.io/controller-uid": j.metadata.uid!,
        });
      j.status = { startTime: now(), active: parallelism };
      this.store.put(JOBS, j);
      return;
    }
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded").length;
    const failed = pods.filter((p) => p.status?.phase === "Failed").length;
    const status = { ...j.status, active: pods.length - succeeded - failed, succeeded, failed };
    if (succeeded >= completions && !j.status.completionTime) {
      status.completionTime = now();
      status.conditions = [{ type: "Complete", status: "True", lastTransitionTime: now() }];
    }
    if (JSON.stringify(status) !== JSON.stringify(j.status)) {
      j.status = status;
      this.store.put(JOBS, j);
    }
  }

  private advancePod(p: KObject): void {
    const ns = p.metadata.namespace!;
    if (!p.spec.nodeName || !p.status?.containerStatuses) {
      // A DaemonSet's pod comes bound to its node; every other pod is scheduled.
      const placed = p.spec.nodeName
        ? { node: p.spec.nodeName as string }
        : schedule(p, this.store.list(NODES));
      if ("message" in placed) {
        const already = p.status.conditions?.some(
          (c: { reason?: string }) => c.reason === "Unschedulable",
        );
        if (!already) {
          p.status.conditions = [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message: placed.message,
            },
          ];
          this.store.put(PODS, p);
          this.store.event(p, "FailedScheduling", placed.message, "Warning");
        }
        return;
      }
      p.spec.nodeName = placed.node;
      p.status.conditions = [{ type: "PodScheduled", status: "True" }];
      p.status.containerStatuses = p.spec.containers.map((c: { name: string; image: string }) => ({
        name: c.name,
        image: c.image,
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: "ContainerCreating" } },
      }));
      this.store.put(PODS, p);
      this.store.event(
        p,
        "Scheduled",
        `Successfully assigned ${ns}/${p.metadata.name} to ${placed.node}`,
      );
      return;
    }
    const age = Date.now() - (this.created.get(p.metadata.uid!) ?? 0);
    if (p.status.phase !== "Pending" || age < this.options.readyAfterMs) return;
    const isJob = p.metadata.labels?.["job-name"] !== undefined;
    const neverReady = !isJob && this.options.neverReady?.(p);
    p.status.phase = "Running";
    p.status.podIP = `10.244.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    p.status.startTime = now();
    for (const s of p.status.containerStatuses) {
      s.state = { running: { startedAt: now() } };
      s.started = true;
      s.ready = !neverReady;
    }
    p.status.conditions = [
      { type: "PodScheduled", status: "True" },
      { type: "Initialized", status: "True" },
      { type: "ContainersReady", status: neverReady ? "False" : "True" },
      { type: "Ready", status: neverReady ? "False" : "True" },
    ];
    this.store.put(PODS, p);
    for (const c of p.spec.containers)
      this.store.event(p, "Started", `Started container ${c.name}`);
    if (neverReady)
      this.store.event(
        p,
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "Warning",
      );
    if (isJob) void this.runJobPod(p);
  }

  /** The main (first) container prints its lines and exits; sidecars run on. */
  private async runJobPod(p: KObject): Promise<void> {
    const ns = p.metadata.namespace!;
    const main = p.spec.containers[0].name as string;
    let run: JobRun;
    try {
      run = (await this.options.jobRun?.(p, this.jobIndex++)) ?? { lines: ["done"] };
    } catch (error) {
      // The container's command failed: its output is the log, and it exits 1.
      run = { lines: String((error as Error).message).split("\n"), exitCode: 1 };
    }
    const step = (run.durationMs ?? 0) / Math.max(1, run.lines.length);
    for (const line of run.lines) {
      this.logs.append(ns, p.metadata.name, main, line);
      if (step > 0) await new Promise((r) => setTimeout(r, step));
    }
    this.logs.end(ns, p.metadata.name, main);
    const current = this.store.get(PODS, ns, p.metadata.name);
    if (!current) return;
    const exitCode = run.exitCode ?? 0;
    const s = current.status.containerStatuses.find((c: { name: string }) => c.name === main);
    s.state = {
      terminated: {
        exitCode,
        reason: exitCode === 0 ? "Completed" : "Error",
        startedAt: s.state.running?.startedAt,
        finishedAt: now(),
      },
    };
    s.ready = false;
    s.started = false;
    const others = current.status.containerStatuses.filter(
      (c: { name: string }) => c.name !== main,
    );
    if (others.length === 0) current.status.phase = exitCode === 0 ? "Succeeded" : "Failed";
    this.store.put(PODS, current);
  }
}
