// How numbers read in reports: three significant digits (HDR keeps three), thousands
// separated, units in column headers rather than cells. Pure.
import type { Described } from "../stats/describe.ts";
import type { Unit } from "../stats/metrics.ts";

const MIB = 1024 * 1024;

/** Three significant digits, never in exponent form: 0.667, 12.3, 2.50, 1,234. */
export function sig3(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 999.5) return Math.round(value).toLocaleString("en-US");
  // toPrecision keeps trailing zeros (2.50 says "three digits" as 2.5 does not) but turns
  // to exponents below 1e-6, where toFixed with the same digits reads as a plain number.
  const text = value.toPrecision(3);
  if (!text.includes("e")) return text;
  return value.toFixed(Math.min(20, 2 - Math.floor(Math.log10(abs))));
}

/** A value in its display unit: ms, rps, %, cores, MiB. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "rps":
      return value.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    case "fraction":
      return `${sig3(value * 100)} %`;
    case "bytes":
      return sig3(value / MIB);
    default:
      return sig3(value);
  }
}

export const UNIT_HEADER: Record<Unit, string> = {
  ms: "ms",
  rps: "rps",
  fraction: "%",
  cores: "cores",
  bytes: "MiB",
  count: "per run",
  usd: "USD",
};

/**
 * `1.23 [1.10–1.40]`: the median and the range over runs (just the value when they are all equal).
 */
export function formatDescribed(d: Described, unit: Unit): string {
  const median = lowerBound(formatValue(d.median, unit), d.lowerBound);
  if (d.n === 1 || d.min === d.max) return median;
  return `${median} [${formatValue(d.min, unit)}–${formatValue(d.max, unit)}]`;
}

/** `≥ 5,000` for a value that is a lower bound (timed-out requests in the percentile). */
export const lowerBound = (text: string, bound: boolean | undefined): string =>
  bound ? `≥ ${text}` : text;

export function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : value < 0 ? `−${text.replace(/^-/, "")}` : text;
}

/**
 * A change: `+12.3 %` relative, `+0.05 pp` for a share (error rate, failed runs), or the
 * plain difference for a count (restarts per run), whose baseline is mostly 0.
 */
export function formatChange(change: number, changePct: number | null, unit: Unit): string {
  if (unit === "fraction") return signed(`${sig3(Math.abs(change * 100))} pp`, change);
  if (unit === "count") return signed(sig3(Math.abs(change)), change);
  if (changePct === null) return change === 0 ? "0 %" : "new";
  return signed(`${sig3(Math.abs(changePct))} %`, changePct);
}

/** Milliseconds as a run-relative time: 12:05 (m:ss), 1:02:05 past an hour. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
