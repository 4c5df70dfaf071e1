import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadgenOptions } from "../../src/loadgen/options.ts";
import { type LoadgenHooks, runLoadgen } from "../../src/loadgen/run.ts";

/** Runs the load generator with test defaults (quiet, 100 ms intervals kept at 1 s). */
export async function load(
  options: Partial<LoadgenOptions> & Pick<LoadgenOptions, "urls" | "rate" | "durationMs">,
  hooks: LoadgenHooks = {},
) {
  const outDir = await mkdtemp(join(tmpdir(), "meshbench-test-"));
  return runLoadgen(
    {
      warmupMs: 0,
      connections: 16,
      workers: 1,
      timeoutMs: 2000,
      intervalMs: 1000,
      startAtMs: null,
      pacing: "efficient",
      outDir,
      quiet: true,
      ...options,
    },
    hooks,
  );
}
