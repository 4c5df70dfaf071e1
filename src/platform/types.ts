// The platform interface: where runs happen. The orchestrator (src/run/) drives any
// platform through these phases, one run at a time, and knows nothing of what is behind
// them (processes on loopback, or a Kubernetes cluster):
//
//   prepare → installMesh → deployWorkload → runLoad (load generator ‖ resource sampler)
//           → collect → cleanup (always: after success, failure, or a signal)
//
// Resources and events are kept as plain arrays in the simplest shape; the result model
// (run.json) maps them onto its own.

import type { LoadSettings } from "../loadgen/options.ts";
import type { Progress } from "../loadgen/run.ts";
import type { MeshDefinition } from "../mesh/schema.ts";
import type { LoadgenResult } from "../results/loadgen-schema.ts";
import type { PlatformRecord } from "../results/run-schema.ts";
import type { PlatformKind } from "../scenario/schema.ts";

/** control plane: the mesh's own services; data plane: sidecar or node proxies. */
export type ProcessClass = "control-plane" | "data-plane" | "application" | "load-generator";

export const PROCESS_CLASSES: readonly ProcessClass[] = [
  "control-plane",
  "data-plane",
  "application",
  "load-generator",
];

/** One process (local) or container (cluster) at one instant. */
export interface ResourceSample {
  /** `web-1`, `web-1-sidecar`, `loadgen` (local); `<pod>/<container>` (cluster). */
  name: string;
  class: ProcessClass;
  /** When the sample was taken, ms since the epoch. */
  t: number;
  /** Mean CPU over [cpuFromMs, readAtMs], in cores (1 = one core busy). */
  cpuCores: number;
  /**
   * Start of the interval `cpuCores` covers, ms since the epoch: the previous reading of the
   * same process (local), or metrics-server's timestamp − window (cluster).
   */
  cpuFromMs: number;
  /** When the reading was taken (metrics-server's timestamp); `t` when absent. */
  readAtMs?: number;
  /** Resident memory (local) or working set (cluster), bytes. */
  memoryBytes: number;
}

/** Something that happened to a process or container that a reader must see. */
export interface PlatformEvent {
  t: number;
  name: string;
  class: ProcessClass;
  /**
   * exited: ended while it should have been running (with code/signal and its last words);
   * restarted: the same name came back as a new process (pid or start time changed);
   * vanished: gone between two samples, no exit seen.
   */
  kind: "exited" | "restarted" | "vanished";
  message: string;
  /**
   * How many restarts a "restarted" event stands for (a cluster's restartCount jump); 1 when
   * absent.
   */
  restarts?: number;
}

export interface RunContext {
  /** Unique per run; names and labels of everything the run creates carry it. */
  runId: string;
  /** Aborting stops the load early (what was measured is kept) and cuts waits short. */
  signal?: AbortSignal;
  /** Progress lines for a person (phase details); the orchestrator decides where they go. */
  log?: (line: string) => void;
}

export interface WorkloadRequest {
  app: "emojivoto";
  instances: number;
}

export interface Deployment {
  /** One per app instance, in order: the URL the load generator uses for it. */
  instances: Array<{ name: string; baseUrl: string }>;
}

/** The load of one run: the load generator's options (less URLs and printing), and more. */
export type LoadRequest = LoadSettings & {
  /** Requested on every instance. */
  paths: string[];
  /** Resource sampling interval. */
  resourceIntervalMs: number;
};

export interface LoadHooks {
  /** The load generator's own lines: progress (rate, p50, p99 every interval) and summary. */
  onOutput?: (line: string) => void;
  /** The figures of each progress line (live rate, p50, p99, phase, elapsed). */
  onProgress?: (progress: Progress) => void;
  /** Each batch of resource samples as it is taken. */
  onSamples?: (samples: readonly ResourceSample[]) => void;
}

export interface RunCollection {
  /** Null when the load generator never delivered (collect() after a failure). */
  loadgen: LoadgenResult | null;
  loadgenPath: string;
  hlogPath: string;
  samples: ResourceSample[];
  events: PlatformEvent[];
}

export type MeshCheck = { ok: true } | { ok: false; reason: string };

export interface Platform {
  readonly kind: PlatformKind;
  /**
   * Once before the first run, for platforms with something to set up (a cluster created or
   * adopted); says what run.json records about where the runs happen.
   */
  open?(log?: (line: string) => void): Promise<PlatformRecord>;
  /** Once after the last run (a throwaway cluster deleted). Idempotent. */
  close?(): Promise<void>;
  /** Whether a mesh can run here at all; `reason` is one line with how to fix it. */
  checkMesh(mesh: MeshDefinition): Promise<MeshCheck>;
  /** Starts a run: fresh state, nothing left from an earlier run. */
  prepare(context: RunContext): Promise<void>;
  /** `version`: the scenario's, or null for the definition's own. */
  installMesh(mesh: MeshDefinition, version: string | null): Promise<void>;
  /** Resolves once every instance answers through the mesh (real checks, no sleeps). */
  deployWorkload(workload: WorkloadRequest): Promise<Deployment>;
  /** Runs the load generator to the end, sampling resources meanwhile. */
  runLoad(load: LoadRequest, hooks?: LoadHooks): Promise<void>;
  collect(): Promise<RunCollection>;
  /** Removes everything the run created. Idempotent; safe in `finally` and from a signal. */
  cleanup(): Promise<void>;
}

/** Every instance × every path, the way the load generator takes its URLs. */
export function targetUrls(deployment: Deployment, paths: readonly string[]): string[] {
  return deployment.instances.flatMap((i) => paths.map((p) => new URL(p, i.baseUrl).href));
}

/**
 * A platform phase called out of order (deployWorkload before installMesh): a bug in the caller,
 * not a failed run.
 */
export class PhaseOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PhaseOrderError";
  }
}
