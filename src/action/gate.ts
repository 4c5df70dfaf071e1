// The gate of the `thresholds` input. Inline pairs were checked by parseInputs; a thresholds
// file can only be read here, so its errors are worded for the input too, not for the
// CLI's --thresholds flag.
import { readGateSpec } from "../report/gate-spec.ts";
import { type GateConfig, ThresholdError } from "../stats/thresholds.ts";

export async function actionGate(thresholds: string | null): Promise<GateConfig> {
  try {
    return await readGateSpec(thresholds);
  } catch (error) {
    if (error instanceof ThresholdError)
      throw new Error(`input "thresholds": ${error.message}`, { cause: error });
    throw error;
  }
}
