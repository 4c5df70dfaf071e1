// How every command ends: 0 done, 2 bad arguments (with the message), 1 internal fault.
import { UsageError } from "./usage.ts";

export async function exitWith(run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`meshbench: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`meshbench: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  }
}
