// The load generator's command line, built from typed options: the one builder for every
// caller that starts it as a process (the local platform, the load-generator pods), so the
// flags they pass are exactly the ones `meshbench loadgen` parses (src/cli/loadgen.ts; a
// round-trip test holds the two together).
import type { LoadSettings } from "./options.ts";

export type LoadgenFlags = LoadSettings & {
  /** A file of URLs, one a line (never the URLs on the command line: there may be thousands). */
  urlsFile: string;
  startAtMs?: number | null;
  emitResults?: boolean;
};

const ms = (n: number) => `${Math.round(n)}ms`;

export function loadgenArgv(o: LoadgenFlags): string[] {
  return [
    "--urls-file",
    o.urlsFile,
    "--rate",
    String(o.rate),
    "--duration",
    ms(o.durationMs),
    "--warmup",
    ms(o.warmupMs),
    "--connections",
    String(o.connections),
    "--workers",
    String(o.workers),
    "--timeout",
    ms(o.timeoutMs),
    "--interval",
    ms(o.intervalMs),
    "--pacing",
    o.pacing,
    ...(o.startAtMs != null ? ["--start-at", String(Math.round(o.startAtMs))] : []),
    "--out",
    o.outDir,
    ...(o.emitResults ? ["--emit-results"] : []),
  ];
}
