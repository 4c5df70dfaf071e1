// Fortio's JSON result read into a run. Approximate, and the run says so: Fortio's
// DurationHistogram buckets are its own (fixed edges, not HDR's), so each bucket's calls
// are spread evenly over it (Fortio's own percentiles interpolate the same way); a
// percentile is as close as its bucket is narrow. Pure: text in, an ImportedLoad out,
// or an error naming the field.
import { createHistogram, recordUs } from "../histogram/hdr.ts";
import { parseDuration } from "../scenario/duration.ts";
import { ImportError, type ImportedLoad, noErrors, noStatus } from "./imported-run.ts";

interface FortioBucket {
  Start: number;
  End: number;
  Count: number;
}

const US_PER_S = 1e6;
const NS_PER_MS = 1e6;

export interface FortioRead {
  load: ImportedLoad;
  /** RequestedQPS, when it was a number (Fortio's "max" asks for none). */
  requestedRate: number | null;
}

export function parseFortio(text: string, source: string): FortioRead {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`${source}: not JSON (${(error as Error).message})`);
  }
  const field = <T>(name: string, check: (v: unknown) => boolean, want: string): T => {
    const v = data[name];
    if (!check(v)) {
      throw new ImportError(
        `${source}: field ${name} is ${JSON.stringify(v)}; expected ${want} (a Fortio result JSON?)`,
      );
    }
    return v as T;
  };
  const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const isString = (v: unknown) => typeof v === "string";
  const startedMs = Date.parse(field<string>("StartTime", isString, "a time"));
  if (Number.isNaN(startedMs)) throw new ImportError(`${source}: field StartTime is not a time`);
  const requested = field<string>("RequestedDuration", isString, 'a duration such as "30s"');
  const durationMs = parseDuration(requested);
  const measuredMs = Math.max(
    1,
    Math.round(field<number>("ActualDuration", isNumber, "nanoseconds") / NS_PER_MS),
  );
  const histogramData = data.DurationHistogram as
    | { Data?: FortioBucket[]; Count?: number }
    | undefined;
  if (!histogramData || !Array.isArray(histogramData.Data)) {
    throw new ImportError(`${source}: no DurationHistogram.Data; expected Fortio's result JSON`);
  }

  const histogram = createHistogram();
  for (const [i, b] of histogramData.Data.entries()) {
    if (![b.Start, b.End, b.Count].every(isNumber) || b.End < b.Start || b.Count < 0) {
      throw new ImportError(
        `${source}: DurationHistogram.Data[${i}] is not {Start ≤ End, Count ≥ 0}`,
      );
    }
    for (let k = 1; k <= b.Count; k++) {
      recordUs(histogram, (b.Start + ((b.End - b.Start) * k) / b.Count) * US_PER_S);
    }
  }
  if (histogram.totalCount !== histogramData.Count) {
    throw new ImportError(
      `${source}: DurationHistogram.Data holds ${histogram.totalCount} calls, its Count says ${histogramData.Count}`,
    );
  }

  const status = noStatus();
  const errors = noErrors();
  const codes = (data.RetCodes ?? {}) as Record<string, number>;
  // A gRPC run's codes are health statuses: SERVING ("1" before Fortio 1.0 wrote the
  // enum's number) is a good answer, counted with the HTTP runs' 2xx.
  const grpc = typeof data.RunType === "string" && data.RunType.startsWith("GRPC");
  for (const [code, n] of Object.entries(codes)) {
    const klass = `${code[0]}xx`;
    if (grpc) {
      if (code === "SERVING" || code === "1") status["2xx"] += n;
      else errors.other += n;
    } else if (/^[2-5]\d\d$/.test(code)) status[klass as keyof typeof status] += n;
    else errors.other += n; // -1: Fortio's socket errors
  }
  const url =
    typeof data.URL === "string" && data.URL ? data.URL : String(data.Destination ?? "unknown");
  const threads = field<number>("NumThreads", isNumber, "a number");
  const timeoutNs = isNumber(data.HTTPReqTimeOut) ? (data.HTTPReqTimeOut as number) : 3e9;
  const qps = Number(data.RequestedQPS);
  return {
    requestedRate: Number.isFinite(qps) && qps > 0 ? qps : null,
    load: {
      tool: `fortio ${typeof data.Version === "string" ? data.Version : ""}`.trim(),
      url,
      histogram,
      startedMs,
      durationMs: typeof durationMs === "number" ? Math.max(durationMs, measuredMs) : measuredMs,
      measuredFromMs: startedMs,
      measuredMs,
      connections: threads,
      workers: threads,
      timeoutMs: Math.max(1, Math.round(timeoutNs / NS_PER_MS)),
      achievedRate: field<number>("ActualQPS", isNumber, "a number"),
      // Fortio's histogram holds every call, failed ones too.
      sent: histogram.totalCount,
      status,
      errors,
      note:
        `Imported from Fortio's JSON (${source}), approximate: Fortio's histogram buckets are not HDR's, ` +
        "so each bucket's calls are spread evenly over it and a percentile is only as exact as its bucket is narrow; " +
        "calls that failed (code -1) count as errors (other) and their durations are in the latency histogram as Fortio recorded them; " +
        (grpc ? "gRPC health status SERVING counts as 2xx, any other status as an error; " : "") +
        "no resource figures.",
    },
  };
}
