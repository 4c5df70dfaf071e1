// The local resource sampler: every `intervalMs`, reads /proc for each target process and all its
// descendants (a sidecar that forks workers, or runs under a wrapper, is the whole tree) and
// records their CPU (cores: the CPU-time counter's delta since the previous reading ÷ the time
// between them, with that interval, so per-run figures can add the deltas up exactly) and memory
// (PSS: shared pages split among their sharers, so sidecars that share a binary are not counted
// once each). The targets are asked for at every tick, so processes started later are picked up,
// and a target left out of the list is no longer watched (its owner knows why). A name whose
// process changed (new pid or start time) is a restart; a listed process that is gone is an event
// too. Nothing is silently dropped.
import type { PlatformEvent, ProcessClass, ResourceSample } from "../types.ts";
import { clockTicksPerSecond, cpuCores, readProcTree, type TreeReading } from "./proc.ts";

export interface SampleTarget {
  name: string;
  class: ProcessClass;
  pid: number;
}

export interface ProcSamplerOptions {
  targets: () => readonly SampleTarget[];
  intervalMs: number;
  ticksPerSecond?: number;
  procRoot?: string;
  onSamples?: (batch: readonly ResourceSample[]) => void;
}

interface Last {
  pid: number;
  startTicks: number;
  cpuTicks: number;
  t: number;
  class: ProcessClass;
}

export class ProcSampler {
  readonly samples: ResourceSample[] = [];
  readonly events: PlatformEvent[] = [];
  readonly #options: ProcSamplerOptions;
  readonly #ticks: number;
  readonly #last = new Map<string, Last>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ProcSamplerOptions) {
    this.#options = options;
    this.#ticks = options.ticksPerSecond ?? clockTicksPerSecond();
  }

  /** Takes the baseline reading now, then samples every interval until stop(). */
  start(): void {
    if (this.#timer) return;
    this.sampleNow();
    this.#timer = setInterval(() => this.sampleNow(), this.#options.intervalMs);
  }

  /** Stops, with one last sample so the end of the load is covered. */
  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.sampleNow();
  }

  /** One round over every target; returns the samples it took. */
  sampleNow(): ResourceSample[] {
    const batch: ResourceSample[] = [];
    const t = Date.now();
    for (const target of this.#options.targets()) {
      const reading = readProcTree(target.pid, this.#options.procRoot);
      const last = this.#last.get(target.name);
      if (!reading) {
        if (last?.pid === target.pid) this.#vanished(target.name, last, t);
        continue;
      }
      if (last && (last.pid !== target.pid || last.startTicks !== reading.startTicks)) {
        this.events.push({
          t,
          name: target.name,
          class: target.class,
          kind: "restarted",
          message:
            last.pid !== target.pid
              ? `${target.name} restarted: pid ${last.pid} → ${target.pid}`
              : `${target.name} restarted: pid ${target.pid} is a new process`,
        });
      } else if (last && t > last.t) {
        // (A second reading in the same millisecond, stop() right after a tick, adds nothing.)
        batch.push(this.#sample(target, last, reading, t));
      }
      this.#last.set(target.name, {
        pid: target.pid,
        startTicks: reading.startTicks,
        cpuTicks: reading.cpuTicks,
        t,
        class: target.class,
      });
    }
    this.samples.push(...batch);
    if (batch.length > 0) this.#options.onSamples?.(batch);
    return batch;
  }

  #sample(target: SampleTarget, last: Last, reading: TreeReading, t: number): ResourceSample {
    return {
      name: target.name,
      class: target.class,
      t,
      cpuFromMs: last.t,
      cpuCores: cpuCores(
        { cpuTicks: last.cpuTicks, atMs: last.t },
        { cpuTicks: reading.cpuTicks, atMs: t },
        this.#ticks,
      ),
      memoryBytes: reading.memoryBytes,
    };
  }

  #vanished(name: string, last: Last, t: number): void {
    this.#last.delete(name);
    this.events.push({
      t,
      name,
      class: last.class,
      kind: "vanished",
      message: `${name} (pid ${last.pid}) is gone`,
    });
  }
}
