// The CLIs meshbench runs (kind, kubectl, and files such as metrics-server's manifest),
// at pinned versions: taken from the PATH when the version there is the pinned one,
// else from a cache (~/.cache/meshbench/tools/<name>/<version>/), else downloaded into it
// and checked against a sha256 (pinned here, or the release's published checksum file).
// The download itself is injectable: Node's fetch for the CLI, @actions/tool-cache's
// downloadTool in the Action, a local stand-in in tests.
import { createHash } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { checked, VERSION } from "../kube/names.ts";
import { run } from "./exec.ts";
import { findExecutable } from "./find-executable.ts";

export type Platform = { os: "linux" | "darwin"; arch: "amd64" | "arm64" };

export interface ToolSpec {
  name: string;
  version: string;
  url(p: Platform): string;
  /** Where the published checksum is (first 64-hex word of the file); or sha256 pinned. */
  checksumUrl?(p: Platform): string;
  sha256?: Partial<Record<`${Platform["os"]}-${Platform["arch"]}`, string>>;
  /** An executable: how to ask its version, and where the version is in the answer. */
  versionArgs?: string[];
  /** A plain file (a manifest), not an executable. */
  file?: boolean;
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
  versionArgs: ["version"],
};

export const KUBECTL: ToolSpec = {
  name: "kubectl",
  version: "v1.33.1",
  url: (p) => `https://dl.k8s.io/release/v1.33.1/bin/${p.os}/${p.arch}/kubectl`,
  checksumUrl: (p) => `https://dl.k8s.io/release/v1.33.1/bin/${p.os}/${p.arch}/kubectl.sha256`,
  versionArgs: ["version", "--client"],
};

/** metrics-server's release manifest (it publishes no checksum: see README, "Tools"). */
export const METRICS_SERVER: ToolSpec = {
  name: "metrics-server",
  version: "v0.7.2",
  url: () =>
    "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml",
  file: true,
};

export function currentPlatform(): Platform {
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
  /** Look on the PATH first (default true; files are never looked up there). */
  usePath?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: Platform;
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
  p: Platform,
  download: Downloader,
  dir: string,
): Promise<string | null> {
  const pinned = spec.sha256?.[`${p.os}-${p.arch}`];
  if (pinned) return pinned;
  if (!spec.checksumUrl) return null;
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
  checked(`${spec.name} version`, spec.version, VERSION);
  const env = options.env ?? process.env;
  if (!spec.file && (options.usePath ?? true)) {
    const found = await onPath(spec, env);
    if (found) return found;
  }
  const p = options.platform ?? currentPlatform();
  const dir = join(options.cacheDir ?? defaultCacheDir(), spec.name, spec.version);
  const target = join(dir, spec.file ? (spec.url(p).split("/").pop() ?? spec.name) : spec.name);
  const record = `${target}.sha256`;
  const cached = await readFile(target).catch(() => null);
  if (cached) {
    const want = (await readFile(record, "utf8").catch(() => "")).trim();
    if (want && sha256(cached) === want) return target;
    options.log?.(
      `${spec.name} ${spec.version}: cached copy does not match its checksum; downloading again`,
    );
  }
  await mkdir(dir, { recursive: true });
  const download = options.download ?? fetchDownloader;
  const partial = `${target}.download-${process.pid}`;
  options.log?.(`downloading ${spec.name} ${spec.version} from ${spec.url(p)}`);
  try {
    await download(spec.url(p), partial);
    const actual = sha256(await readFile(partial));
    const expected = await expectedSha256(spec, p, download, dir);
    if (expected && actual !== expected) {
      throw new Error(
        `${spec.name} ${spec.version}: checksum mismatch for ${spec.url(p)}: expected sha256 ${expected}, got ${actual}`,
      );
    }
    if (!expected)
      options.log?.(
        `${spec.name} ${spec.version}: no published checksum; recorded sha256 ${actual} for later runs`,
      );
    // An archive's checksum is checked above; the cache keeps (and re-checks) what is in it.
    const ready = spec.archiveEntry ? await extract(partial, spec.archiveEntry) : partial;
    if (!spec.file) await chmod(ready, 0o755);
    await writeFile(record, `${sha256(await readFile(ready))}\n`);
    await rename(ready, target);
    return target;
  } finally {
    await rm(partial, { force: true });
    await rm(`${partial}.d`, { recursive: true, force: true });
  }
}
