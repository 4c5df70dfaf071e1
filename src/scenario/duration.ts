// Durations as users write them in flags and scenario files: 500ms, 30s, 5m, 1h
// (and combinations such as 1m30s). Shared by the CLI, scenarios and the Action.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/**
 * The longest wait a timer can do: Node's setTimeout turns anything above 2³¹−1 ms into
 * 1 ms (with a warning). Every duration meshbench takes ends up in a timer, so none may
 * exceed it (≈ 596 h, 24.8 days).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;
const TOO_LONG = "longer than a timer can wait (at most 2³¹−1 ms, 596h31m)";

/** Parses a duration into milliseconds; returns an error message when it is not one. */
export function parseDuration(text: string): number | { error: string; tooLong?: true } {
  const input = text.trim();
  const help = `"${text}" is not a duration: write a number with a unit, e.g. 500ms, 30s, 5m, 1h or 1m30s`;
  if (input === "") return { error: help };
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const at = PART.lastIndex;
    const match = PART.exec(input);
    if (!match || match.index !== at) return { error: help };
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  if (total > MAX_DURATION_MS) {
    return {
      error: `"${text}" is ${TOO_LONG}`,
      tooLong: true,
    };
  }
  return Math.round(total);
}

/** Formats milliseconds the way a person reads them (1m30s, 2.5s, 250ms). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}` || "0s";
}
