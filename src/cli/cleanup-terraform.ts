// `meshbench cleanup --provider terraform`: destroys bare-metal clusters that earlier runs
// left (killed before they could destroy them): expired ones, ones whose meshbench is
// gone, ones whose destroy failed. Live clusters of running meshbench processes are kept
// unless --all. Prints what it did; a destroy that still fails exits 1 and says why.
import { resolve } from "node:path";
import {
  cleanupTerraformLeftovers,
  defaultStateRoot,
  TerraformCleanupError,
} from "../provision/terraform/index.ts";
import { parseFlags, stringFlags, UsageError } from "./usage.ts";

const FLAGS = {
  ...stringFlags("provider", "root"),
  "state-dir": { type: "string", multiple: true },
  all: { type: "boolean" },
} as const;

export async function cleanupTerraformCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("cleanup", argv, FLAGS, true);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  // Absolute from here on: tofu runs with -chdir=<module>, where a relative path would
  // name another directory.
  const dirs = (values["state-dir"] ?? []).map((d) => resolve(d));
  if (dirs.length > 0 && values.root !== undefined) {
    throw new UsageError("--state-dir and --root: give one or the other");
  }
  const target = dirs.length > 0 ? dirs : { root: resolve(values.root ?? defaultStateRoot()) };
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `meshbench cleanup: terraform clusters under ${"root" in target ? target.root : dirs.join(", ")}`,
  );
  try {
    const results = await cleanupTerraformLeftovers(target, {
      all: values.all ?? false,
      log: (line) => say(`  ${line}`),
    });
    for (const r of results) {
      say(`  ${r.action}${r.runId ? ` run ${r.runId}` : ""} (${r.stateDir}): ${r.reason}`);
    }
    if (results.length === 0) say("  nothing to clean up");
    return 0;
  } catch (error) {
    if (error instanceof TerraformCleanupError) {
      process.stderr.write(`meshbench: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
