// How meshes are named and ordered in reports. A mesh is its name, version and variant;
// a baseline comparison pairs meshes by name and variant so that a version bump of the
// same mesh is exactly what it compares.
import type { Mesh } from "./run-schema.ts";

/** The mesh-less baseline that overhead is measured against. */
export const BARE = "bare";

/** e.g. `istio 1.24.1 (tuned)`, `linkerd`, `bare`. */
export function meshLabel(mesh: Mesh): string {
  return `${mesh.name}${mesh.version ? ` ${mesh.version}` : ""}${mesh.variant ? ` (${mesh.variant})` : ""}`;
}

/** The identity a comparison pairs meshes by: the same mesh, any version. */
export function meshLineage(mesh: Mesh): string {
  return `${mesh.name}${mesh.variant ? ` (${mesh.variant})` : ""}`;
}

/** Bare first, then by name, variant and version. */
export function compareMeshes(a: Mesh, b: Mesh): number {
  const bareA = a.name === BARE ? 0 : 1;
  const bareB = b.name === BARE ? 0 : 1;
  return (
    bareA - bareB ||
    a.name.localeCompare(b.name) ||
    (a.variant ?? "").localeCompare(b.variant ?? "") ||
    (a.version ?? "").localeCompare(b.version ?? "", undefined, { numeric: true })
  );
}
