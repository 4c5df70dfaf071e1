// --thresholds FILE|k=v,...: the one way both `report` and `compare` take thresholds.
import { readGateSpec } from "../report/gate-spec.ts";
import { type GateConfig, ThresholdError } from "../stats/thresholds.ts";
import { UsageError } from "./usage.ts";

export async function gateFlag(value: string | undefined): Promise<GateConfig> {
  try {
    return await readGateSpec(value);
  } catch (error) {
    if (error instanceof ThresholdError) {
      const m = error.message;
      throw new UsageError(m.startsWith("--thresholds") ? m : `--thresholds: ${m}`);
    }
    throw error;
  }
}

export const THRESHOLDS_HELP = `  --thresholds SPEC   a YAML file, or inline pairs: latency.p99=10%,memory.dataPlane=15%
                      keys: a metric (latency.p50 … latency.p100, rate.achieved, errors.rate,
                      cpu.<class>, memory.<class> with class controlPlane, dataPlane, maxProxy,
                      application, loadGenerator), a group (latency.*, cpu.*, memory.* …),
                      and alpha (level of the Mann–Whitney test, default 0.05).
                      errors.rate takes percentage points (0.1pp), the others % of the baseline;
                      the run checks runs.failed and events.restarts take only "off".`;
