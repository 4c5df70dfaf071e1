// The threads that send come first on the load generator's own cores.
//
// Besides the threads that run the engine (the main thread, and the worker threads when
// there are several), a Node process has V8's helper threads: the optimizing compiler,
// concurrent GC marking. On a core the sender shares with them (a pod with one CPU,
// `taskset`, a busy node), Linux's scheduler gives each runnable thread its turn, and a
// compile of 10 ms on a helper delays every send due meanwhile by up to that much:
// the worst second of a 50,000 rps run on one core had 24–45 ms of send lateness, and
// 10–14 ms with the helpers at the lowest priority (README, "Benchmarks"). Their work
// still gets done, in the sender's idle time, which it leaves every tick; a GC that
// waits for a helper blocks the sender, which then gives the helper the core.
//
// libuv's thread pool keeps its priority: it resolves the target's host name for every
// new connection, and that wait is part of a request's measured latency.
//
// Linux keeps a nice value per thread, and setpriority(2) with a thread id sets one
// thread's; lowering priority needs no privilege (and cannot be undone without it, so
// it lasts as long as the process). Elsewhere this does nothing.
import { readdirSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";

/** The lowest priority (nice 19): the helper runs when the sender does not want the core. */
export const HELPER_NICE = 19;

/**
 * Thread names (Linux `comm`) of the helpers: V8's platform workers. The senders are
 * "MainThread" and "WorkerThread"; anything not named here keeps its priority.
 */
const HELPER_NAMES = new Set(["V8Worker"]);

/** The helper threads of this process, from /proc (none where there is no /proc). */
export function helperThreadIds(taskDir = "/proc/self/task"): number[] {
  let ids: string[];
  try {
    ids = readdirSync(taskDir);
  } catch {
    return [];
  }
  return ids
    .filter((id) => {
      try {
        return HELPER_NAMES.has(readFileSync(`${taskDir}/${id}/comm`, "utf8").trim());
      } catch {
        return false; // the thread has just ended
      }
    })
    .map(Number);
}

/**
 * Puts this process's helper threads at the lowest priority; returns how many were
 * lowered. V8 starts them with the process; call before the schedule starts.
 */
export function yieldHelperThreads(): number {
  if (process.platform !== "linux") return 0;
  let lowered = 0;
  for (const id of helperThreadIds()) {
    try {
      setPriority(id, HELPER_NICE);
      lowered++;
    } catch {
      // the thread has ended, or a policy forbids it: the run goes on as it would have
    }
  }
  return lowered;
}
