// The pacer (pure): a connection's slot k is intended at start + offset + k·period.
// Latency is measured from that instant, whatever happened before the send.

export interface Schedule {
  offsetMs: number;
  periodMs: number;
}

export function intendedAt(startMs: number, s: Schedule, slot: number): number {
  return startMs + s.offsetMs + slot * s.periodMs;
}

/** Number of slots intended strictly before `timeMs` (slots 0 … n−1). */
export function slotsBefore(startMs: number, s: Schedule, timeMs: number): number {
  const n = Math.ceil((timeMs - startMs - s.offsetMs) / s.periodMs);
  return Math.max(n, 0);
}
