// Retries for API calls: only when the server says "later" (429) or failed itself (5xx),
// never on other 4xx (a bad request stays bad). Retry-After is honoured (seconds or an
// HTTP date), else exponential backoff with jitter; both capped. A caller with a deadline
// (the sampler: one sample must not outlast its interval) gives a budget for the waiting.
import { KubeError, statusOf } from "./errors.ts";

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Which HTTP codes are worth another try (default: 429 and 5xx). */
  retryOn?: (code: number) => boolean;
  /** At most this much waiting between tries in all (e.g. a sample's interval); default none. */
  budgetMs?: number;
  onRetry?: (info: { what: string; attempt: number; code: number; delayMs: number }) => void;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export const isRetryableCode = (code: number): boolean => code === 429 || code >= 500;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent/garbled. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (header === undefined || header.trim() === "") return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Backoff before retry n (1-based): base·2^(n-1), half fixed and half jittered. */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** Runs `fn`, retrying 429/5xx answers; failures become KubeErrors that name `what`. */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  const retryOn = policy.retryOn ?? isRetryableCode;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const s = statusOf(error);
      const delayMs = s
        ? Math.min(
            policy.maxDelayMs,
            retryAfterMs(s.headers["retry-after"]) ?? backoffMs(attempt, policy),
          )
        : 0;
      if (
        !s ||
        !retryOn(s.code) ||
        attempt >= policy.attempts ||
        waited + delayMs > (policy.budgetMs ?? Number.POSITIVE_INFINITY)
      ) {
        if (error instanceof KubeError) throw error;
        throw new KubeError(attempt > 1 ? `${what} (after ${attempt} tries)` : what, error);
      }
      waited += delayMs;
      policy.onRetry?.({ what, attempt, code: s.code, delayMs });
      await policy.sleep(delayMs);
    }
  }
}
