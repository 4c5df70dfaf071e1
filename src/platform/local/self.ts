// How the local platform starts meshbench's own processes (Emojivoto services, the load
// generator): this Node, running the CLI. From a bundle that is dist/cli.js, which must
// sit beside the bundle that runs this code (it is that bundle, for the CLI); from
// sources, src/cli/main.ts (Node 24 runs TypeScript directly).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundled = () => typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE;

export function selfCommand(): { command: string; args: string[] } {
  const entry = bundled()
    ? new URL("./cli.js", import.meta.url)
    : new URL("../../cli/main.ts", import.meta.url);
  return { command: process.execPath, args: [fileURLToPath(entry)] };
}

export interface LoadgenCommandOptions {
  bundled: boolean;
  /** import.meta.url of the module asking: dist/<bundle>.js, or src/platform/local/self.ts. */
  moduleUrl: string;
  exists: (path: string) => boolean;
  execPath: string;
}

/** A program of meshbench's own that runs as a process apart from the CLI. */
interface Program {
  /** dist/<bundle> beside the running bundle. */
  bundle: string;
  /** Its source entry, relative to this file (what dist/<bundle> is built from). */
  source: string;
  /** The CLI command that runs the same code, for a bundle copied without dist/<bundle>. */
  cliCommand: string;
}

/**
 * The load generator as its own program: dist/loadgen.js beside the running bundle, or
 * its source entry (src/cli/loadgen-main.ts, what dist/loadgen.js is built from) when running
 * from src/. Not `cli.js loadgen`: the CLI bundle carries the reports, the cluster code
 * and the Action's (several MB to load), and that start-up CPU and resident memory would
 * be counted as the load generator's; the standalone one is also the very file the
 * cluster's load-generator pods run, so both platforms measure the same program. A bundle
 * copied without its loadgen.js still works, through the CLI.
 */
const LOADGEN: Program = {
  bundle: "loadgen.js",
  source: "../../cli/loadgen-main.ts",
  cliCommand: "loadgen",
};

/** The reaper (reaper.ts) as its own small program, for the same reason: it idles all run long. */
const REAPER: Program = { bundle: "reaper.js", source: "./reaper-main.ts", cliCommand: "reaper" };

function programCommandFor(
  program: Program,
  o: LoadgenCommandOptions,
): { command: string; args: string[] } {
  if (!o.bundled) {
    return { command: o.execPath, args: [fileURLToPath(new URL(program.source, o.moduleUrl))] };
  }
  const standalone = fileURLToPath(new URL(`./${program.bundle}`, o.moduleUrl));
  if (o.exists(standalone)) return { command: o.execPath, args: [standalone] };
  return {
    command: o.execPath,
    args: [fileURLToPath(new URL("./cli.js", o.moduleUrl)), program.cliCommand],
  };
}

export function loadgenCommandFor(o: LoadgenCommandOptions): { command: string; args: string[] } {
  return programCommandFor(LOADGEN, o);
}

function here(): LoadgenCommandOptions {
  return {
    bundled: bundled(),
    moduleUrl: import.meta.url,
    exists: existsSync,
    execPath: process.execPath,
  };
}

export function loadgenSelfCommand(): { command: string; args: string[] } {
  return programCommandFor(LOADGEN, here());
}

export function reaperSelfCommand(): { command: string; args: string[] } {
  return programCommandFor(REAPER, here());
}
