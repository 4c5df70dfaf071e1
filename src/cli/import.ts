// `meshbench import`: another tool's result file in (src/interop/), a run.json out.

import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseFortio } from "../interop/fortio.ts";
import { ImportError, importedRun } from "../interop/imported-run.ts";
import { parseWrk2 } from "../interop/wrk2.ts";
import { writeRun } from "../results/run-file.ts";
import { numberFlag, parseFlags, stringFlags, UsageError } from "./usage.ts";

export const IMPORT_HELP = `meshbench import — another tool's results as a meshbench run.json

Usage:
  meshbench import wrk2 FILE --out DIR --mesh NAME --rate R [flags]
  meshbench import fortio FILE --out DIR --mesh NAME [flags]

Writes DIR/SCENARIO/MESH/rREPETITION/run.json, which report and compare read like
meshbench's own (compare another tool's runs with --force: their workload and platform
differ from meshbench's). Each run carries an event saying where it came from and how
exact its latency is:
  wrk2     wrk2's output with --latency (-L): the latency distribution rebuilt from its
           "Detailed Percentile spectrum", exact at every percentile it lists (HDR, 3
           significant digits). wrk2 prints neither the rate asked for (give --rate) nor
           a time (the file's modification time is taken as the run's end).
  fortio   Fortio's JSON result (fortio load -json FILE): approximate, Fortio's buckets
           are not HDR's; each bucket's calls are spread evenly over it.

Flags:
  --out DIR            results directory to write into
  --mesh NAME          the mesh the run measured (bare for none)
  --mesh-version V     its version
  --scenario NAME      scenario name (default: imported); the same as meshbench's to compare
  --repetition K       repetition number (default 1)
  --rate R             the rate the tool was asked for (wrk2 -R; Fortio's RequestedQPS
                       otherwise)

Exit status: 0 written, 2 bad arguments or a file that cannot be read, 1 internal fault.
`;

const FLAGS = {
  ...stringFlags("out", "mesh", "mesh-version", "scenario", "repetition", "rate"),
} as const;

const TOOLS = ["wrk2", "fortio"] as const;

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("import", argv, FLAGS, true);
  const [tool, file, ...extra] = positionals;
  if (
    tool === undefined ||
    !(TOOLS as readonly string[]).includes(tool) ||
    file === undefined ||
    extra.length > 0
  ) {
    throw new UsageError(
      `import: give the tool (${TOOLS.join(" or ")}) and one FILE (meshbench import --help)`,
    );
  }
  if (values.out === undefined)
    throw new UsageError("--out: missing; the results directory to write into");
  if (values.mesh === undefined)
    throw new UsageError("--mesh: missing; the mesh the run measured (bare for none)");
  const rate =
    values.rate === undefined ? null : numberFlag("rate", values.rate, { min: Number.MIN_VALUE });
  const repetition =
    values.repetition === undefined
      ? 1
      : numberFlag("repetition", values.repetition, { integer: true, min: 1 });
  let text: string;
  let modifiedMs: number;
  try {
    text = await readFile(file, "utf8");
    modifiedMs = (await stat(file)).mtimeMs;
  } catch (error) {
    throw new UsageError(`import: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const read =
      tool === "wrk2"
        ? { load: parseWrk2(text, file, Math.round(modifiedMs)), requestedRate: null }
        : parseFortio(text, file);
    const targetRate = rate ?? read.requestedRate;
    if (targetRate === null) {
      throw new UsageError(
        `--rate: missing; ${tool === "wrk2" ? "wrk2 does not print the -R it was given" : `${file} asked for no fixed rate (RequestedQPS)`}: give it`,
      );
    }
    const scenario = values.scenario ?? "imported";
    const mesh = {
      name: values.mesh,
      ...(values["mesh-version"] ? { version: values["mesh-version"] } : {}),
    };
    const run = importedRun(read.load, { scenario, mesh, repetition, rate: targetRate });
    const path = await writeRun(join(values.out, scenario, values.mesh, `r${repetition}`), run);
    process.stdout.write(`${path}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
}
