// `meshbench calibrate`: runs of an unchanged setup in; the gate's false-alarm rate and
// minimal detectable change per run count out (printed), and calibration.json, the noise
// floor `compare --calibration` uses. Thin: read, call src/stats/calibration.ts, print.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { calibrationSections } from "../report/calibration-table.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { readResults } from "../results/results-dir.ts";
import { calibrate } from "../stats/calibration.ts";
import { CalibrationError } from "../stats/calibration-file.ts";
import { CALIBRATION_HELP, gateFlag, THRESHOLDS_HELP } from "./gate-flag.ts";
import { numberFlag, parseFlags, stringFlags, UsageError } from "./usage.ts";

export const CALIBRATE_HELP = `meshbench calibrate — how noisy this setup is, and what the gate can see in it

Usage:
  meshbench calibrate RESULTS_DIR [--splits N] [--seed N] [--shift-ms MS]
                      [--thresholds SPEC] [--calibration FILE] [--out FILE]

RESULTS_DIR holds N runs of an unchanged setup (at least 4 of every mesh; 8 or more
tell more), e.g. meshbench run scenarios/local-quick.yaml --repetitions 10. For 2, 3, 4 …
runs a side, calibrate splits them at random into disjoint baseline and candidate halves,
puts each split through the gate and prints how many splits it wrongly called a change
(the family-wise false-alarm rate) and, per metric, the smallest change it catches with
80 % power. It writes calibration.json: the run-to-run spread per metric, which
meshbench compare --calibration uses as the noise floor.

Flags:
  --splits N      random splits per run count (default 30)
  --seed N        seed of the splits (default 1): the same runs and seed give the same table
  --shift-ms MS   also add MS ms to every latency of the candidate half and count the
                  splits where every mesh regressed: the power on a known slowdown
${THRESHOLDS_HELP}
${CALIBRATION_HELP}
                      (here: the gate whose error rates are measured uses that floor)
  --out FILE      where calibration.json goes (default RESULTS_DIR/calibration.json)

Exit status: 0 calibrated, 2 bad arguments or too few runs, 1 internal fault.
`;

const FLAGS = {
  ...stringFlags("splits", "seed", "shift-ms", "thresholds", "calibration", "out"),
} as const;

export async function calibrateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("calibrate", argv, FLAGS, true);
  if (positionals.length !== 1) {
    throw new UsageError(`calibrate: give one RESULTS_DIR (got ${positionals.length})`);
  }
  const dir = positionals[0]!;
  const set = await readResults([dir], { dropSamples: true });
  for (const problem of set.problems) process.stderr.write(`meshbench: ${problem}\n`);
  const shift = values["shift-ms"];
  let calibration: ReturnType<typeof calibrate>;
  try {
    calibration = calibrate(set.runs, {
      gate: await gateFlag(values.thresholds, values.calibration),
      splits: numberFlag("splits", values.splits ?? "30", { integer: true, min: 1, max: 10_000 }),
      seed: numberFlag("seed", values.seed ?? "1", { integer: true, min: 0 }),
      ...(shift !== undefined ? { shiftMs: numberFlag("shift-ms", shift, { min: 0 }) } : {}),
    });
  } catch (error) {
    if (error instanceof CalibrationError)
      throw new UsageError(`calibrate: ${dir}: ${error.message}`);
    throw error;
  }
  const out = values.out ?? join(dir, "calibration.json");
  await writeFile(out, `${JSON.stringify(calibration, null, 2)}\n`);
  process.stdout.write(renderMarkdown(calibrationSections(calibration), null));
  process.stdout.write(`\nWritten: ${out}\n`);
  return 0;
}
