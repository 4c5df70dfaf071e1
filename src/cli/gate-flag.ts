// --thresholds FILE|k=v,...: the one way both `report` and `compare` take thresholds.
import { readGateSpec, withCalibration } from "../report/gate-spec.ts";
import { CalibrationError } from "../stats/calibration-file.ts";
import { type GateConfig, ThresholdError } from "../stats/thresholds.ts";
import { UsageError } from "./usage.ts";

export async function gateFlag(
  value: string | undefined,
  calibration?: string | undefined,
): Promise<GateConfig> {
  let gate: GateConfig;
  try {
    gate = await readGateSpec(value);
  } catch (error) {
    if (error instanceof ThresholdError) {
      const m = error.message;
      throw new UsageError(m.startsWith("--thresholds") ? m : `--thresholds: ${m}`);
    }
    throw error;
  }
  try {
    return await withCalibration(gate, calibration);
  } catch (error) {
    if (error instanceof CalibrationError) throw new UsageError(`--calibration: ${error.message}`);
    throw error;
  }
}

export const CALIBRATION_HELP = `  --calibration FILE  a calibration.json from meshbench calibrate: per metric, the gate
                      uses the larger of the threshold and 3 × the measured run-to-run
                      spread, and every verdict names the floor it used and its date`;

export const THRESHOLDS_HELP = `  --thresholds SPEC   a YAML file, or inline pairs: latency.p99=10%,memory.dataPlane=15%
                      keys: a metric (latency.p50 … latency.p100, rate.achieved, errors.rate,
                      cpu.<class>, memory.<class> with class controlPlane, dataPlane, maxProxy,
                      application, loadGenerator), a group (latency.*, cpu.*, memory.* …),
                      and alpha (family-wise false-alarm rate, default 0.05).
                      errors.rate takes percentage points (0.1pp), the others % of the baseline;
                      the run checks runs.failed and events.restarts take only "off".`;
