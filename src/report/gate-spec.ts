// Thresholds as users give them — inline pairs (`latency.p99=10%,memory.dataPlane=15%`)
// or a YAML file — read into the gate the comparison uses. Shared by the CLI's
// --thresholds and the Action's `thresholds` input, which word their errors themselves.
import { readFile } from "node:fs/promises";
import {
  DEFAULT_GATE,
  type GateConfig,
  parseGateFile,
  parseInlineGate,
  ThresholdError,
} from "../stats/thresholds.ts";

export async function readGateSpec(spec: string | undefined | null): Promise<GateConfig> {
  if (spec === undefined || spec === null || spec.trim() === "") return DEFAULT_GATE;
  if (spec.includes("=")) return parseInlineGate(spec);
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
