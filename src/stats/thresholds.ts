// Thresholds as users write them: `latency.p99: 10%`, `memory.*: 15%`, `errors.rate: 0.1pp`
// (absolute, in percentage points), `alpha: 0.05` for the noise test, and `runs.failed: off` /
// `events.restarts: off` to turn a run check off (they have no threshold to widen). From a
// YAML/JSON file or inline (`latency.p99=10%,memory.dataPlane=15%`). Pure: text in, values out;
// errors name the source, the key and what is allowed.
import { parse as parseYaml } from "yaml";
import type { Calibration } from "./calibration-file.ts";
import {
  isMetricId,
  isRunCheck,
  METRIC_GROUPS,
  METRIC_IDS,
  type MetricId,
  metricDef,
  metricGroup,
  RUN_CHECK_IDS,
  type RunCheckId,
  type Threshold,
} from "./metrics.ts";
import { DEFAULT_ALPHA } from "./verdict.ts";

export class ThresholdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ThresholdError";
  }
}

export interface GateConfig {
  /** Overrides by metric id or group wildcard (`cpu.*`); a metric id beats its group. */
  overrides: Record<string, Threshold>;
  alpha: number;
  /** Run checks turned off (`runs.failed: off`); absent: none. */
  off?: RunCheckId[];
  /** A measured noise floor (`--calibration`): raises a threshold the noise exceeds. */
  calibration?: Calibration;
  /** Where the calibration came from, named beside every verdict. */
  calibrationFile?: string;
}

export const DEFAULT_GATE: GateConfig = { overrides: {}, alpha: DEFAULT_ALPHA };

const ALLOWED_KEYS = `a metric (${METRIC_IDS.join(", ")}), a group (${METRIC_GROUPS.map((g) => `${g}.*`).join(", ")}), a run check set to off (${RUN_CHECK_IDS.join(", ")}) or alpha`;

function parseThreshold(key: string, raw: unknown, where: string): Threshold {
  const text = String(raw).trim();
  const metrics = key.endsWith(".*")
    ? METRIC_IDS.filter((id) => metricGroup(id) === key.slice(0, -2))
    : [key as MetricId];
  const absolute = metrics.every((id) => metricDef(id).threshold.kind === "absolute");
  const match = /^(\d+(?:\.\d+)?)\s*(%|pp)$/.exec(text);
  const example = absolute ? `"${key}: 0.1pp" (percentage points)` : `"${key}: 10%"`;
  if (!match) {
    throw new ThresholdError(
      `${where}: ${key}: "${text}" is not a threshold; write it like ${example}`,
    );
  }
  const value = Number(match[1]);
  if (absolute !== (match[2] === "pp")) {
    throw new ThresholdError(
      absolute
        ? `${where}: ${key}: "${text}": the error rate takes an absolute threshold in percentage points, e.g. ${example}`
        : `${where}: ${key}: "${text}": this metric takes a threshold relative to the baseline, e.g. ${example}`,
    );
  }
  return absolute ? { kind: "absolute", value: value / 100 } : { kind: "relative", percent: value };
}

function parseAlpha(raw: unknown, where: string): number {
  const alpha = Number(raw);
  if (typeof raw === "boolean" || !Number.isFinite(alpha) || alpha <= 0 || alpha >= 1) {
    throw new ThresholdError(
      `${where}: alpha: "${raw}" is not allowed; write a level between 0 and 1, e.g. 0.05`,
    );
  }
  return alpha;
}

/** Builds a gate from key/value pairs; `where` names their source in errors. */
export function gateFromEntries(entries: Iterable<[string, unknown]>, where: string): GateConfig {
  const gate: GateConfig = { overrides: {}, alpha: DEFAULT_ALPHA };
  for (const [rawKey, value] of entries) {
    const key = rawKey.trim();
    if (key === "alpha") {
      gate.alpha = parseAlpha(value, where);
      continue;
    }
    if (isRunCheck(key)) {
      if (String(value).trim() !== "off") {
        throw new ThresholdError(
          `${where}: ${key}: "${String(value).trim()}" is not allowed; any increase counts, so the only setting is "${key}: off"`,
        );
      }
      gate.off = [...(gate.off ?? []), key];
      continue;
    }
    const isGroup =
      key.endsWith(".*") && (METRIC_GROUPS as readonly string[]).includes(key.slice(0, -2));
    if (!isGroup && !isMetricId(key)) {
      throw new ThresholdError(
        `${where}: "${key}" is not a threshold key; allowed: ${ALLOWED_KEYS}`,
      );
    }
    gate.overrides[key] = parseThreshold(key, value, where);
  }
  return gate;
}

/** `latency.p99=10%,memory.dataPlane=15%,alpha=0.1` */
export function parseInlineGate(text: string): GateConfig {
  const entries: [string, string][] = [];
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      throw new ThresholdError(`--thresholds: "${part}" is not key=value, e.g. latency.p99=10%`);
    }
    entries.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return gateFromEntries(entries, "--thresholds");
}

/** A thresholds file: a YAML (or JSON) mapping of keys to thresholds. */
export function parseGateFile(text: string, path: string): GateConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ThresholdError(`${path}: not valid YAML: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return { overrides: {}, alpha: DEFAULT_ALPHA };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ThresholdError(`${path}: must be a mapping like "latency.p99: 10%"`);
  }
  return gateFromEntries(Object.entries(data), path);
}

export function thresholdFor(metric: MetricId, gate: GateConfig): Threshold {
  return (
    gate.overrides[metric] ??
    gate.overrides[`${metricGroup(metric)}.*`] ??
    metricDef(metric).threshold
  );
}
