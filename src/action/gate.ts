// The gate of the `thresholds` and `calibration` inputs. Inline pairs were checked by parseInputs;
// a thresholds file can only be read here, so its errors are worded for the input too, not for the
// CLI's --thresholds flag.
import { readGateSpec, withCalibration } from "../report/gate-spec.ts";
import { CalibrationError } from "../stats/calibration-file.ts";
import { type GateConfig, ThresholdError } from "../stats/thresholds.ts";

export async function actionGate(
  thresholds: string | null,
  calibration: string | null = null,
): Promise<GateConfig> {
  let gate: GateConfig;
  try {
    gate = await readGateSpec(thresholds);
  } catch (error) {
    if (error instanceof ThresholdError)
      throw new Error(`input "thresholds": ${error.message}`, { cause: error });
    throw error;
  }
  try {
    return await withCalibration(gate, calibration);
  } catch (error) {
    if (error instanceof CalibrationError)
      throw new Error(`input "calibration": ${error.message}`, { cause: error });
    throw error;
  }
}
