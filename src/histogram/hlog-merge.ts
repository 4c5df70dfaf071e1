// Merges the .hlog interval logs of load-generator pods that ran together (started at
// one wall-clock instant, same interval) into the run's latency.hlog: the intervals with
// the same index (time since the earliest start ÷ interval, rounded) and the same tag
// (untagged latencies, `lateness`) are added. The logs are read in step, so only one
// interval of each pod and tag is decoded at a time.
import * as hdr from "hdr-histogram-js";
import { createHistogram, type Histogram } from "./hdr.ts";
import { hlogHeader, hlogLine, LATENESS_TAG, tagOf } from "./hlog.ts";

/** The tags a load generator writes, in the order each interval's lines are written. */
const TAGS: readonly (string | undefined)[] = [undefined, LATENESS_TAG];

interface Cursor {
  reader: hdr.HistogramLogReader;
  tag: string | undefined;
  next: Histogram | null;
}

/** The cursor's next interval of its own tag (one reader per pod and tag). */
function advance(cursor: Cursor): void {
  do cursor.next = cursor.reader.nextIntervalHistogram();
  while (cursor.next !== null && tagOf(cursor.next) !== cursor.tag);
}

export function mergeHlogs(
  contents: readonly string[],
  intervalMs: number,
  comment?: string,
): string {
  const cursors: Cursor[] = TAGS.flatMap((tag) =>
    contents.map((c) => ({ reader: new hdr.HistogramLogReader(c, 64), tag, next: null })),
  );
  for (const c of cursors) advance(c);
  const starts = cursors.flatMap((c) => (c.next ? [c.next.startTimeStampMsec] : []));
  if (starts.length === 0) return hlogHeader(Date.now(), comment);
  const baseMs = Math.min(...starts);
  const indexOf = (h: Histogram) => Math.round((h.startTimeStampMsec - baseMs) / intervalMs);
  let text = hlogHeader(baseMs, comment);
  for (;;) {
    const live = cursors.filter((c) => c.next !== null);
    if (live.length === 0) return text;
    const index = Math.min(...live.map((c) => indexOf(c.next!)));
    for (const tag of TAGS) {
      const merged = createHistogram();
      let startMs = Number.POSITIVE_INFINITY;
      let endMs = Number.NEGATIVE_INFINITY;
      for (const c of live) {
        // A pod may have two intervals in one slot (a late tick); add both.
        while (c.tag === tag && c.next && indexOf(c.next) === index) {
          merged.add(c.next);
          startMs = Math.min(startMs, c.next.startTimeStampMsec);
          endMs = Math.max(endMs, c.next.endTimeStampMsec);
          advance(c);
        }
      }
      if (startMs !== Number.POSITIVE_INFINITY)
        text += hlogLine({ startMs, endMs, histogram: merged, ...(tag ? { tag } : {}) }, baseMs);
    }
  }
}
