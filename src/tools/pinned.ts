// The CLIs meshbench runs (kind, kubectl, the mesh CLIs), at pinned versions: taken from the PATH when the version there is the pinned one,
// else from a cache (~/.cache/meshbench/tools/<name>/<version>/), else downloaded into it,
// and either way checked against a sha256 pinned here or, failing that, the release's
// published checksum file. Never against anything in the cache itself: on a self-hosted
// runner the cache outlives jobs, and a planted tool with a matching checksum beside it
// would otherwise run with zero downloads (README, "Trust model").
// The download itself is injectable: Node's fetch for the CLI, @actions/tool-cache's
// downloadTool in the Action, a local stand-in in tests.
import { createHash } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { checked, VERSION_PATTERN } from "../kube/names.ts";
import { run } from "./exec.ts";
import { findExecutable } from "./find-executable.ts";

export type OsArch = { os: "linux" | "darwin"; arch: "amd64" | "arm64" };

export interface ToolSpec {
  name: string;
  version: string;
  url(p: OsArch): string;
  /** Where the published checksum is (first 64-hex word of the file); or sha256 pinned. */
  checksumUrl?(p: OsArch): string;
  sha256?: Partial<Record<`${OsArch["os"]}-${OsArch["arch"]}`, string>>;
  /** An executable: how to ask its version, and where the version is in the answer. */
  versionArgs?: string[];
  /**
   * The download is a .tar.gz holding the executable under this name (istioctl); the
   * checksum is the archive's, the cache keeps the executable alone.
   */
  archiveEntry?: string;
}

/** Saves `url` at `destination` (follow redirects; throw on a non-2xx answer). */
export type Downloader = (url: string, destination: string) => Promise<void>;

export const KIND: ToolSpec = {
  name: "kind",
  version: "v0.29.0",
  url: (p) =>
    `https://github.com/kubernetes-sigs/kind/releases/download/v0.29.0/kind-${p.os}-${p.arch}`,
  checksumUrl: (p) =>
    `https://github.com/kubernetes-sigs/kind/releases/download/v0.29.0/kind-${p.os}-${p.arch}.sha256sum`,
  // The release's .sha256sum values, as recorded in f110/mono's build/rules/kind/assets.bzl:
  // kind's repository holds no checksums of its binaries (hack/release/build/cross.sh makes
  // them as release assets), so there is no first-party copy to take them from. A wrong
  // record fails the real download; passing a wrong binary would need this record and the
  // release's download to be wrong alike.
  sha256: {
    "linux-amd64": "c72eda46430f065fb45c5f70e7c957cc9209402ef309294821978677c8fb3284",
    "linux-arm64": "03d45095dbd9cc1689f179a3e5e5da24b77c2d1b257d7645abf1b4174bebcf2a",
    "darwin-amd64": "3eb0d4de25b854f34ea8ce8a3cbe15054fc03bc962b03e96fd10664b829fb6ed",
    "darwin-arm64": "314d8f1428842fd1ba2110fd0052a0f0b3ab5773ab1bdcdad1ff036e913310c9",
  },
  versionArgs: ["version"],
};

export const KUBECTL: ToolSpec = {
  name: "kubectl",
  version: "v1.33.1",
  url: (p) => `https://dl.k8s.io/release/v1.33.1/bin/${p.os}/${p.arch}/kubectl`,
  checksumUrl: (p) => `https://dl.k8s.io/release/v1.33.1/bin/${p.os}/${p.arch}/kubectl.sha256`,
  versionArgs: ["version", "--client"],
};

export function currentPlatform(): OsArch {
  const os = process.platform === "darwin" ? "darwin" : "linux";
  const arch = process.arch === "arm64" ? "arm64" : "amd64";
  return { os, arch };
}

export const defaultCacheDir = () =>
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "meshbench", "tools");

/** Node's fetch: follows redirects, refuses non-2xx, writes the body. */
export const fetchDownloader: Downloader = async (url, destination) => {
  const response = await fetch(url, { redirect: "follow" });
  if (!response.ok) throw new Error(`download ${url}: HTTP ${response.status}`);
  await writeFile(destination, Buffer.from(await response.arrayBuffer()));
};

export interface ResolveOptions {
  cacheDir?: string;
  download?: Downloader;
  /** Look on the PATH first (default true). */
  usePath?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: OsArch;
  log?: (line: string) => void;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function onPath(spec: ToolSpec, env: NodeJS.ProcessEnv): Promise<string | null> {
  // The first one on the PATH is what a user's shell runs; not ours if not pinned.
  const candidate = findExecutable(spec.name, env.PATH ?? "");
  if (candidate === undefined) return null;
  const out = await run(candidate, spec.versionArgs ?? ["--version"], {
    timeoutMs: 15_000,
    env,
  }).catch(() => null);
  const text = `${out?.stdout ?? ""} ${out?.stderr ?? ""}`;
  // "kind v0.29.0 go1.24…", "Client Version: v1.33.1": the pinned version as a whole word.
  const pinned = new RegExp(`(^|[^\\w.])${spec.version.replace(/\./g, "\\.")}([^\\w.]|$)`);
  return pinned.test(text) ? candidate : null;
}

async function expectedSha256(
  spec: ToolSpec,
  p: OsArch,
  download: Downloader,
  dir: string,
): Promise<string> {
  const pinned = spec.sha256?.[`${p.os}-${p.arch}`];
  if (pinned) return pinned;
  if (!spec.checksumUrl)
    throw new Error(
      `${spec.name} ${spec.version}: no pinned sha256 and no published checksum to check it against; pin one in src/tools/pinned.ts`,
    );
  const file = join(dir, ".checksum");
  await download(spec.checksumUrl(p), file);
  const hex = /\b[0-9a-f]{64}\b/.exec(await readFile(file, "utf8"))?.[0];
  await rm(file, { force: true });
  if (!hex) throw new Error(`${spec.name} ${spec.version}: no sha256 in ${spec.checksumUrl(p)}`);
  return hex;
}

/** Takes `entry` out of a .tar.gz (with tar, run directly); returns where it is. */
async function extract(archive: string, entry: string): Promise<string> {
  const into = `${archive}.d`;
  await mkdir(into, { recursive: true });
  await run("tar", ["-xzf", archive, "-C", into, entry], { timeoutMs: 120_000 });
  const out = join(into, entry);
  await access(out).catch(() => {
    throw new Error(`${archive}: no ${entry} in the archive`);
  });
  return out;
}

/** The path of the tool at its pinned version, downloading it into the cache if needed. */
export async function resolveTool(spec: ToolSpec, options: ResolveOptions = {}): Promise<string> {
  checked(`${spec.name} version`, spec.version, VERSION_PATTERN);
  const env = options.env ?? process.env;
  if (options.usePath ?? true) {
    const found = await onPath(spec, env);
    if (found) return found;
  }
  const p = options.platform ?? currentPlatform();
  const dir = join(options.cacheDir ?? defaultCacheDir(), spec.name, spec.version);
  const target = join(dir, spec.name);
  // What was downloaded, as it was checked: the archive itself for an archived tool.
  const kept = spec.archiveEntry ? `${target}.tar.gz` : target;
  const download = options.download ?? fetchDownloader;
  const cached = await readFile(kept).catch(() => null);
  if (cached) {
    const expected = await expectedSha256(spec, p, download, dir);
    if (sha256(cached) === expected) {
      if (spec.archiveEntry) await unpack(spec, kept, target);
      return target;
    }
    options.log?.(
      `${spec.name} ${spec.version}: cached copy does not match its sha256; downloading again`,
    );
  }
  await mkdir(dir, { recursive: true });
  const partial = `${target}.download-${process.pid}`;
  options.log?.(`downloading ${spec.name} ${spec.version} from ${spec.url(p)}`);
  try {
    await download(spec.url(p), partial);
    const actual = sha256(await readFile(partial));
    const expected = await expectedSha256(spec, p, download, dir);
    if (actual !== expected) {
      throw new Error(
        `${spec.name} ${spec.version}: checksum mismatch for ${spec.url(p)}: expected sha256 ${expected}, got ${actual}`,
      );
    }
    if (!spec.archiveEntry) await chmod(partial, 0o755);
    await rename(partial, kept);
    if (spec.archiveEntry) await unpack(spec, kept, target);
    return target;
  } finally {
    await rm(partial, { force: true });
  }
}

/** Replaces `target` with the executable taken out of the (checked) `archive`. */
async function unpack(spec: ToolSpec, archive: string, target: string): Promise<void> {
  try {
    const out = await extract(archive, spec.archiveEntry!);
    await chmod(out, 0o755);
    await rename(out, target);
  } finally {
    await rm(`${archive}.d`, { recursive: true, force: true });
  }
}
