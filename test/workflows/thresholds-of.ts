import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseInlineGate, ThresholdError } from "../../src/stats/thresholds.ts";

/** Problems with a thresholds input: inline pairs must parse, anything else is a file that must exist. */
export function thresholdSpecProblems(spec: string | undefined, root: string): string[] {
  if (!spec) return [];
  if (!spec.includes("="))
    return existsSync(join(root, spec))
      ? []
      : [`${spec}: no such thresholds file (inline pairs look like latency.p99=10%)`];
  try {
    parseInlineGate(spec);
    return [];
  } catch (error) {
    return error instanceof ThresholdError ? [error.message] : [String(error)];
  }
}
