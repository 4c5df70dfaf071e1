// The mesh CLIs meshbench fetches itself: the release URLs of linkerd and istioctl for
// each platform, the istioctl archive unpacked after its checksum is checked (a real
// .tar.gz made here; the download is a local stand-in, no network), the cache reused, and
// versions refused before they reach a URL.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { parseMeshDefinition } from "../../src/mesh/load.ts";
import { missingRequirement } from "../../src/mesh/requirements.ts";
import { downloadableTool, istioctlTool, linkerdTool } from "../../src/mesh/tools.ts";
import { KUBECTL, resolveTool } from "../../src/tools/pinned.ts";
import { servedFiles } from "../helpers/downloads.ts";

const LINUX = { os: "linux", arch: "amd64" } as const;

describe("release URLs", () => {
  it("linkerd: one executable per platform, its .sha256 beside it", () => {
    const t = linkerdTool("stable-2.14.10");
    const base = "https://github.com/linkerd/linkerd2/releases/download/stable-2.14.10";
    expect(t.url(LINUX)).toBe(`${base}/linkerd2-cli-stable-2.14.10-linux-amd64`);
    expect(t.url({ os: "linux", arch: "arm64" })).toBe(
      `${base}/linkerd2-cli-stable-2.14.10-linux-arm64`,
    );
    expect(t.url({ os: "darwin", arch: "amd64" })).toBe(
      `${base}/linkerd2-cli-stable-2.14.10-darwin`,
    );
    expect(t.url({ os: "darwin", arch: "arm64" })).toBe(
      `${base}/linkerd2-cli-stable-2.14.10-darwin-arm64`,
    );
    expect(t.checksumUrl!(LINUX)).toBe(`${t.url(LINUX)}.sha256`);
  });

  it("istioctl: a .tar.gz per platform (osx for macOS), its .sha256 beside it", () => {
    const t = istioctlTool("1.30.1");
    const base = "https://github.com/istio/istio/releases/download/1.30.1";
    expect(t.url(LINUX)).toBe(`${base}/istioctl-1.30.1-linux-amd64.tar.gz`);
    expect(t.url({ os: "darwin", arch: "amd64" })).toBe(`${base}/istioctl-1.30.1-osx.tar.gz`);
    expect(t.url({ os: "darwin", arch: "arm64" })).toBe(`${base}/istioctl-1.30.1-osx-arm64.tar.gz`);
    expect(t.archiveEntry).toBe("istioctl");
  });

  it("refuses a version that could change the URL or a path", () => {
    expect(() => linkerdTool("stable-2.14.10/../../evil")).toThrow(
      'linkerd version: "stable-2.14.10/../../evil" is not allowed',
    );
    expect(() => istioctlTool("1.30.1?x=1")).toThrow(
      'istioctl version: "1.30.1?x=1" is not allowed',
    );
  });

  it("download: true stands for the mesh's version of its CLI, or meshbench's kubectl", () => {
    const r = (binary: string) => ({ binary, hint: "-", download: true });
    expect(downloadableTool(r("linkerd"), "edge-25.5.2")?.version).toBe("edge-25.5.2");
    expect(downloadableTool(r("kubectl"), null)).toBe(KUBECTL);
    expect(downloadableTool({ ...r("linkerd"), download: false }, "edge-25.5.2")).toBeNull();
    expect(() => downloadableTool(r("istioctl"), null)).toThrow(
      "istioctl is downloaded at the mesh's version, and none is set",
    );
  });
});

describe("istioctl from its release archive", () => {
  let dir: string;
  let archive: Buffer;
  const script = "#!/bin/sh\necho 1.30.1\n";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshbench-istioctl-"));
    const src = join(dir, "src");
    execFileSync("mkdir", ["-p", src]);
    await writeFile(join(src, "istioctl"), script, { mode: 0o755 });
    execFileSync("tar", ["-czf", join(dir, "a.tar.gz"), "-C", src, "istioctl"]);
    archive = await readFile(join(dir, "a.tar.gz"));
  });

  it("checks the archive's checksum, unpacks istioctl, caches it, and reuses the cache", async () => {
    const t = istioctlTool("1.30.1");
    const sum = createHash("sha256").update(archive).digest("hex");
    const d = servedFiles({
      [t.url(LINUX)]: archive,
      [t.checksumUrl!(LINUX)]: `${sum}  istioctl-1.30.1-linux-amd64.tar.gz\n`,
    });
    const cacheDir = join(dir, "cache");
    const options = { usePath: false, download: d.download, cacheDir, platform: LINUX };
    const path = await resolveTool(t, options);
    expect(path).toBe(join(cacheDir, "istioctl", "1.30.1", "istioctl"));
    expect(await readFile(path, "utf8")).toBe(script);
    expect((await stat(path)).mode & 0o111).not.toBe(0);
    expect(execFileSync(path, { encoding: "utf8" })).toBe("1.30.1\n");
    expect(await resolveTool(t, options)).toBe(path);
    // The archive once; its checksum again for the cached copy (deliberately changed: the
    // cache's own record of it could have been planted), which is unpacked afresh.
    expect(d.seen).toEqual([t.url(LINUX), t.checksumUrl!(LINUX), t.checksumUrl!(LINUX)]);
    expect(execFileSync(path, { encoding: "utf8" })).toBe("1.30.1\n");
  });

  it("refuses an archive whose checksum does not match, and caches nothing", async () => {
    const t = istioctlTool("1.30.1");
    const d = servedFiles({
      [t.url(LINUX)]: archive,
      [t.checksumUrl!(LINUX)]: `${"0".repeat(64)}\n`,
    });
    const cacheDir = join(dir, "cache");
    await expect(
      resolveTool(t, { usePath: false, download: d.download, cacheDir, platform: LINUX }),
    ).rejects.toThrow(`istioctl 1.30.1: checksum mismatch for ${t.url(LINUX)}`);
    await expect(stat(join(cacheDir, "istioctl", "1.30.1", "istioctl"))).rejects.toThrow("ENOENT");
  });
});

describe("requirements on a cluster", () => {
  const mesh = (download: boolean) =>
    parseMeshDefinition(
      "m.yaml",
      `kubernetes:\n  requires: [{ binary: linkerd, hint: "get it", download: ${download} }]\n  version: stable-2.14.10\n`,
    );
  it("a CLI meshbench downloads is never missing; one it does not is, with the hint", () => {
    expect(missingRequirement(mesh(true), "kubernetes", "/nonexistent")).toBeNull();
    expect(missingRequirement(mesh(false), "kubernetes", "/nonexistent")).toBe(
      "`linkerd` not found on the PATH; get it",
    );
    expect(missingRequirement(mesh(true), "local", "/nonexistent")).toMatch(
      /not defined for the local platform/,
    );
  });
});
