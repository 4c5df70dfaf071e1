// --thresholds FILE|k=v,...: the one way both `report` and `compare` take thresholds.
import { readFile } from "node:fs/promises";
import {
  DEFAULT_GATE,
  type GateConfig,
  parseGateFile,
  parseInlineGate,
  ThresholdError,
} from "../stats/thresholds.ts";
import { UsageError } from "./usage.ts";

export async function gateFlag(value: string | undefined): Promise<GateConfig> {
  if (value === undefined) return DEFAULT_GATE;
  try {
    if (value.includes("=")) return parseInlineGate(value);
    let text: string;
    try {
      text = await readFile(value, "utf8");
    } catch (error) {
      throw new UsageError(
        `--thresholds: cannot read ${value}: ${(error as Error).message}; give a file, or key=value pairs like latency.p99=10%`,
      );
    }
    return parseGateFile(text, value);
  } catch (error) {
    if (error instanceof ThresholdError) throw new UsageError(error.message);
    throw error;
  }
}

export const THRESHOLDS_HELP = `  --thresholds SPEC   a YAML file, or inline pairs: latency.p99=10%,memory.dataPlane=15%
                      keys: a metric (latency.p50 … latency.p100, rate.achieved, errors.rate,
                      cpu.<class>, memory.<class> with class controlPlane, dataPlane, maxProxy,
                      application, loadGenerator), a group (latency.*, cpu.*, memory.* …),
                      and alpha (level of the Mann–Whitney test, default 0.05).
                      errors.rate takes percentage points (0.1pp), the others % of the baseline.`;
