// Finds the results block a load-generator pod printed (--emit-results, see
// results-block.ts) in its log, whatever surrounds it: progress and other lines,
// kubelet timestamps (logs read with timestamps=true), lines repeated or out of order.
// Pure: log text in, validated results out, or an error that says what is missing.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { loadgenResultSchema } from "./loadgen-schema.ts";
import { BLOCK_BEGIN, BLOCK_END, type EmittedResults, LINE_PREFIX } from "./results-block.ts";

/** An RFC 3339 timestamp and one space, as the kubelet prefixes lines with timestamps=true. */
const KUBELET_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) /;
const HEADER = /^v1 lines=(\d+) chars=(\d+) sha256=([0-9a-f]{64}) -----$/;
const CHUNK = new RegExp(`^${LINE_PREFIX} (\\d+) ([A-Za-z0-9+/=]+)$`);

export class ResultsBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultsBlockError";
  }
}

const strip = (line: string) => line.replace(/\r$/, "").replace(KUBELET_TIMESTAMP, "");

/** The results of the last complete block in `log`; `source` names the pod in errors. */
export function parseResultsBlock(log: string, source = "the log"): EmittedResults {
  const lines = log.split("\n").map(strip);
  const begin = lines.findLastIndex((l) => l.startsWith(BLOCK_BEGIN));
  if (begin < 0) {
    const tail = lines.filter(Boolean).slice(-5).join("\n    ");
    throw new ResultsBlockError(
      `no meshbench results block in ${source} (did the load generator finish, with --emit-results?); its last lines:\n    ${tail || "(empty)"}`,
    );
  }
  const header = HEADER.exec(lines[begin]!.slice(BLOCK_BEGIN.length).trim());
  if (!header)
    throw new ResultsBlockError(`results block in ${source}: unreadable header "${lines[begin]}"`);
  const [count, chars, sha256] = [Number(header[1]), Number(header[2]), header[3]!];
  const chunks = new Map<number, string>();
  let ended = false;
  for (const line of lines.slice(begin + 1)) {
    if (line === BLOCK_END) {
      ended = true;
      break;
    }
    const m = CHUNK.exec(line);
    if (m) chunks.set(Number(m[1]), m[2]!);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !chunks.has(n));
  if (!ended || missing.length > 0) {
    throw new ResultsBlockError(
      `results block in ${source} is incomplete: ${count - missing.length} of ${count} lines${ended ? "" : ", no end marker"} (was the log cut short?)`,
    );
  }
  const packed = Array.from({ length: count }, (_, i) => chunks.get(i + 1)!).join("");
  const actual = createHash("sha256").update(packed).digest("hex");
  if (packed.length !== chars || actual !== sha256)
    throw new ResultsBlockError(
      `results block in ${source} is corrupt: checksum or length does not match`,
    );
  let payload: { result?: unknown; hlog?: unknown };
  try {
    payload = JSON.parse(gunzipSync(Buffer.from(packed, "base64")).toString("utf8"));
  } catch (error) {
    throw new ResultsBlockError(
      `results block in ${source} does not decode: ${(error as Error).message}`,
    );
  }
  const result = loadgenResultSchema.safeParse(payload.result);
  if (!result.success)
    throw new ResultsBlockError(
      `results block in ${source}: loadgen.json is invalid: ${result.error.message}`,
    );
  if (typeof payload.hlog !== "string")
    throw new ResultsBlockError(`results block in ${source}: no latency.hlog`);
  return { result: result.data, hlog: payload.hlog };
}
