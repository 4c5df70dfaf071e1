// `meshbench scenario`: the reference of the file formats (--explain), and a check of a
// scenario file that prints the plan it makes (the same plan `meshbench run` executes).

import { MESH_FIELDS } from "../mesh/schema.ts";
import { loadScenarioPlan } from "../run/scenario-plan.ts";
import { formatExplain, formatPlan } from "../scenario/format.ts";
import { SCENARIO_FIELDS } from "../scenario/schema.ts";
import { clusterPlanText } from "./cluster-plan.ts";
import { numberFlag, parseFlags, UsageError } from "./usage.ts";

export const SCENARIO_HELP = `meshbench scenario — scenario files: their fields, and the plan a file makes

Usage:
  meshbench scenario --explain
  meshbench scenario FILE [--mesh NAME ...] [--repetitions N] [--meshes DIR ...]

  --explain          every field of scenario files and mesh definition files, with its
                     default, what it means and what is allowed
  FILE               check a scenario file and print its plan: the runs in order
                     (mesh × rate × repetition, interleaved) and the meshes skipped here;
                     for a cluster also the cluster and every mesh's steps as they will run
  --mesh NAME        only this mesh of the scenario (repeatable)
  --repetitions N    override the scenario's repetitions
  --meshes DIR       look for mesh definitions here first (repeatable); then meshes/
                     beside FILE, then meshbench's own scenarios/meshes/

Exit status: 0 when the file is valid, 2 with file:line:col messages when it is not.
`;

const FLAGS = {
  explain: { type: "boolean" },
  mesh: { type: "string", multiple: true },
  repetitions: { type: "string" },
  meshes: { type: "string", multiple: true },
} as const;

export function explainText(): string {
  return (
    formatExplain("Scenario files (e.g. scenarios/local-quick.yaml)", SCENARIO_FIELDS) +
    "\n" +
    formatExplain("Mesh definition files (scenarios/meshes/<name>.yaml)", MESH_FIELDS)
  );
}

export async function scenarioCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags("scenario", argv, FLAGS, true);
  if (values.explain) {
    process.stdout.write(explainText());
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) {
    throw new UsageError("give a scenario FILE, or --explain (meshbench scenario --help)");
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const { loaded, plan, meshes } = await loadScenarioPlan(file, {
    only: values.mesh,
    repetitions:
      values.repetitions === undefined
        ? undefined
        : numberFlag("repetitions", values.repetitions, { integer: true, min: 1, max: 100 }),
    meshDirs: values.meshes,
  });
  process.stdout.write(formatPlan(loaded.scenario, plan));
  if (loaded.scenario.cluster)
    process.stdout.write(clusterPlanText(loaded.scenario.cluster, plan, meshes));
  return 0;
}
