// Waiting for a condition by checking it again and again (10 ms, growing to 250 ms
// between checks) until it holds, a deadline passes, or a reason to give up arrives.
// Readiness is always asked this way, never assumed after a fixed sleep.

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, for the messages ("web-1 answering on /api/list"). */
  what: string;
  signal?: AbortSignal;
  /** Settles with a reason when waiting is pointless (e.g. the process exited). */
  giveUp?: Promise<string>;
}

export async function waitUntil(
  check: () => Promise<boolean>,
  { timeoutMs, what, signal, giveUp }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason: string | undefined;
  giveUp?.then((r) => {
    reason = r;
  });
  let pause = 10;
  while (true) {
    if (reason !== undefined) throw new Error(`${what}: ${reason}`);
    if (signal?.aborted) throw new Error(`${what}: interrupted`);
    if (await check()) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${what}: still not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(250, pause * 2);
  }
}

/** Waits for `promise`, but at most `ms` (no timer is left behind either way). */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
