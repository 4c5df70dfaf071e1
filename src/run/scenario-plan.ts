// From a scenario file to the plan that will run: read and check the file, find the
// definition of every mesh it names, leave out (with the reason) meshes that cannot run
// on its platform here, and lay out the interleaved matrix. What `meshbench scenario FILE`
// prints and what `meshbench run` executes.

import { meshSearchPath, resolveMeshes } from "../mesh/load.ts";
import { missingRequirement } from "../mesh/requirements.ts";
import type { MeshDefinition } from "../mesh/schema.ts";
import { type LoadedScenario, loadScenario } from "../scenario/load.ts";
import { type Plan, type PlanOptions, planRuns, type SkippedMesh } from "../scenario/plan.ts";

export interface ScenarioPlan {
  loaded: LoadedScenario;
  /** Every mesh the scenario names (skipped ones too), by name. */
  meshes: Map<string, MeshDefinition>;
  plan: Plan;
}

export interface ScenarioPlanOptions extends Omit<PlanOptions, "skipped"> {
  /** Directories searched for mesh definitions before the default ones. */
  meshDirs?: readonly string[];
  /** The PATH requirements are looked up on (default: this process's). */
  pathEnv?: string;
  /**
   * Why a mesh cannot run here, or null; default: its platform section and required
   * programs on the PATH (a platform that fetches its CLIs itself passes its own).
   */
  check?: (mesh: MeshDefinition) => string | null;
}

export async function loadScenarioPlan(
  file: string,
  options: ScenarioPlanOptions = {},
): Promise<ScenarioPlan> {
  const loaded = await loadScenario(file);
  const meshes = await resolveMeshes(loaded, meshSearchPath(file, options.meshDirs));
  const skipped: SkippedMesh[] = [];
  for (const mesh of meshes.values()) {
    const reason = options.check
      ? options.check(mesh)
      : missingRequirement(mesh, loaded.scenario.platform, options.pathEnv);
    if (reason !== null) skipped.push({ mesh: mesh.name, reason });
  }
  const plan = planRuns(loaded.scenario, { ...options, skipped });
  return { loaded, meshes, plan };
}
