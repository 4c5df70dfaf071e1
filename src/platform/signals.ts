// Cleanup on SIGINT/SIGTERM, for any platform: the first signal runs the (async) cleanup
// and then exits with 130 (SIGINT) or 143 (SIGTERM); a second signal while that runs
// calls the synchronous last resort (kill everything now) and exits at once.

export interface SignalCleanup {
  cleanup: () => Promise<void>;
  emergency?: () => void;
  /** Told what is happening (one line each). */
  log?: (line: string) => void;
  exit?: (code: number) => void;
}

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; returns the function that removes them. */
export function cleanupOnSignals(options: SignalCleanup): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) {
      options.log?.(`${signal} again: stopping everything now`);
      options.emergency?.();
      exit(CODES[signal] ?? 1);
      return;
    }
    cleaning = true;
    options.log?.(`${signal}: cleaning up (again to force)`);
    options.cleanup().then(
      () => exit(CODES[signal] ?? 1),
      (error: unknown) => {
        options.log?.(`cleanup failed: ${(error as Error)?.message ?? error}`);
        options.emergency?.();
        exit(CODES[signal] ?? 1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
