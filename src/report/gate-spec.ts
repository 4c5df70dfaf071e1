// Thresholds as users give them — inline pairs (`latency.p99=10%,memory.dataPlane=15%`)
// or a YAML file — read into the gate the comparison uses. Shared by the CLI's
// --thresholds and the Action's `thresholds` input, which word their errors themselves.
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { CalibrationError, parseCalibration } from "../stats/calibration-file.ts";
import {
  DEFAULT_GATE,
  type GateConfig,
  parseGateFile,
  parseInlineGate,
  ThresholdError,
} from "../stats/thresholds.ts";

export async function readGateSpec(spec: string | undefined | null): Promise<GateConfig> {
  if (spec === undefined || spec === null || spec.trim() === "") return DEFAULT_GATE;
  // A file path may hold "=" too (dir/p99=10%.yaml): an existing file wins.
  if (spec.includes("=") && !(await isFile(spec))) return parseInlineGate(spec);
  let text: string;
  try {
    text = await readFile(spec, "utf8");
  } catch (error) {
    throw new ThresholdError(
      `cannot read ${spec}: ${(error as Error).message}; give a file, or key=value pairs like latency.p99=10%`,
    );
  }
  return parseGateFile(text, spec);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The gate with a calibration file's noise floor (`--calibration`, the Action's
 * `calibration` input); the gate as it was without one. Errors name the file.
 */
export async function withCalibration(
  gate: GateConfig,
  path: string | undefined | null,
): Promise<GateConfig> {
  if (path === undefined || path === null || path.trim() === "") return gate;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CalibrationError(
      `cannot read ${path}: ${(error as Error).message}; give a calibration.json written by meshbench calibrate`,
    );
  }
  return { ...gate, calibration: parseCalibration(text, path), calibrationFile: basename(path) };
}
