// Is dist/ what `npm run bundle` would build from the files on disk now? After each build,
// scripts/bundle.ts records a hash of every file that went in (esbuild's metafile inputs,
// the build scripts, package-lock.json for the versions of esbuild and Chart.js) and of
// every file it wrote; the test setup rebuilds only when one of them differs, so an edit
// in src/ and a `git checkout dist` both lead to a rebuild. The stamp is not committed.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const STAMP = join(ROOT, ".cache", "dist-stamp.json");
const BUILD_FILES = ["scripts/bundle.ts", "scripts/bundle-options.ts", "package-lock.json"].map(
  (f) => join(ROOT, f),
);

type Hashes = Record<string, string>;

async function hashOf(file: string): Promise<string> {
  try {
    return createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  } catch {
    return "missing";
  }
}

async function hashAll(files: readonly string[]): Promise<Hashes> {
  const entries = await Promise.all(files.map(async (f) => [f, await hashOf(f)] as const));
  return Object.fromEntries(entries);
}

async function distFiles(): Promise<string[]> {
  const names = await readdir(join(ROOT, "dist")).catch(() => []);
  return names.filter((n) => n.endsWith(".js")).map((n) => join(ROOT, "dist", n));
}

/** Records what the build just done read and wrote (inputs relative to the build's cwd). */
export async function writeDistStamp(inputs: readonly string[]): Promise<void> {
  const stamp = {
    inputs: await hashAll([...inputs.map((f) => resolve(f)), ...BUILD_FILES]),
    outputs: await hashAll(await distFiles()),
  };
  await mkdir(dirname(STAMP), { recursive: true });
  await writeFile(STAMP, `${JSON.stringify(stamp)}\n`);
}

function same(recorded: Hashes, now: Hashes): boolean {
  const keys = Object.keys(recorded);
  return keys.length === Object.keys(now).length && keys.every((k) => recorded[k] === now[k]);
}

/** True when no input and no output changed since the last recorded build. */
export async function distIsCurrent(): Promise<boolean> {
  let stamp: { inputs: Hashes; outputs: Hashes };
  try {
    stamp = JSON.parse(await readFile(STAMP, "utf8"));
  } catch {
    return false;
  }
  const [inputs, outputs] = await Promise.all([
    hashAll(Object.keys(stamp.inputs)),
    hashAll(await distFiles()),
  ]);
  return same(stamp.inputs, inputs) && same(stamp.outputs, outputs);
}
