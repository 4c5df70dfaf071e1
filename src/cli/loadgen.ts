// `meshbench loadgen`: argv → typed options → run → summary. The flags are a stable
// interface: scripts and load-generator pods call them.
import { readFile } from "node:fs/promises";
import { defaultOutDir, LOADGEN_DEFAULTS, type LoadgenOptions } from "../loadgen/options.ts";
import { groupByOrigin } from "../loadgen/plan.ts";
import { runLoadgen } from "../loadgen/run.ts";
import { formatProgress, formatSummary } from "../loadgen/summary.ts";
import { formatResultsBlock } from "../results/results-block.ts";
import { defaultTimeoutMs, defaultWarmupMs } from "../scenario/method.ts";
import {
  choiceFlag,
  durationFlag,
  numberFlag,
  parseFlags,
  stringFlags,
  UsageError,
} from "./usage.ts";

export const LOADGEN_HELP = `meshbench loadgen — open-loop HTTP load at a constant rate, latency from the intended send time

Usage:
  meshbench loadgen --url URL [--url URL ...] [--urls-file FILE]
                    --rate RPS --duration DUR [--warmup DUR]
                    [--connections N] [--workers K] [--timeout DUR]
                    [--start-at EPOCH_MS] [--interval DUR] [--pacing efficient|precise]
                    [--out DIR] [--quiet] [--emit-results]

Every request has an intended send time on a fixed per-connection schedule; its latency
is response end − intended time, so a stalled target shows up as many slow requests,
not one (coordinated omission corrected, as in wrk2). Warm-up requests are sent, not
recorded.

Flags:
  --url URL           a URL to request (http://), repeatable; connections are spread over
                      hosts in proportion to their URLs and round-robin their host's paths
  --urls-file FILE    more URLs, one per line ('#' starts a comment)
  --rate RPS          total requests per second over all connections (required)
  --duration DUR      the whole run, warm-up included: 500ms, 30s, 5m, 1h (required)
  --warmup DUR        not measured; default 10 % of the duration, at most 30s
  --connections N     HTTP/1.1 keep-alive connections, one request in flight each
                      (default ${LOADGEN_DEFAULTS.connections}, at least one per host)
  --workers K         worker threads, each owning a share of the connections (default ${LOADGEN_DEFAULTS.workers};
                      one worker runs in the main thread)
  --timeout DUR       a request with no answer by then fails as a timeout; it stays in the
                      latencies at its elapsed time, shown as a lower bound (≥)
                      (default 60s, at most --duration)
  --start-at MS       start the schedule at this wall-clock instant (ms since the epoch),
                      so several load generators start together; connections open before
  --interval DUR      interval of the latency.hlog histograms and progress lines (default 1s)
  --pacing MODE       efficient: timers (≈ wrk2's ~1 ms timer lateness, little CPU);
                      precise: polls the event loop in the last 2 ms before each send
                      (lateness of microseconds, a busy core: for a dedicated node)
  --out DIR           where latency.hlog and loadgen.json go (default ./loadgen-<time>)
  --quiet             no progress lines
  --emit-results      at the end, also print loadgen.json and latency.hlog on stdout as one
                      marked block ("----- meshbench results begin …" … "----- meshbench
                      results end -----"; gzip+base64 in numbered lines with a sha256), so
                      a load-generator pod's results come back through its log

Exit status: 0 when the run completed (errors are results), 2 for bad arguments,
1 for an internal fault.

Example:
  meshbench target --port 8080 &
  meshbench loadgen --url http://127.0.0.1:8080/ --rate 1000 --duration 30s
`;

const FLAGS = {
  url: { type: "string", multiple: true },
  ...stringFlags(
    "urls-file",
    "rate",
    "duration",
    "warmup",
    "connections",
    "workers",
    "timeout",
    "start-at",
    "interval",
    "pacing",
    "out",
  ),
  quiet: { type: "boolean" },
  "emit-results": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Checks a URL the way the load generator will use it; names where it came from. */
export function checkUrl(url: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${where}: "${url}" is not a URL; write it like http://host:port/path`);
  }
  if (parsed.protocol !== "http:") {
    throw new UsageError(
      `${where}: "${url}" uses ${parsed.protocol.slice(0, -1)}; only http:// URLs are supported`,
    );
  }
  return parsed.href;
}

export async function readUrlsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--urls-file: cannot read ${path}: ${(error as Error).message}`);
  }
  const urls: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const url = line.replace(/#.*/, "").trim();
    if (url) urls.push(checkUrl(url, `${path}:${i + 1}`));
  });
  return urls;
}

export async function parseLoadgenArgs(
  argv: string[],
  now = new Date(),
): Promise<LoadgenOptions | "help"> {
  const { values } = parseFlags("loadgen", argv, FLAGS);
  if (values.help) return "help";
  const urls = (values.url ?? []).map((u) => checkUrl(u, "--url"));
  if (values["urls-file"]) urls.push(...(await readUrlsFile(values["urls-file"])));
  if (urls.length === 0) throw new UsageError("--url: give at least one URL (or --urls-file)");
  if (values.rate === undefined)
    throw new UsageError("--rate: required; total requests per second, e.g. --rate 1000");
  if (values.duration === undefined)
    throw new UsageError("--duration: required; e.g. --duration 30s");

  const rate = numberFlag("rate", values.rate, { min: 0.001 });
  const durationMs = durationFlag("duration", values.duration);
  const warmupMs =
    values.warmup === undefined
      ? defaultWarmupMs(durationMs)
      : durationFlag("warmup", values.warmup, { allowZero: true });
  if (warmupMs >= durationMs) {
    throw new UsageError(
      `--warmup: ${values.warmup} leaves nothing to measure; it must be shorter than --duration (${values.duration})`,
    );
  }
  const hosts = groupByOrigin(urls).size;
  const connections =
    values.connections === undefined
      ? Math.max(LOADGEN_DEFAULTS.connections, hosts)
      : numberFlag("connections", values.connections, { integer: true, min: 1 });
  if (connections < hosts) {
    throw new UsageError(
      `--connections: ${connections} is fewer than the ${hosts} hosts in the URLs; every host needs at least one connection`,
    );
  }
  const workers =
    values.workers === undefined
      ? LOADGEN_DEFAULTS.workers
      : numberFlag("workers", values.workers, { integer: true, min: 1, max: connections });
  const startAtMs =
    values["start-at"] === undefined
      ? null
      : numberFlag("start-at", values["start-at"], { integer: true, min: 0 });
  if (startAtMs !== null && startAtMs + durationMs <= now.getTime()) {
    throw new UsageError(
      `--start-at: ${startAtMs} is ${Math.round((now.getTime() - startAtMs) / 1000)} s in the past: the whole run would be over; allowed: a future instant in ms since the epoch (e.g. $(( $(date +%s%3N) + 5000 )))`,
    );
  }
  return {
    urls,
    rate,
    durationMs,
    warmupMs,
    connections,
    workers,
    timeoutMs:
      values.timeout === undefined
        ? defaultTimeoutMs(durationMs)
        : durationFlag("timeout", values.timeout),
    intervalMs:
      values.interval === undefined
        ? LOADGEN_DEFAULTS.intervalMs
        : durationFlag("interval", values.interval),
    startAtMs,
    pacing:
      values.pacing === undefined
        ? LOADGEN_DEFAULTS.pacing
        : choiceFlag("pacing", values.pacing, ["efficient", "precise"]),
    outDir: values.out ?? defaultOutDir(now),
    quiet: values.quiet ?? false,
    emitResults: values["emit-results"] ?? false,
  };
}

export async function loadgenCommand(argv: string[]): Promise<number> {
  const options = await parseLoadgenArgs(argv);
  if (options === "help") {
    process.stdout.write(LOADGEN_HELP);
    return 0;
  }
  // First Ctrl-C ends the schedule and still writes what was measured; a second one quits.
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write(
      "stopping: finishing requests in flight and writing results (again to quit now)\n",
    );
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const run = await runLoadgen(options, {
      signal: stop.signal,
      onLateStart: (lateMs) =>
        process.stderr.write(
          `meshbench loadgen: started ${lateMs} ms after --start-at; the warm-up absorbs the catch-up\n`,
        ),
      onProgress: options.quiet ? undefined : (p) => process.stderr.write(formatProgress(p)),
    });
    process.stdout.write(formatSummary(run.result));
    process.stdout.write(`\n  Results: ${run.resultPath}\n           ${run.hlogPath}\n`);
    if (options.emitResults) {
      const hlog = await readFile(run.hlogPath, "utf8");
      process.stdout.write(formatResultsBlock({ result: run.result, hlog }));
    }
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
