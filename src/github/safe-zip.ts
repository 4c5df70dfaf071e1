// Extracting a downloaded artifact, which is untrusted data (a fork's PR wrote it): the
// whole listing is checked before a byte is written — sizes against limits, names against
// path traversal (no absolute paths, no "..", no backslashes or drive letters), no file
// that is also a directory, no symlinks, no encryption, no zip64. Entries are then
// streamed to disk one at a time (never held whole in memory: 1 MiB of zip can inflate to
// 1 GiB), each inflated no further than its declared size and CRC-checked as it goes; any
// problem refuses the archive whole and removes what was written. Nothing is ever
// executed; the result readers schema-validate the files afterwards.
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createInflateRaw } from "node:zlib";

export interface ExtractLimits {
  /** Sum of the files' uncompressed sizes. */
  maxExtractedBytes: number;
  maxEntries: number;
}

export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeArchiveError";
  }
}

export interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  isDirectory: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** The entries of `zip`, validated; throws UnsafeArchiveError on the first problem. */
export function listZip(zip: Buffer, limits: ExtractLimits): Entry[] {
  const fail = (m: string): never => {
    throw new UnsafeArchiveError(m);
  };
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail("not a zip archive (no end of central directory)");
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) fail("zip64 archives are not accepted");
  if (count > limits.maxEntries)
    fail(`${count} entries, more than the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > eocd) fail("central directory out of bounds");

  const entries: Entry[] = [];
  const seen = new Set<string>();
  const files = new Set<string>();
  const parents = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== CENTRAL) fail("corrupt central directory");
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;

    checkName(name, fail);
    if (flags & 0x1) fail(`${name}: encrypted entries are not accepted`);
    if (method !== 0 && method !== 8) fail(`${name}: compression method ${method} is not accepted`);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      fail(`${name}: zip64 entries are not accepted`);
    }
    // Unix hosts (3) keep the mode in the high 16 bits of the external attributes.
    if (madeBy === 3 && ((external >>> 16) & S_IFMT) === S_IFLNK)
      fail(`${name}: symbolic links are not accepted`);
    const key = name.replace(/\/$/, "");
    if (seen.has(key)) fail(`${name}: appears twice`);
    seen.add(key);
    // A file `a` and an entry `a/b` (in either order) cannot both be written.
    if (!name.endsWith("/") && parents.has(key)) fail(`${name}: is a file and a directory`);
    for (let i = key.indexOf("/"); i >= 0; i = key.indexOf("/", i + 1)) {
      const parent = key.slice(0, i);
      if (files.has(parent)) fail(`${name}: is inside "${parent}", which is a file`);
      parents.add(parent);
    }
    if (!name.endsWith("/")) files.add(key);
    total += size;
    if (total > limits.maxExtractedBytes) {
      fail(`more than ${limits.maxExtractedBytes} bytes once extracted (the limit)`);
    }
    entries.push({
      name,
      method,
      crc,
      compressedSize,
      size,
      localOffset,
      isDirectory: name.endsWith("/"),
    });
  }
  return entries;
}

function checkName(name: string, fail: (m: string) => never): void {
  const shown = JSON.stringify(name);
  if (name.length === 0 || name.length > 1024) fail(`entry name ${shown} is empty or too long`);
  if (name.includes("\\") || [...name].some((c) => c.charCodeAt(0) < 0x20))
    fail(`entry name ${shown} has a backslash or control character`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name))
    fail(`entry name ${shown} is an absolute path`);
  const parts = name.replace(/\/$/, "").split("/");
  if (parts.some((s) => s === ".." || s === "." || s === "")) {
    fail(`entry name ${shown} leaves the artifact's directory or is not normalized`);
  }
}

/** The stored (maybe compressed) bytes of `e`, after checking its local header. */
function storedData(zip: Buffer, e: Entry): Buffer {
  const p = e.localOffset;
  if (p + 30 > zip.length || zip.readUInt32LE(p) !== LOCAL) {
    throw new UnsafeArchiveError(`${e.name}: local header missing`);
  }
  const nameLen = zip.readUInt16LE(p + 26);
  const extraLen = zip.readUInt16LE(p + 28);
  if (zip.toString("utf8", p + 30, p + 30 + nameLen) !== e.name) {
    throw new UnsafeArchiveError(`${e.name}: local and central names differ`);
  }
  const start = p + 30 + nameLen + extraLen;
  if (start + e.compressedSize > zip.length)
    throw new UnsafeArchiveError(`${e.name}: data out of bounds`);
  return zip.subarray(start, start + e.compressedSize);
}

/**
 * Streams `e` into the new file `target`, inflating no further than its declared size, CRC-checked.
 */
async function writeEntry(zip: Buffer, e: Entry, target: string): Promise<void> {
  let written = 0;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > e.size) {
        done(
          new UnsafeArchiveError(`${e.name}: inflates to more than its declared ${e.size} bytes`),
        );
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const source = Readable.from([storedData(zip, e)]);
  const file = createWriteStream(target, { flags: "wx", mode: 0o644 });
  try {
    if (e.method === 0) await pipeline(source, check, file);
    else await pipeline(source, createInflateRaw(), check, file);
  } catch (error) {
    if (error instanceof UnsafeArchiveError) throw error;
    const code = (error as { code?: string }).code;
    // Only zlib's own errors mean a corrupt entry; a full disk is not the archive's fault.
    if (code?.startsWith("Z_")) throw new UnsafeArchiveError(`${e.name}: corrupt deflate data`);
    if (code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR")
      throw new UnsafeArchiveError(`${e.name}: cannot be written there (${code})`);
    throw error;
  }
  if (written !== e.size)
    throw new UnsafeArchiveError(`${e.name}: size differs from the declared ${e.size}`);
  if (crc !== e.crc) throw new UnsafeArchiveError(`${e.name}: CRC mismatch`);
}

/**
 * Writes the listed `entries` of `zip` into `dest` (which must be new or empty) and returns
 * the relative paths of the files. Files are created exclusively; on any failure `dest` is
 * removed, so a refused archive leaves nothing.
 */
export async function extractEntries(
  zip: Buffer,
  entries: readonly Entry[],
  dest: string,
): Promise<string[]> {
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  try {
    for (const e of entries.filter((x) => x.isDirectory))
      await mkdir(inside(root, e.name), { recursive: true });
    const files = entries.filter((e) => !e.isDirectory);
    for (const e of files) {
      const target = inside(root, e.name);
      await mkdir(dirname(target), { recursive: true });
      await writeEntry(zip, e, target);
    }
    return files.map((e) => e.name);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Lists (checking everything listZip checks) and extracts `zip` into `dest`. */
export async function extractZip(
  zip: Buffer,
  dest: string,
  limits: ExtractLimits,
): Promise<string[]> {
  return extractEntries(zip, listZip(zip, limits), dest);
}

/**
 * `root/name`, asserted to stay inside root (names were checked; this is the belt to those braces).
 */
function inside(root: string, name: string): string {
  const target = resolve(join(root, name));
  if (!target.startsWith(root + sep))
    throw new UnsafeArchiveError(`${name} resolves outside ${root}`);
  return target;
}
