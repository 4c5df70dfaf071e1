// How much of a list the report shows. Events and unusable files come from run files a
// fork's pull request can produce, and a report must stay readable (and a string V8 can
// hold) whatever they hold: a long list is cut, and says how much was left out. Pure.

/**
 * Rows of the events table per scenario, and items of the unusable-files list: ~150 kB of
 * Markdown at most, far more than anyone reads, and the compact report cuts further.
 */
export const MAX_LISTED = 1000;

/** The first MAX_LISTED items, then `more(n)` for the n left out. */
export function capListed<T>(items: readonly T[], more: (left: number) => T): T[] {
  if (items.length <= MAX_LISTED) return [...items];
  return [...items.slice(0, MAX_LISTED), more(items.length - MAX_LISTED)];
}

export const andMore = (left: number): string => `… and ${left} more (all in summary.json)`;
