// Cleanup on SIGINT/SIGTERM: the first signal aborts what is running (waits end at once)
// and runs the cleanup, then exits 130/143; a second signal exits at once. Returns a
// function that removes the handlers when the run ends normally (its own cleanup runs
// in `finally`).

export interface InterruptOptions {
  /** What to remove (e.g. () => cleanup(kube, { runId })). */
  cleanup: () => Promise<unknown>;
  /** Aborted on the first signal. */
  controller?: AbortController;
  log?: (line: string) => void;
  exit?: (code: number) => void;
}

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function cleanupOnSignal(options: InterruptOptions): () => void {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code) => process.exit(code));
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) {
      log(`${signal} again: exiting without finishing cleanup (run 'meshbench cleanup' later)`);
      exit(CODES[signal] ?? 1);
      return;
    }
    cleaning = true;
    log(
      `${signal}: stopping and removing what this run created on the cluster (again to quit now)`,
    );
    options.controller?.abort(new Error(`interrupted by ${signal}`));
    options
      .cleanup()
      .catch((error: Error) =>
        log(`cleanup failed: ${error.message} (run 'meshbench cleanup' later)`),
      )
      .finally(() => exit(CODES[signal] ?? 1));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
