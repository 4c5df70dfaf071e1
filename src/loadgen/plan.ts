// The connection plan (pure): which connection talks to which host, which of that host's
// URLs it cycles through, and its fixed schedule. Nothing here touches the network.
//
// - Each host gets connections in proportion to its share of the URLs (largest
//   remainder, at least one each), so no connection ever switches hosts.
// - Each connection's rate is its host's share of the total rate divided by the host's
//   connections: the request mix is exactly the URL list's, with no random drift.
// - A connection round-robins its host's URLs, starting at its own offset in that list.
// - Phases are staggered by global rank over all hosts: connection r of C sends at
//   r/C of its period, so the run's sends are evenly spaced whatever the hosts' URL
//   counts (per-host staggering put hosts with different counts on the same instants).
//   Ranks interleave the hosts: a host's j-th of n connections sits near (j + ½)/n.
import type { Schedule } from "./schedule.ts";

/** A connection and its schedule (`lane` is its global rank, `lanes` the connections). */
export interface ConnectionSpec extends Schedule {
  /** Global index of the connection (= its rank). */
  id: number;
  /** The worker thread that owns it. */
  worker: number;
  /** scheme://host:port the connection is opened to. */
  origin: string;
  /** Indexes into the run's URL list, in the order this connection sends them. */
  urls: number[];
}

export interface PlanInput {
  urls: readonly string[];
  rate: number;
  connections: number;
  workers: number;
}

/** Groups URL indexes by origin, in order of first appearance. */
export function groupByOrigin(urls: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  urls.forEach((url, index) => {
    const origin = new URL(url).origin;
    const list = groups.get(origin) ?? [];
    list.push(index);
    groups.set(origin, list);
  });
  return groups;
}

/**
 * Splits `total` into integer parts proportional to `weights`, each at least 1
 * (largest remainder). Requires total ≥ weights.length.
 */
export function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - weights.length; // one each is given first
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map((x) => Math.max(1, Math.floor(x)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  // Hand out what is left by largest remainder; take back (from the largest parts) if the
  // minimum of one each overshot.
  const order = exact
    .map((x, i) => ({ i, rem: x - Math.floor(x) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1;
  while (left < 0 && spare >= 0) {
    const largest = parts.indexOf(Math.max(...parts));
    parts[largest]! -= 1;
    left++;
  }
  return parts;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function planConnections(input: PlanInput): ConnectionSpec[] {
  const groups = [...groupByOrigin(input.urls).entries()];
  const perHost = apportion(
    groups.map(([, list]) => list.length),
    input.connections,
  );
  const C = input.connections;
  const N = input.urls.length;
  const placed: { spec: ConnectionSpec; at: number; host: number }[] = [];
  groups.forEach(([origin, hostUrls], h) => {
    const count = perHost[h]!;
    // A connection's rate is rate·u/(N·count); its comb (C lanes) ticks C times as fast.
    const g = gcd(hostUrls.length * C, N * count);
    for (let j = 0; j < count; j++) {
      const shift = j % hostUrls.length;
      const spec: ConnectionSpec = {
        id: 0,
        worker: 0,
        origin,
        urls: [...hostUrls.slice(shift), ...hostUrls.slice(0, shift)],
        rate: input.rate,
        num: (hostUrls.length * C) / g,
        den: (N * count) / g,
        lane: 0,
        lanes: C,
      };
      placed.push({ spec, at: (j + 0.5) / count, host: h });
    }
  });
  // Rank = order of the ideal phases; dealt out to workers in rank order, so every worker
  // gets an even share of every host and of the rate.
  placed.sort((a, b) => a.at - b.at || a.host - b.host);
  return placed.map(({ spec }, r) => ({ ...spec, id: r, lane: r, worker: r % input.workers }));
}
