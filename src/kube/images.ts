// Image mirrors (cluster.images): every image meshbench deploys can be pulled from a
// registry of the user's instead — air-gapped clusters, Docker Hub's anonymous pull limits.
// A per-image override wins; else the registry prefix replaces the image's own registry
// (Docker Hub's official images keep their implicit library/ path). Pure.

import type { ImageMirrors } from "../scenario/load.ts";

/**
 * The image's registry host and its path there (Docker Hub: docker.io, library/ for official
 * images).
 */
export function splitImage(image: string): { registry: string; path: string } {
  const [first, ...rest] = image.split("/");
  const isHost =
    rest.length > 0 && (first!.includes(".") || first!.includes(":") || first === "localhost");
  if (isHost) return { registry: first!, path: rest.join("/") };
  return { registry: "docker.io", path: rest.length > 0 ? image : `library/${image}` };
}

/** The reference to pull `image` by, given the scenario's mirrors. */
export function mirrorImage(image: string, mirrors: ImageMirrors = {}): string {
  const override = mirrors.overrides?.[image];
  if (override) return override;
  if (!mirrors.registry) return image;
  return `${mirrors.registry.replace(/\/+$/, "")}/${splitImage(image).path}`;
}
