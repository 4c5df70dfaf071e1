// Every process a local run starts, owned in one place, so that all of them can be
// stopped together whatever happens (success, failure, a signal). Each process's output
// is read line by line (a full pipe would stall it): a ready line gives its port, the
// last lines explain an exit. An exit nobody asked for is an event. Each process leads a
// process group of its own, and stopping it signals the whole group, so the workers of a
// forking proxy or the children of a wrapper script stop with it; every process also
// carries the run's token in its environment (owned.ts), which finds even one that left
// its group, and is tied to meshbench's life (die-with-parent.ts, reaper.ts) for when no
// cleanup can run.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { childEnv } from "../../tools/child-env.ts";
import { parseReadyLine } from "../../workload/ready-line.ts";
import type { PlatformEvent, ProcessClass } from "../types.ts";
import { dieWithParent } from "./die-with-parent.ts";
import { describeProcess, findOwned, killOwned, NAME_VAR, OWNER_VAR } from "./owned.ts";
import { waitAtMost } from "./wait.ts";

export interface StartSpec {
  name: string;
  class: ProcessClass;
  command: string;
  args: readonly string[];
  /** Set for this process on top of the allowlisted environment (tools/child-env.ts). */
  env?: Readonly<Record<string, string>>;
  /** Keep stdin open as a lifeline: meshbench's own services exit when it closes. */
  lifeline?: boolean;
  /** Wait for the ready line (src/workload/ready-line.ts) and take the port from it. */
  readyLine?: boolean;
  readyTimeoutMs?: number;
  /** The process is meant to end by itself (the load generator): its exit is no event. */
  expectExit?: boolean;
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  class: ProcessClass;
  pid: number;
  /** From the ready line, or set by whoever chose it (a sidecar's); null if none. */
  port: number | null;
  child: ChildProcess;
  readonly exited: boolean;
  exit: Promise<ExitInfo>;
  /** The last lines it printed (stdout and stderr), for error messages. */
  tail(): string;
}

const TAIL_LINES = 12;
/** After a process exits, how long its pipes may still deliver its last words. */
const STDIO_DRAIN_MS = 200;

export function describeExit(e: ExitInfo): string {
  return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
}

/** What meshbench needs of every process it starts (a sidecar is the one a user chooses). */
export const FOREGROUND =
  "a sidecar must stay in the foreground, so that meshbench can watch, measure and stop it: " +
  "run it with its foreground flag (haproxy -db, nginx -g 'daemon off;')";

export class ProcessSet {
  readonly events: PlatformEvent[] = [];
  /** In every process's environment (MESHBENCH_OWNER): how the kernel's view finds them. */
  readonly token: string;
  readonly #all: ManagedProcess[] = [];
  readonly #stopRequested = new Set<ManagedProcess>();
  readonly #starting = new Set<Promise<ManagedProcess>>();
  #stopping = false;

  constructor(token: string) {
    this.token = token;
  }

  /** Every process started, in order (live or not). */
  all(): readonly ManagedProcess[] {
    return this.#all;
  }

  live(): ManagedProcess[] {
    return this.#all.filter((p) => !p.exited);
  }

  /**
   * Starts a process; with `readyLine`, resolves once it reports its port. Rejects (and
   * leaves nothing running) if it cannot be spawned, exits first, or is not ready in time.
   */
  start(spec: StartSpec): Promise<ManagedProcess> {
    // stopAll() waits for starts in flight, so none can slip past it.
    const starting = this.#start(spec);
    this.#starting.add(starting);
    const forget = () => this.#starting.delete(starting);
    starting.then(forget, forget);
    return starting;
  }

  async #start(spec: StartSpec): Promise<ManagedProcess> {
    if (this.#stopping) throw new Error(`not starting ${spec.name}: the run is being cleaned up`);
    const launch = dieWithParent(spec.command, spec.args);
    const child = spawn(launch.command, launch.args, {
      stdio: [spec.lifeline ? "pipe" : "ignore", "pipe", "pipe"],
      env: childEnv(process.env, { ...spec.env, [OWNER_VAR]: this.token, [NAME_VAR]: spec.name }),
      // Its own process group: a Ctrl-C in the terminal reaches meshbench alone, which then
      // stops everything in order (rather than every process dying at once, mid-run).
      detached: true,
    });
    const lines: string[] = [];
    let exited = false;
    let port: number | null = null;
    let onReady: ((port: number) => void) | undefined;

    const spawned = new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", (error) => reject(error));
    });
    const exit = new Promise<ExitInfo>((resolve) => {
      child.once("exit", (code, signal) => {
        exited = true;
        resolve({ code, signal });
        // A child it left behind (a wrapper's, a daemon's) may hold the other ends of its
        // pipes for ever, and an open pipe keeps meshbench from exiting: close ours.
        setTimeout(() => {
          child.stdin?.destroy();
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, STDIO_DRAIN_MS).unref();
      });
      // A process that never spawned (ENOENT) emits "error" and no "exit".
      child.once("error", () => {
        exited = true;
        resolve({ code: null, signal: null });
      });
    });
    for (const [stream, name] of [
      [child.stdout, "stdout"],
      [child.stderr, "stderr"],
    ] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        if (name === "stdout" && port === null) {
          const ready = parseReadyLine(line);
          if (ready) {
            port = ready.port;
            onReady?.(ready.port);
          }
        }
        spec.onLine?.(line, name);
      });
    }
    // stdin errors (EPIPE after the child died) are not ours to report.
    child.stdin?.on("error", () => {});

    try {
      await spawned;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const why = e.code === "ENOENT" ? `${spec.command} not found` : e.message;
      throw new Error(`${spec.name}: cannot start: ${why}`);
    }

    const managed: ManagedProcess = {
      name: spec.name,
      class: spec.class,
      pid: child.pid!,
      get port() {
        return port;
      },
      set port(value) {
        port = value;
      },
      child,
      get exited() {
        return exited;
      },
      exit,
      tail: () => lines.join("\n"),
    };
    this.#all.push(managed);
    exit.then((info) => {
      if (this.#stopping || this.#stopRequested.has(managed) || spec.expectExit) return;
      // Its whole tail: the line that explains an exit ("Address already in use") is
      // seldom the last one.
      const said = lines.join(" | ");
      this.events.push({
        t: Date.now(),
        name: spec.name,
        class: spec.class,
        kind: "exited",
        message: `${spec.name} (pid ${managed.pid}) ${this.explainExit(managed, info)}${said ? `: ${said}` : ""}`,
      });
    });

    if (!spec.readyLine) return managed;
    const timeoutMs = spec.readyTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<number>((resolve) => {
          if (port !== null) resolve(port);
          onReady = resolve;
        }),
        exit.then((info) => {
          throw new Error(
            `${spec.name} ${this.explainExit(managed, info)} before it was ready${lines.length ? `:\n${managed.tail()}` : ""}`,
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${spec.name} did not report ready within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await this.stop(managed);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return managed;
  }

  /**
   * How a process ended, in words: its exit, and when it exited 0 leaving processes of its
   * own behind (it went into the background), which ones.
   */
  explainExit(p: ManagedProcess, info: ExitInfo): string {
    const left = info.code === 0 ? findOwned({ token: this.token, name: p.name }) : [];
    if (left.length === 0) return describeExit(info);
    return `${describeExit(info)} and left ${left.map(describeProcess).join(", ")} running in the background (it daemonized); ${FOREGROUND}`;
  }

  /**
   * SIGTERM to its whole process group, then SIGKILL to whatever of it is still there after
   * `graceMs`; resolves once the process and everything that carries its name are gone.
   */
  async stop(p: ManagedProcess, graceMs = 3000): Promise<void> {
    this.#stopRequested.add(p);
    const mine = { token: this.token, name: p.name };
    // Once the leader has exited its pid may be reused: signal only what carries our token.
    if (!p.exited) signalGroup(p.pid, "SIGTERM");
    else for (const o of findOwned(mine)) signalPid(o.pid, "SIGTERM");
    const deadline = Date.now() + graceMs;
    await waitAtMost(p.exit, graceMs);
    if (!p.exited) signalGroup(p.pid, "SIGKILL");
    await p.exit;
    // The group's other members (forked workers, a wrapper's children), and any that left it.
    while (findOwned(mine).length > 0 && Date.now() < deadline) await sleep(20);
    killOwned(mine);
  }

  /** Stops every process; no new one can be started afterwards. */
  async stopAll(graceMs = 3000): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#all.map((p) => this.stop(p, graceMs)));
    // A start in flight registers its process only once spawned; stop those too.
    await Promise.allSettled([...this.#starting]);
    await Promise.all(this.#all.map((p) => this.stop(p, graceMs)));
    killOwned({ token: this.token });
  }

  /** Last resort, synchronous (a second Ctrl-C): SIGKILL to everything still running. */
  killAllNow(): void {
    this.#stopping = true;
    for (const p of this.#all) if (!p.exited) signalGroup(p.pid, "SIGKILL");
    killOwned({ token: this.token });
  }
}

/** A signal to a process group; one already gone is no error. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalPid(-pgid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
