// How every command ends: 0 done, 2 bad arguments, a bad file or a failed preflight (with the
// message), 1 internal fault (or a missed --start-at, said plainly), 3 a regression found by
// `compare --fail-on-regression`.

export const EXIT_REGRESSION = 3;

export async function exitWith(run: () => Promise<number>): Promise<void> {
  // A reader that went away (`| head`) is not a fault: the command still finishes its
  // work and its cleanup, and only stops printing.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
  try {
    process.exitCode = await run();
  } catch (error) {
    // By the name each sets, not instanceof: dist/kubernetes.js has its own copies of
    // these classes (and minified class identifiers are not their names).
    const name = (error as Error)?.name;
    if (name === "UsageError" || name === "PlanError" || name === "PreflightFailed") {
      process.stderr.write(`meshbench: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else if (name === "StartMissedError") {
      // Not a fault of ours nor bad arguments: the message says what to change.
      process.stderr.write(`meshbench: ${(error as Error).message}\n`);
      process.exitCode = 1;
    } else if (name === "ConfigError") {
      // Each problem already names its file:line:col.
      process.stderr.write(`${(error as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`meshbench: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 1;
    }
  }
}
