// Can this mesh run here? A definition with no section for the platform cannot; one whose
// required program is missing is skipped with one line saying what is missing and how to
// get it (the quick start must still work on a machine that has only Node).
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { PlatformKind } from "../scenario/schema.ts";
import type { MeshDefinition } from "./schema.ts";

/** The full path of `binary` on the PATH, or undefined. */
export function findOnPath(binary: string, pathEnv = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

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
    if (!findOnPath(r.binary, pathEnv)) return `\`${r.binary}\` not found on the PATH; ${r.hint}`;
  }
  return null;
}
