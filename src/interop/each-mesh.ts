// Every mesh of every scenario, in order, with its scenario's name. Pure.
import type { ExportMesh, ExportScenario } from "./input.ts";

export function eachMesh(
  scenarios: readonly ExportScenario[],
): { scenario: string; mesh: ExportMesh }[] {
  return scenarios.flatMap((s) => s.meshes.map((mesh) => ({ scenario: s.scenario, mesh })));
}
