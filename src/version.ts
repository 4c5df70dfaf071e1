import pkg from "../package.json" with { type: "json" };

/** meshbench's version, written into every result file. */
export const VERSION: string = pkg.version;

/**
 * The oldest Node meshbench runs on. The bundled libraries set it: the undici inside
 * @kubernetes/client-node needs 22.19 (zstd in node:zlib, which the bundle reaches at load
 * time); nothing of meshbench's own needs more. Also package.json's engines, the bundles'
 * first-line check (scripts/bundle-options.ts) and the preflight's Node row.
 */
export const MIN_NODE = "22.19.0";

/** Whether `version` (process.versions.node, with or without a leading v) is MIN_NODE or newer. */
export function isSupportedNode(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const [minMajor = 0, minMinor = 0] = MIN_NODE.split(".").map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}
