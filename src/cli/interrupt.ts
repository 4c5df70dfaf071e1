// Ctrl-C and SIGTERM for the commands that run load (run, capacity): the first ends the
// current run early (what it measured is kept), cleans up and writes what was found; a
// second stops everything at once.
export interface Interrupts {
  signal: AbortSignal;
  /** What stops everything at once on the second signal (the platform's, once chosen). */
  setKillAllNow(kill: (() => void) | undefined): void;
  release(): void;
}

export function catchInterrupts(say: (line: string) => void): Interrupts {
  const stop = new AbortController();
  let killAllNow: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`${signal} again: stopping everything now`);
      killAllNow?.();
      process.exit(130);
    }
    say(
      `${signal}: ending the current run early, keeping what it measured, cleaning up (again to force)`,
    );
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: stop.signal,
    setKillAllNow: (kill) => {
      killAllNow = kill;
    },
    release: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
