// The Kubernetes platform: a run on a cluster, phase by phase, for the orchestrator.
//
//   open       the cluster from the scenario's provider (an existing kubeconfig, or kind)
//   prepare    a run id, a private work directory, the load-generator node reserved
//   installMesh  the mesh's namespaces claimed, its install steps, its readiness checks
//   deployWorkload  Emojivoto ×N joined to the mesh; ready = every pod Ready and meshed
//   runLoad    sampler ‖ the load-generator Job (P pods, rate/P, one shared start), live
//              progress from the pods' logs, results read back from the logs and merged
//   collect    merged loadgen.json and latency.hlog, pods/<pod>.hlog, samples and events
//   cleanup    workload and load generator deleted (and waited for), the mesh uninstalled,
//              everything labelled with the run id deleted, the node released
//   close      a kind cluster deleted (unless kept)
//
// Every run installs its mesh afresh and removes it again, as the 2019 study did.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VersionApi } from "@kubernetes/client-node";
import { applyObjects } from "../../kube/apply.ts";
import { connect, type Kube } from "../../kube/client.ts";
import { mirrorImage } from "../../kube/images.ts";
import { managedSelector, RUN_ID } from "../../kube/labels.ts";
import { listAll, PAGE_SIZE } from "../../kube/list.ts";
import { deleteRunNamespaces } from "../../kube/namespaces.ts";
import type { RetryPolicy } from "../../kube/retry.ts";
import type { Progress } from "../../loadgen/run.ts";
import { missingRequirement } from "../../mesh/requirements.ts";
import type { MeshDefinition } from "../../mesh/schema.ts";
import type { ClusterInfo, Provider } from "../../provision/provider.ts";
import type { LoadgenResult } from "../../results/loadgen-schema.ts";
import type { PlatformRecord } from "../../results/run-schema.ts";
import type { ClusterSpec, Scenario } from "../../scenario/load.ts";
import type { ResolveOptions } from "../../tools/pinned.ts";
import {
  emojivotoManifests,
  emojivotoUrls,
  instanceNamespace,
} from "../../workload/emojivoto/kubernetes.ts";
import { combineProgress, parseProgressLine } from "../loadgen-progress.ts";
import type { Check } from "../preflight-checks.ts";
import type {
  Deployment,
  LoadHooks,
  LoadRequest,
  MeshCheck,
  Platform,
  PlatformEvent,
  ResourceSample,
  RunCollection,
  RunContext,
  WorkloadRequest,
} from "../types.ts";
import { PhaseOrderError } from "../types.ts";
import { type Classifier, classify } from "./classify.ts";
import { cleanup as cleanupByLabel } from "./cleanup.ts";
import {
  collectLoadgen,
  type LoadgenResults,
  type StartedLoadgen,
  startLoadgen,
  waitForLoadgen,
} from "./loadgen-job.ts";
import {
  LOADGEN_CONTAINER,
  LOADGEN_IMAGE,
  LOADGEN_JOB,
  LOADGEN_NAMESPACE,
} from "./loadgen-manifests.ts";
import { reserveLoadgenNode } from "./loadgen-node.ts";
import { readLoadgenScript } from "./loadgen-script.ts";
import { followLog } from "./logs.ts";
import { installMesh, type MeshContext, meshNamespaces, uninstallMesh } from "./mesh-install.ts";
import { kubernetesOf, podSecurityLabels } from "./mesh-steps.ts";
import { clusterInfo, clusterRunId, toPlatformEvent, toResourceSample } from "./platform-info.ts";
import { clusterChecks, type PlannedMesh, reachFailure } from "./preflight.ts";
import { waitForReady } from "./ready.ts";
import { ResourceSampler, type SamplerOutput } from "./sampler.ts";

export interface KubernetesPlatformOptions {
  cluster: ClusterSpec;
  /** Where the cluster comes from (src/provision/provider-for.ts builds it from `cluster`). */
  provider: Provider;
  /** Where the mesh CLIs, kind and metrics-server come from (cache, downloader). */
  tools?: ResolveOptions;
  /** The environment mesh CLIs and kind run with (default process.env). */
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetryPolicy>;
  /** How often waits look again (default 2 s; tests use less). */
  pollMs?: number;
  /** Progress lines outside a run (creating the cluster, deleting it). */
  log?: (line: string) => void;
}

interface RunState {
  context: RunContext;
  runId: string;
  workDir: string;
  /** A copy of the kubeconfig for the mesh CLIs, current context = the run's cluster. */
  kubeconfigPath: string;
  loadgenNode: string | null;
  /** claimed: the mesh's namespaces are this run's, so cleanup uninstalls it. */
  mesh: { definition: MeshDefinition; version: string | null; claimed: boolean } | null;
  workloadNamespaces: string[];
  deployment: Deployment | null;
  sampler: ResourceSampler | null;
  resources: SamplerOutput | null;
  followers: AbortController | null;
  load: {
    request: LoadRequest | null;
    started: StartedLoadgen | null;
    results: LoadgenResults | null;
  };
  cleaned: Promise<void> | null;
}

export class KubernetesPlatform implements Platform {
  readonly kind = "kubernetes" as const;
  readonly #options: KubernetesPlatformOptions;
  readonly #provider: Provider;
  #cluster: ClusterInfo | null = null;
  #kube: Kube | null = null;
  #info: PlatformRecord | null = null;
  #run: RunState | null = null;

  constructor(options: KubernetesPlatformOptions) {
    this.#options = options;
    this.#provider = options.provider;
  }

  /** Creates (kind) or adopts (kubeconfig) the cluster; what run.json says about it. */
  async open(log = this.#options.log, signal?: AbortSignal): Promise<PlatformRecord> {
    if (this.#info) return this.#info;
    const cluster = await this.#provider.create(signal).catch((error: NodeJS.ErrnoException) => {
      const p = this.#options.cluster.provider;
      if (p.kind === "kubeconfig" && error.code === "ENOENT")
        throw new Error(
          `no kubeconfig at ${error.path ?? p.path}: give cluster.kubeconfig in the scenario, --kubeconfig, or set KUBECONFIG`,
        );
      throw error;
    });
    this.#cluster = cluster;
    const kube = connect(
      { path: cluster.kubeconfigPath, ...(cluster.context ? { context: cluster.context } : {}) },
      this.#options.retry,
    );
    this.#kube = kube;
    const version = await kube
      .call("read the Kubernetes version", () => kube.config.makeApiClient(VersionApi).getCode())
      .then((v) => v.gitVersion)
      .catch(() => undefined);
    this.#info = clusterInfo(cluster.provider, cluster.nodes, version);
    log?.(
      `cluster ${cluster.name} (${cluster.provider}): ${cluster.nodes.length} nodes, Kubernetes ${version ?? "version unknown"}`,
    );
    return this.#info;
  }

  /**
   * The preflight's checks on the cluster, reading only (opening a kubeconfig's cluster
   * creates nothing; a kind cluster is made first). A cluster that cannot be reached is
   * the one failing check.
   */
  async preflight(scenario: Scenario, meshes: readonly PlannedMesh[]): Promise<Check[]> {
    try {
      await this.open();
    } catch (error) {
      return [reachFailure(error)];
    }
    return clusterChecks(this.#kube!, scenario, this.#options.cluster, meshes);
  }

  async close(): Promise<void> {
    const p = this.#options.cluster.provider;
    if (p.kind === "kind" && p.keep && this.#cluster) {
      this.#options.log?.(
        `keeping kind cluster ${p.name} (cluster.keep): kind export kubeconfig --name ${p.name} to use it, kind delete cluster --name ${p.name} to delete it`,
      );
      return;
    }
    await this.#provider.destroy();
  }

  async checkMesh(mesh: MeshDefinition): Promise<MeshCheck> {
    const reason = missingRequirement(mesh, "kubernetes", this.#options.env?.PATH);
    return reason === null ? { ok: true } : { ok: false, reason };
  }

  async prepare(context: RunContext): Promise<void> {
    if (this.#run && !this.#run.cleaned)
      throw new PhaseOrderError("prepare: the previous run was not cleaned up");
    await this.open(context.log, context.signal);
    await this.#provider.ensureUsable?.(context.log);
    const kube = this.#kube!;
    await this.#noLeftovers(context);
    const runId = clusterRunId(context.runId);
    const workDir = await mkdtemp(join(tmpdir(), `meshbench-${runId}-`));
    const kubeconfigPath = join(workDir, "kubeconfig");
    await writeFile(kubeconfigPath, kube.config.exportConfig(), { mode: 0o600 });
    this.#run = {
      context,
      runId,
      workDir,
      kubeconfigPath,
      loadgenNode: null,
      mesh: null,
      workloadNamespaces: [],
      deployment: null,
      sampler: null,
      resources: null,
      followers: null,
      load: { request: null, started: null, results: null },
      cleaned: null,
    };
    this.#run.loadgenNode = await reserveLoadgenNode(kube, runId);
    context.log?.(`run ${runId}: load-generator node ${this.#run.loadgenNode}`);
  }

  /**
   * Each run starts clean: meshbench namespaces still terminating (the previous run's
   * cleanup) are waited for; any others are a killed run's, which `meshbench cleanup`
   * removes — running over them would mix two runs' objects.
   */
  async #noLeftovers(context: RunContext): Promise<void> {
    const kube = this.#kube!;
    const deadline = Date.now() + this.#options.cluster.timeouts.cleanupMs;
    for (;;) {
      const namespaces = await kube.call("list meshbench namespaces", () =>
        listAll((t) =>
          kube.core.listNamespace({
            labelSelector: managedSelector(),
            limit: PAGE_SIZE,
            _continue: t,
          }),
        ),
      );
      const left = namespaces.filter((n) => !n.metadata?.deletionTimestamp);
      if (left.length > 0)
        throw new Error(
          `the cluster holds what an earlier meshbench run left: ${left
            .map(
              (n) => `namespace ${n.metadata?.name} (run ${n.metadata?.labels?.[RUN_ID] ?? "?"})`,
            )
            .join(", ")}; remove it with: meshbench cleanup`,
        );
      if (namespaces.length === 0) return;
      if (Date.now() > deadline || context.signal?.aborted)
        throw new Error(
          `namespaces of an earlier run are still being deleted: ${namespaces.map((n) => n.metadata?.name).join(", ")}`,
        );
      await new Promise((r) => setTimeout(r, this.#options.pollMs ?? 1000));
    }
  }

  #meshContext(run: RunState, withSignal: boolean): MeshContext {
    return {
      kube: this.#kube!,
      runId: run.runId,
      kubeconfigPath: run.kubeconfigPath,
      workDir: run.workDir,
      ...(this.#options.tools ? { tools: this.#options.tools } : {}),
      env: this.#options.env ?? process.env,
      log: (line) => run.context.log?.(line),
      ...(withSignal && run.context.signal ? { signal: run.context.signal } : {}),
      adoptExisting: this.#options.cluster.adoptExisting ?? false,
    };
  }

  async installMesh(mesh: MeshDefinition, version: string | null): Promise<void> {
    const run = this.#state("installMesh");
    const k = kubernetesOf(mesh);
    run.mesh = { definition: mesh, version, claimed: false };
    if (k.install.length === 0 && k.ready.length === 0) {
      run.context.log?.(`mesh ${mesh.name}: nothing to install`);
      return;
    }
    const state = run.mesh;
    await installMesh(this.#meshContext(run, true), mesh, version, {
      timeoutMs: this.#options.cluster.timeouts.installMs,
      namespaceWaitMs: this.#options.cluster.timeouts.cleanupMs,
      pollMs: this.#options.pollMs,
      onClaimed: () => {
        state.claimed = true;
      },
    });
  }

  async deployWorkload(workload: WorkloadRequest): Promise<Deployment> {
    const run = this.#state("deployWorkload");
    if (!run.mesh) throw new PhaseOrderError("deployWorkload: installMesh first");
    const k = kubernetesOf(run.mesh.definition);
    const kube = this.#kube!;
    const namespaces = Array.from({ length: workload.instances }, (_, i) =>
      instanceNamespace(i + 1),
    );
    run.workloadNamespaces = namespaces;
    await applyObjects(
      kube,
      emojivotoManifests({
        instances: workload.instances,
        namespaceLabels: { ...k.join.namespaceLabels, ...podSecurityLabels(run.mesh.definition) },
        namespaceAnnotations: k.join.namespaceAnnotations,
        podAnnotations: k.join.podAnnotations,
        image: (ref) => mirrorImage(ref, this.#options.cluster.images),
      }),
      run.runId,
    );
    let shown = -1;
    await waitForReady(kube, {
      namespaces,
      expectContainers: k.recognise.proxyContainers,
      timeoutMs: this.#options.cluster.timeouts.deployMs,
      pollMs: this.#options.pollMs,
      ...(run.context.signal ? { signal: run.context.signal } : {}),
      onProgress: (ready, total) => {
        if (ready === shown) return;
        shown = ready;
        run.context.log?.(`${ready}/${total} pods ready and meshed`);
      },
    });
    run.deployment = {
      instances: namespaces.map((ns) => ({
        name: ns,
        baseUrl: `http://web-svc.${ns}.svc.cluster.local/`,
      })),
    };
    return run.deployment;
  }

  #classifier(run: RunState): Classifier {
    const r = run.mesh ? kubernetesOf(run.mesh.definition).recognise : null;
    return {
      controlPlaneNamespaces: r?.controlPlaneNamespaces ?? [],
      proxyContainers: r?.proxyContainers ?? [],
      nodeProxyPods: [],
      nodeProxies: r?.nodeProxies ?? [],
      loadgenNamespace: LOADGEN_NAMESPACE,
      loadgenNode: run.loadgenNode,
    };
  }

  async runLoad(load: LoadRequest, hooks: LoadHooks = {}): Promise<void> {
    const run = this.#state("runLoad");
    if (!run.deployment || !run.mesh) throw new PhaseOrderError("runLoad: deployWorkload first");
    const kube = this.#kube!;
    const cluster = this.#options.cluster;
    const k = kubernetesOf(run.mesh.definition);
    run.load = { request: load, started: null, results: null };
    const script = await readLoadgenScript(this.#options.env ?? process.env);
    const meshSpaces = run.mesh ? meshNamespaces(run.mesh.definition) : [];
    const sampler = new ResourceSampler(kube, {
      namespaces: [
        ...new Set([
          ...meshSpaces,
          ...k.recognise.nodeProxies.map((n) => n.namespace),
          ...run.workloadNamespaces,
          LOADGEN_NAMESPACE,
        ]),
      ],
      classifier: this.#classifier(run),
      intervalMs: load.resourceIntervalMs,
      onNotice: (line) => run.context.log?.(line),
    });
    run.sampler = sampler;
    sampler.start();
    try {
      const started = await startLoadgen(kube, {
        runId: run.runId,
        script,
        urls: emojivotoUrls(run.workloadNamespaces.length, load.paths),
        pods: cluster.loadgen.pods,
        rate: load.rate,
        durationMs: load.durationMs,
        warmupMs: load.warmupMs,
        connections: load.connections,
        workersPerPod: load.workers,
        timeoutMs: load.timeoutMs,
        intervalMs: load.intervalMs,
        pacing: load.pacing,
        meshed: cluster.loadgen.meshed,
        namespaceLabels: k.join.namespaceLabels,
        namespaceAnnotations: k.join.namespaceAnnotations,
        podAnnotations: k.join.podAnnotations,
        optOutAnnotations: k.join.optOutPodAnnotations,
        podSecurityLabels: podSecurityLabels(run.mesh.definition),
        image: mirrorImage(LOADGEN_IMAGE, cluster.images),
        startLeadMs: cluster.loadgen.startLeadMs,
      });
      run.load.started = started;
      run.context.log?.(
        `load generator: ${started.pods} pod${started.pods === 1 ? "" : "s"} on ${run.loadgenNode}, ${load.rate / started.pods} rps each, starting together at ${new Date(started.startAtMs).toISOString()}`,
      );
      run.followers = new AbortController();
      void this.#follow(started, hooks, run.followers.signal);
      const pods = await waitForLoadgen(kube, started, {
        ...(this.#options.pollMs ? { pollMs: this.#options.pollMs } : {}),
        ...(run.context.signal ? { signal: run.context.signal } : {}),
      });
      run.load.results = await collectLoadgen(kube, started, pods);
      if (run.load.results.late.length > 0)
        run.context.log?.(
          `warning: pod(s) ${run.load.results.late.join(", ")} started after the shared start; their first requests went out late (raise cluster.loadgen.startLead)`,
        );
    } finally {
      run.followers?.abort();
      run.resources = await sampler.stop();
    }
  }

  /** Relays each pod's progress lines as they come; with P pods, one combined line per interval. */
  async #follow(started: StartedLoadgen, hooks: LoadHooks, signal: AbortSignal): Promise<void> {
    const kube = this.#kube!;
    const latest = new Map<string, Progress>();
    const followed = new Set<string>();
    const onLine = (pod: string, line: string) => {
      hooks.onOutput?.(`${pod}: ${line}`);
      const progress = parseProgressLine(line);
      if (!progress) return;
      latest.set(pod, progress);
      // The first pod's line paces the output; the others' latest figures are added in.
      if (pod !== [...followed].sort()[0]) return;
      const combined = combineProgress([...latest.values()]);
      if (combined) hooks.onProgress?.(combined);
    };
    while (!signal.aborted && followed.size < started.pods) {
      const list = await kube.core
        .listNamespacedPod({
          namespace: started.namespace,
          labelSelector: `job-name=${LOADGEN_JOB}`,
        })
        .catch(() => null);
      for (const p of list?.items ?? []) {
        const name = p.metadata?.name ?? "";
        const state = p.status?.containerStatuses?.find((s) => s.name === LOADGEN_CONTAINER)?.state;
        if (followed.has(name) || !(state?.running || state?.terminated)) continue;
        followed.add(name);
        followLog(kube, started.namespace, name, LOADGEN_CONTAINER, (l) => onLine(name, l), signal)
          // Progress is a courtesy: a broken stream costs the live figures, not the run.
          .catch(() => {});
      }
      await new Promise((r) => setTimeout(r, this.#options.pollMs ?? 2000));
    }
  }

  async collect(): Promise<RunCollection> {
    const run = this.#state("collect");
    const outDir = run.load.request?.outDir ?? run.workDir;
    const loadgenPath = join(outDir, "loadgen.json");
    const hlogPath = join(outDir, "latency.hlog");
    const results = run.load.results;
    let loadgen: LoadgenResult | null = null;
    if (results) {
      await mkdir(join(outDir, "pods"), { recursive: true });
      for (const p of results.pods) {
        await writeFile(join(outDir, "pods", `${p.pod}.hlog`), p.hlog);
        await writeFile(
          join(outDir, "pods", `${p.pod}.json`),
          `${JSON.stringify({ ...p.result, node: p.node }, null, 2)}\n`,
        );
      }
      await writeFile(loadgenPath, `${JSON.stringify(results.merged, null, 2)}\n`);
      await writeFile(hlogPath, results.hlog);
      loadgen = results.merged;
    }
    return { loadgen, loadgenPath, hlogPath, samples: this.samples(), events: this.events() };
  }

  /** Resource samples so far (all of them once the load has ended). */
  samples(): ResourceSample[] {
    const run = this.#run;
    const samples = run?.resources?.samples ?? run?.sampler?.samples ?? [];
    return samples.map(toResourceSample);
  }

  /** Restarts and vanished pods seen by the sampler, as the platform interface types them. */
  events(): PlatformEvent[] {
    const run = this.#run;
    if (!run) return [];
    const classifier = this.#classifier(run);
    return (run.resources?.events ?? run.sampler?.events ?? []).map((e) =>
      toPlatformEvent(e, classify(classifier, e.namespace, e.pod, e.container ?? "")),
    );
  }

  async cleanup(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    run.cleaned ??= this.#cleanup(run);
    await run.cleaned;
  }

  async #cleanup(run: RunState): Promise<void> {
    const kube = this.#kube!;
    const log = (line: string) => run.context.log?.(line);
    const waitMs = this.#options.cluster.timeouts.cleanupMs;
    const pollMs = this.#options.pollMs ?? 1000;
    const failures: string[] = [];
    run.followers?.abort();
    if (run.sampler && !run.resources) run.resources = await run.sampler.stop();
    // The workload and the load generator go first (their proxies before the control plane),
    // and are waited for: the next run deploys into namespaces of the same names.
    const first = [...run.workloadNamespaces, ...(run.load.started ? [LOADGEN_NAMESPACE] : [])];
    // Only those labelled with this run: a user's own emojivoto-1 (refused at deploy) stays.
    failures.push(
      ...(await deleteRunNamespaces(kube, first, { runId: run.runId, waitMs, pollMs, log })),
    );
    // Cleanup is not cut short by Ctrl-C: it is what Ctrl-C asks for.
    // Only a mesh this run installed: one refused at the claim may be someone else's.
    if (run.mesh?.claimed && kubernetesOf(run.mesh.definition).uninstall.length > 0) {
      log(`removing ${run.mesh.definition.name}`);
      failures.push(
        ...(await uninstallMesh(
          this.#meshContext(run, false),
          run.mesh.definition,
          run.mesh.version,
          this.#options.cluster.timeouts.installMs,
        )),
      );
    }
    const report = await cleanupByLabel(kube, { runId: run.runId, waitMs, pollMs });
    failures.push(...report.failures);
    if (report.stillTerminating.length > 0)
      failures.push(
        `namespaces still terminating after ${Math.round(waitMs / 1000)}s: ${report.stillTerminating.join(", ")}`,
      );
    await rm(run.workDir, { recursive: true, force: true });
    if (failures.length > 0)
      throw new Error(
        `cleanup left something behind (run 'meshbench cleanup' to retry):\n  ${failures.join("\n  ")}`,
      );
  }

  /** A second Ctrl-C: nothing can be deleted synchronously; say how to finish the job. */
  killAllNow(): void {
    process.stderr.write(
      "meshbench: the cluster may still hold what this run created; remove it with: meshbench cleanup\n",
    );
  }

  #state(phase: string): RunState {
    if (!this.#run || this.#run.cleaned) throw new PhaseOrderError(`${phase}: prepare first`);
    return this.#run;
  }
}
