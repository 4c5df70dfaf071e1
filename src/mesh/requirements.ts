// Can this mesh run here? A definition with no section for the platform cannot; one whose
// required program is missing is skipped with one line saying what is missing and how to
// get it (the quick start must still work on a machine that has only Node).
import type { PlatformKind } from "../scenario/schema.ts";
import { findExecutable } from "../tools/find-executable.ts";
import type { MeshDefinition } from "./schema.ts";

/**
 * Why the mesh cannot run on this platform (one line), or null when it can. On a cluster,
 * a CLI that meshbench downloads itself (`download: true`) is never missing.
 */
export function missingRequirement(
  mesh: MeshDefinition,
  platform: PlatformKind,
  pathEnv = process.env.PATH ?? "",
): string | null {
  const section = mesh[platform];
  if (!section) {
    return `not defined for the ${platform} platform (${mesh.file} has no "${platform}:" section)`;
  }
  for (const r of section.requires) {
    if ("download" in r && r.download) continue;
    if (!findExecutable(r.binary, pathEnv))
      return `\`${r.binary}\` not found on the PATH; ${r.hint}`;
  }
  return null;
}
