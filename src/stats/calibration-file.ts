// A calibration file (calibration.json, written by `meshbench calibrate`): the measured
// noise of an unchanged setup and the gate's error rates on it. Its own module so that the
// gate (thresholds, noise floor) can read one without importing the calibration itself.
import { z } from "zod";
import { isMetricId, METRIC_IDS, type MetricId } from "./metrics.ts";

export const CALIBRATION_SCHEMA = "meshbench/calibration/v1";

export interface CalibrationRow {
  perSide: number;
  splits: number;
  /** Splits where any metric of any mesh was called regressed or improved. */
  falseAlarms: number;
  /** Per metric, in how many splits it was called a change. */
  flagged: Partial<Record<MetricId, number>>;
  /** Per gated metric, the median over splits of the minimal detectable change, %. */
  mdcPct: Partial<Record<MetricId, number>>;
  /** With a shift: splits where every mesh had a latency percentile called regressed. */
  caught?: number;
}

export interface Calibration {
  schema: typeof CALIBRATION_SCHEMA;
  /** The newest run's start (ISO): when the noise was measured. */
  measuredAt: string;
  scenarios: string[];
  /** Completed runs per mesh (the fewest, over the meshes). */
  runs: number;
  seed: number;
  shiftMs: number | null;
  /**
   * Per metric: the run-to-run standard deviation in % of the mean, pooled over the
   * meshes (root mean square).
   */
  noisePct: Partial<Record<MetricId, number>>;
  table: CalibrationRow[];
}

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalibrationError";
  }
}

const rowSchema = z.object({
  perSide: z.number().int().min(2),
  splits: z.number().int().nonnegative(),
  falseAlarms: z.number().int().nonnegative(),
  flagged: z.record(z.string(), z.number().nonnegative()),
  mdcPct: z.record(z.string(), z.number().nonnegative()),
  caught: z.number().int().nonnegative().optional(),
});

const calibrationSchema = z.object({
  schema: z.literal(CALIBRATION_SCHEMA),
  measuredAt: z.iso.datetime(),
  scenarios: z.array(z.string()),
  runs: z.number().int().min(1),
  seed: z.number().int(),
  shiftMs: z.number().nonnegative().nullable(),
  noisePct: z.record(z.string(), z.number().nonnegative().finite()),
  table: z.array(rowSchema),
});

/** A calibration.json, checked: errors name the file and the field. */
export function parseCalibration(text: string, path: string): Calibration {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CalibrationError(`${path}: not JSON: ${(error as Error).message}`);
  }
  const parsed = calibrationSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CalibrationError(
      `${path}: ${issue.path.join(".") || "(top level)"}: ${issue.message} (a file written by meshbench calibrate, schema ${CALIBRATION_SCHEMA})`,
    );
  }
  const unknown = Object.keys(parsed.data.noisePct).filter((id) => !isMetricId(id));
  if (unknown.length > 0) {
    throw new CalibrationError(
      `${path}: noisePct: unknown metric ${unknown.join(", ")}; allowed: ${METRIC_IDS.join(", ")}`,
    );
  }
  return parsed.data as Calibration;
}
