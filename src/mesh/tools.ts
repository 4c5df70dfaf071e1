// The mesh CLIs meshbench can fetch itself, at the version a scenario or mesh definition
// names: linkerd (one executable per release) and istioctl (a .tar.gz per release), both
// checked against the sha256 file each release publishes beside the download; kubectl at
// meshbench's pinned version. The version is checked against a strict pattern before it
// becomes part of a URL or a cache path.

import { checked, VERSION_PATTERN } from "../kube/names.ts";
import { KUBECTL, type OsArch, type ToolSpec } from "../tools/pinned.ts";
import type { Requirement } from "./schema.ts";

const LINKERD_RELEASES = "https://github.com/linkerd/linkerd2/releases/download";
const ISTIO_RELEASES = "https://github.com/istio/istio/releases/download";

export function linkerdTool(version: string): ToolSpec {
  const v = checked("linkerd version", version, VERSION_PATTERN);
  // Release assets: linkerd2-cli-<v>-linux-amd64, -linux-arm64, -darwin (Intel), -darwin-arm64.
  const asset = (p: OsArch) =>
    `linkerd2-cli-${v}-${p.os}${p.os === "darwin" && p.arch === "amd64" ? "" : `-${p.arch}`}`;
  return {
    name: "linkerd",
    version: v,
    url: (p) => `${LINKERD_RELEASES}/${v}/${asset(p)}`,
    checksumUrl: (p) => `${LINKERD_RELEASES}/${v}/${asset(p)}.sha256`,
    versionArgs: ["version", "--client", "--short"],
  };
}

export function istioctlTool(version: string): ToolSpec {
  const v = checked("istioctl version", version, VERSION_PATTERN);
  // Release assets: istioctl-<v>-linux-amd64.tar.gz, -linux-arm64, -osx (Intel), -osx-arm64.
  const asset = (p: OsArch) =>
    `istioctl-${v}-${p.os === "darwin" ? "osx" : "linux"}${p.os === "darwin" && p.arch === "amd64" ? "" : `-${p.arch}`}.tar.gz`;
  return {
    name: "istioctl",
    version: v,
    url: (p) => `${ISTIO_RELEASES}/${v}/${asset(p)}`,
    checksumUrl: (p) => `${ISTIO_RELEASES}/${v}/${asset(p)}.sha256`,
    versionArgs: ["version", "--remote=false"],
    archiveEntry: "istioctl",
  };
}

/**
 * The tool a `download: true` requirement stands for: the mesh CLIs at the mesh's version,
 * kubectl at meshbench's own pin. Null when meshbench does not fetch it.
 */
export function downloadableTool(
  r: Requirement & { download?: boolean },
  meshVersion: string | null,
) {
  if (!r.download) return null;
  if (r.binary === "kubectl") return KUBECTL;
  if (meshVersion === null)
    throw new Error(
      `${r.binary} is downloaded at the mesh's version, and none is set: give kubernetes.version in the mesh definition or meshes[].version in the scenario`,
    );
  if (r.binary === "linkerd") return linkerdTool(meshVersion);
  if (r.binary === "istioctl") return istioctlTool(meshVersion);
  return null;
}
