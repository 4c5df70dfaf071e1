// wrk2's `--latency` (-L) output read into a run: its "Detailed Percentile spectrum" lists
// HdrHistogram's iteration by percentile (value in ms to 1 µs, cumulative count), so each
// row's new requests are recorded at its value. Every listed percentile of the rebuilt
// histogram is then the one wrk2 printed (to HDR's 3 significant digits); between two
// rows, values sit at the upper row's value. wrk2 records latency only after its
// calibration (about 10 s): the measured period is the recorded responses ÷ its
// Requests/sec. Pure: text in, an ImportedLoad out, or an error naming the line.
import { createHistogram } from "../histogram/hdr.ts";
import { parseDuration } from "../scenario/duration.ts";
import { ImportError, type ImportedLoad, noErrors, noStatus } from "./imported-run.ts";

/** wrk2's default --timeout (it prints none). */
const WRK2_DEFAULT_TIMEOUT_MS = 2000;

/** `endedMs`: when the run ended (wrk2 prints no time; the file's modification time). */
export function parseWrk2(text: string, source: string, endedMs: number): ImportedLoad {
  const lines = text.split(/\r?\n/);
  const find = (pattern: RegExp, what: string): RegExpExecArray => {
    for (const line of lines) {
      const m = pattern.exec(line);
      if (m) return m;
    }
    throw new ImportError(`${source}: no ${what} line; is this wrk2's output with --latency (-L)?`);
  };
  const running = find(/^Running (\S+) test @ (\S+)/, '"Running … test @ URL"');
  const durationMs = parseDuration(running[1]!);
  if (typeof durationMs !== "number") {
    throw new ImportError(`${source}: test length "${running[1]}": ${durationMs.error}`);
  }
  const startedMs = endedMs - durationMs;
  const threads = find(/^\s*(\d+) threads and (\d+) connections/, '"N threads and M connections"');
  const perSecond = Number(find(/^Requests\/sec:\s+([\d.]+)/, '"Requests/sec:"')[1]);

  const histogram = createHistogram();
  const start = lines.findIndex((l) => /Detailed Percentile spectrum:/.test(l));
  if (start < 0) {
    throw new ImportError(
      `${source}: no "Detailed Percentile spectrum"; run wrk2 with --latency (-L) to print it`,
    );
  }
  let previous = 0;
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith("#["); i++) {
    const row = /^\s*([\d.]+)\s+([\d.]+)\s+(\d+)(\s+(?:[\d.]+|inf))?\s*$/.exec(lines[i]!);
    if (!row) continue; // the header and the blank line under it
    const total = Number(row[3]);
    if (total < previous) {
      throw new ImportError(
        `${source}:${i + 1}: TotalCount ${total} is below the row before (${previous}); the spectrum is damaged`,
      );
    }
    if (total > previous)
      histogram.recordValueWithCount(Math.round(Number(row[1]) * 1000), total - previous);
    previous = total;
  }
  const footer = find(
    /^#\[Max\s*=\s*([\d.]+),\s*Total count\s*=\s*(\d+)\]/,
    '"#[Max = …, Total count = …]"',
  );
  if (Number(footer[2]) !== histogram.totalCount) {
    throw new ImportError(
      `${source}: the spectrum adds up to ${histogram.totalCount} requests, its footer says ${footer[2]}`,
    );
  }
  if (histogram.totalCount === 0)
    throw new ImportError(`${source}: the spectrum records no request`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = noErrors();
  if (socket) {
    errors.connect = Number(socket[1]);
    errors.reset = Number(socket[2]) + Number(socket[3]);
    errors.timeout = Number(socket[4]);
  }
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  errors.other = non2xx;
  const status = noStatus();
  status["2xx"] = Math.max(0, histogram.totalCount - non2xx);
  const measuredMs = Math.max(1, Math.round((histogram.totalCount / perSecond) * 1000));
  return {
    tool: "wrk2",
    url: running[2]!,
    histogram,
    startedMs,
    durationMs,
    measuredFromMs: startedMs + Math.max(0, durationMs - measuredMs),
    measuredMs,
    connections: Number(threads[2]),
    workers: Number(threads[1]),
    timeoutMs: WRK2_DEFAULT_TIMEOUT_MS,
    achievedRate: perSecond,
    sent: histogram.totalCount + errors.connect + errors.reset + errors.timeout,
    status,
    errors,
    note:
      `Imported from wrk2 -L output (${source}): latency rebuilt from its percentile spectrum, ` +
      "exact at every percentile it lists (3 significant digits), values between two rows at the upper one; " +
      "measured period = recorded responses ÷ Requests/sec (wrk2 records after its ~10 s calibration); " +
      "2xx and 3xx counted as 2xx, non-2xx/3xx responses as errors (other), read/write errors as resets; " +
      "no resource figures.",
  };
}
