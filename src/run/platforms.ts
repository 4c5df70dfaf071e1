// Which platform a scenario runs on, and what run.json says about it. Shared by the CLI
// and the Action.
import { cpus } from "node:os";
import { LocalPlatform } from "../platform/local/platform.ts";
import type { Platform } from "../platform/types.ts";
import type { Platform as PlatformInfo } from "../results/run-schema.ts";

export interface ChosenPlatform {
  platform: Platform & {
    /** Synchronous last resort (a second Ctrl-C): stop every process now. */
    killAllNow?: () => void;
    /** Processes still running (local platform), for the Action's post step. */
    processes?: () => { pid: number; running: boolean }[];
  };
  info: PlatformInfo;
}

/** A platform kind this build cannot drive; the message says what to use instead. */
export class PlatformUnavailable extends Error {}

function localPlatformInfo(): PlatformInfo {
  const cores = cpus();
  return {
    kind: "local",
    nodes: { count: 1, types: [`${cores[0]?.model.trim() ?? "unknown CPU"} ×${cores.length}`] },
  };
}

export function platformFor(kind: string): ChosenPlatform {
  if (kind === "local") return { platform: new LocalPlatform(), info: localPlatformInfo() };
  throw new PlatformUnavailable(
    `platform ${kind}: not available in this version of meshbench run; use platform: local`,
  );
}
