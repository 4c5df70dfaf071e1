// Whether the workload held up while it was measured. Platforms only report what happened
// to their processes or containers (exited, restarted, vanished); the rule that such a run
// is failed lives here so that it is the same on every platform. A run whose web-1 died
// and stayed gone measured a different system than the one it names (fewer instances, or
// a proxy missing from the path), so its figures must not be pooled with the others: it
// is failed, with everything it collected kept in run.json for a reader to look at.
// A container that crashed and came back (a restart) is different: the run still measured
// the system it names, crash included, so its numbers stand and the restart is an event
// reported beside them (DESIGN.md), where a reader and the comparison see it.
// Control-plane events never fail the run (the data path did not change); the load
// generator's own exit is how every load ends. Pure.
import type { PlatformEvent } from "../platform/types.ts";

const COUNTS: ReadonlySet<PlatformEvent["class"]> = new Set(["application", "data-plane"]);
const GONE: ReadonlySet<PlatformEvent["kind"]> = new Set(["exited", "vanished"]);

/**
 * The reason the run failed, or null: the first application or data-plane process that
 * exited or vanished up to the end of the load (`loadEndedAtMs`), named, with
 * when it happened relative to the load (`loadStartedAtMs`).
 */
export function workloadFailure(
  events: readonly PlatformEvent[],
  load: { startedAtMs: number; endedAtMs: number },
): string | null {
  const broken = events
    .filter((e) => COUNTS.has(e.class) && GONE.has(e.kind) && e.t <= load.endedAtMs)
    .sort((a, b) => a.t - b.t);
  const first = broken[0];
  if (!first) return null;
  const when = first.t < load.startedAtMs ? "before the load" : "during the load";
  const more = broken.length > 1 ? `; and ${broken.length - 1} more (see events)` : "";
  return `${first.name} ${first.kind} ${when}: ${first.message}${more}`;
}
