// The local platform: a run on this machine, with processes on loopback. Emojivoto ×N
// (every service its own process), the mesh's sidecars in front of every service, the
// load generator as its own process (so its CPU is measured apart from the apps'), and a
// /proc sampler over all of them. Everything started is owned by one ProcessSet and is
// gone after cleanup(), whatever happened before; a reaper (reaper.ts) started at prepare
// removes it all, and the run's folder, should meshbench itself be killed outright.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadgenArgv } from "../../loadgen/argv.ts";
import { missingRequirement } from "../../mesh/requirements.ts";
import type { LocalMesh, MeshDefinition } from "../../mesh/schema.ts";
import { loadgenResultSchema } from "../../results/loadgen-schema.ts";
import { parseProgressLine } from "../loadgen-progress.ts";
import {
  type Deployment,
  type LoadHooks,
  type LoadRequest,
  type MeshCheck,
  PhaseOrderError,
  type Platform,
  type PlatformEvent,
  type RunCollection,
  type RunContext,
  targetUrls,
  type WorkloadRequest,
} from "../types.ts";
import { startInstance } from "./emojivoto.ts";
import { newOwnerToken, otherRuns } from "./owned.ts";
import { describeExit, type ManagedProcess, ProcessSet } from "./processes.ts";
import { type Reaper, startReaper } from "./reaper.ts";
import { ProcSampler } from "./sampler.ts";
import { loadgenSelfCommand } from "./self.ts";

export interface LocalPlatformOptions {
  /** How long a process or an instance may take to become ready. */
  readyTimeoutMs?: number;
  /** Instances started at once (each is three processes, six with sidecars). */
  startConcurrency?: number;
  /** How long stopped processes get to exit before SIGKILL. */
  stopGraceMs?: number;
}

export interface ProcessInfo {
  name: string;
  class: ManagedProcess["class"];
  pid: number;
  port: number | null;
  running: boolean;
}

interface RunState {
  context: RunContext;
  processes: ProcessSet;
  configDir: string;
  reaper: Reaper;
  mesh: LocalMesh | null;
  deployment: Deployment | null;
  sampler: ProcSampler | null;
  load: { request: LoadRequest; exit: Awaited<ManagedProcess["exit"]> } | null;
  cleaned: Promise<void> | null;
}

export class LocalPlatform implements Platform {
  readonly kind = "local" as const;
  readonly #options: Required<LocalPlatformOptions>;
  #run: RunState | null = null;

  constructor(options: LocalPlatformOptions = {}) {
    this.#options = {
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      startConcurrency: options.startConcurrency ?? 4,
      stopGraceMs: options.stopGraceMs ?? 3000,
    };
  }

  async checkMesh(mesh: MeshDefinition): Promise<MeshCheck> {
    const reason = missingRequirement(mesh, "local");
    return reason === null ? { ok: true } : { ok: false, reason };
  }

  async prepare(context: RunContext): Promise<void> {
    if (this.#run && !this.#run.cleaned) {
      throw new PhaseOrderError("prepare: the previous run was not cleaned up");
    }
    const token = newOwnerToken();
    const configDir = await mkdtemp(join(tmpdir(), `meshbench-${context.runId}-`));
    let reaper: Reaper;
    try {
      reaper = await startReaper(token, configDir);
    } catch (error) {
      await rm(configDir, { recursive: true, force: true });
      throw error;
    }
    this.#run = {
      context,
      processes: new ProcessSet(token),
      configDir,
      reaper,
      mesh: null,
      deployment: null,
      sampler: null,
      load: null,
      cleaned: null,
    };
    warnOfOtherRuns(this.#run);
  }

  async installMesh(mesh: MeshDefinition, _version: string | null): Promise<void> {
    const run = this.#state("installMesh");
    const reason = missingRequirement(mesh, "local");
    if (reason !== null) throw new Error(`mesh ${mesh.name} cannot run here: ${reason}`);
    // A local mesh has nothing to install up front: its sidecars start with each service.
    run.mesh = mesh.local!;
    if (mesh.local?.sidecar) run.context.log?.(`mesh ${mesh.name}: a sidecar per service`);
  }

  async deployWorkload(workload: WorkloadRequest): Promise<Deployment> {
    const run = this.#state("deployWorkload");
    if (!run.mesh) throw new PhaseOrderError("deployWorkload: installMesh first");
    const indexes = Array.from({ length: workload.instances }, (_, i) => i + 1);
    const instances: Deployment["instances"] = [];
    // A few instances at a time: every process start costs a Node start-up.
    for (let at = 0; at < indexes.length; at += this.#options.startConcurrency) {
      const batch = indexes.slice(at, at + this.#options.startConcurrency);
      instances.push(
        ...(await Promise.all(
          batch.map((index) =>
            startInstance({
              processes: run.processes,
              index,
              sidecar: run.mesh!.sidecar,
              configDir: run.configDir,
              readyTimeoutMs: this.#options.readyTimeoutMs,
              signal: run.context.signal,
            }),
          ),
        )),
      );
      run.context.log?.(`${instances.length}/${workload.instances} instances ready`);
    }
    run.deployment = { instances };
    return run.deployment;
  }

  async runLoad(load: LoadRequest, hooks: LoadHooks = {}): Promise<void> {
    const run = this.#state("runLoad");
    if (!run.deployment) throw new PhaseOrderError("runLoad: deployWorkload first");
    await mkdir(load.outDir, { recursive: true });
    const urlsFile = join(run.configDir, "urls.txt");
    await writeFile(urlsFile, `${targetUrls(run.deployment, load.paths).join("\n")}\n`);

    const sampler = new ProcSampler({
      // The load generator is watched while it runs; everything else until cleanup.
      targets: () =>
        run.processes
          .all()
          .filter((p) => p.class !== "load-generator" || !p.exited)
          .map((p) => ({ name: p.name, class: p.class, pid: p.pid })),
      intervalMs: load.resourceIntervalMs,
      onSamples: hooks.onSamples,
    });
    run.sampler = sampler;

    // An abort that came before the load generator started (Ctrl-C during the last
    // readiness check) has no listener to hear it: without this the whole load would run.
    const signal = run.context.signal;
    if (signal?.aborted) throw new Error("interrupted before the load started");
    warnOfOtherRuns(run);
    const loadgenCommand = loadgenSelfCommand();
    const loadgen = await run.processes.start({
      name: "loadgen",
      class: "load-generator",
      command: loadgenCommand.command,
      args: [...loadgenCommand.args, ...loadgenArgv({ ...load, urlsFile })],
      expectExit: true,
      onLine: (line) => {
        hooks.onOutput?.(line);
        const progress = hooks.onProgress && parseProgressLine(line);
        if (progress) hooks.onProgress?.(progress);
      },
    });
    sampler.start();
    // Ctrl-C ends the schedule early; the load generator still writes what it measured.
    // The signal may have fired while the process was being spawned, before the listener
    // was on: looked at again once it is, so no abort falls between the two.
    const abort = () => loadgen.child.kill("SIGINT");
    signal?.addEventListener("abort", abort, { once: true });
    if (signal?.aborted) abort();
    try {
      const exit = await loadgen.exit;
      run.load = { request: load, exit };
      if (exit.code !== 0) {
        throw new Error(`the load generator ${describeExit(exit)}:\n${loadgen.tail()}`);
      }
    } finally {
      signal?.removeEventListener("abort", abort);
      sampler.stop();
    }
  }

  async collect(): Promise<RunCollection> {
    const run = this.#state("collect");
    if (!run.load) throw new PhaseOrderError("collect: runLoad first");
    const loadgenPath = join(run.load.request.outDir, "loadgen.json");
    const loadgen = loadgenResultSchema.parse(JSON.parse(await readFile(loadgenPath, "utf8")));
    return {
      loadgen,
      loadgenPath,
      hlogPath: join(run.load.request.outDir, "latency.hlog"),
      samples: [...(run.sampler?.samples ?? [])],
      events: this.events(),
    };
  }

  /** Events so far: exits seen by the process owner, restarts and vanishings by the sampler. */
  events(): PlatformEvent[] {
    const run = this.#run;
    if (!run) return [];
    const exited = run.processes.events;
    // A process that exited is also gone at the next sample: report it once, with its exit
    // (none when it was expected to end, as the load generator is; the sampler may sweep
    // between its end and the owner hearing of it).
    const ended = new Set(
      run.processes
        .all()
        .filter((p) => p.exited)
        .map((p) => p.name),
    );
    const fromSampler = (run.sampler?.events ?? []).filter(
      (e) => !(e.kind === "vanished" && ended.has(e.name)),
    );
    return [...exited, ...fromSampler].sort((a, b) => a.t - b.t);
  }

  /** Every process of the current run (for progress, debugging and tests). */
  processes(): ProcessInfo[] {
    return (this.#run?.processes.all() ?? []).map((p) => ({
      name: p.name,
      class: p.class,
      pid: p.pid,
      port: p.port,
      running: !p.exited,
    }));
  }

  async cleanup(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    run.cleaned ??= (async () => {
      run.sampler?.stop();
      try {
        await run.processes.stopAll(this.#options.stopGraceMs);
        await rm(run.configDir, { recursive: true, force: true });
      } finally {
        await run.reaper.close();
      }
    })();
    await run.cleaned;
  }

  /** Synchronous last resort for a second Ctrl-C: SIGKILL to every process of the run. */
  killAllNow(): void {
    this.#run?.processes.killAllNow();
  }

  #state(phase: string): RunState {
    if (!this.#run || this.#run.cleaned) throw new PhaseOrderError(`${phase}: prepare first`);
    return this.#run;
  }
}

/** Another run's load and services compete for this machine's CPU: its latency is skewed. */
function warnOfOtherRuns(run: RunState): void {
  for (const other of otherRuns(run.processes.token)) {
    run.context.log?.(
      `warning: another meshbench run is active on this machine (pid ${other.pid}, ${other.processes} processes): it competes for the CPU and skews this run's latency`,
    );
  }
}
