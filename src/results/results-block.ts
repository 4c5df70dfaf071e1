// The results block (`meshbench loadgen --emit-results`): loadgen.json and latency.hlog printed at
// the end of the run as one marked block on stdout, so a load-generator pod's results come back
// through its log (`kubectl logs`), with no volume, sidecar or object store. The payload is gzipped
// and base64'd into short numbered lines: container runtimes split long lines, kubelets may prefix
// timestamps, and other output may interleave; the parser (pod-log.ts) reassembles by number and
// checks length and sha256.
import { gzipSync } from "node:zlib";
import type { LoadgenResult } from "./loadgen-schema.ts";

export const BLOCK_BEGIN = "----- meshbench results begin";
export const BLOCK_END = "----- meshbench results end -----";
export const LINE_PREFIX = "mb";
/** Well under the 16 KiB at which container runtimes split a log line. */
export const CHUNK_CHARS = 1000;

export interface EmittedResults {
  result: LoadgenResult;
  /** The whole latency.hlog text. */
  hlog: string;
}

export function formatResultsBlock(payload: EmittedResults): string {
  const packed = gzipSync(Buffer.from(JSON.stringify(payload), "utf8")).toString("base64");
  // Loaded here, not imported: the load generator needs it only at the end of a run, and
  // loading node:crypto at start-up adds about 2 MB to its peak RSS.
  const { createHash } = process.getBuiltinModule("node:crypto");
  const sha256 = createHash("sha256").update(packed).digest("hex");
  const chunks: string[] = [];
  for (let i = 0; i < packed.length; i += CHUNK_CHARS)
    chunks.push(packed.slice(i, i + CHUNK_CHARS));
  const width = String(chunks.length).length;
  return [
    `${BLOCK_BEGIN} v1 lines=${chunks.length} chars=${packed.length} sha256=${sha256} -----`,
    ...chunks.map((c, i) => `${LINE_PREFIX} ${String(i + 1).padStart(width, "0")} ${c}`),
    BLOCK_END,
    "",
  ].join("\n");
}
