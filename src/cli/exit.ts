// How every command ends: 0 done, 2 bad arguments or a bad file (with the message),
// 1 internal fault, 3 a regression found by `compare --fail-on-regression`.
import { PlanError } from "../scenario/plan.ts";
import { ConfigError } from "../scenario/problems.ts";
import { UsageError } from "./usage.ts";

export const EXIT_REGRESSION = 3;

export async function exitWith(run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlanError) {
      process.stderr.write(`meshbench: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      // Each problem already names its file:line:col.
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`meshbench: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  }
}
