// Extracting a downloaded artifact, which is untrusted data (a fork's PR wrote it): the
// whole archive is checked before a byte is written — sizes against limits (no zip bombs:
// inflation is capped at the declared size), names against path traversal (no absolute
// paths, no "..", no backslashes or drive letters), no symlinks, no encryption, no zip64,
// each CRC verified — and any problem refuses the archive whole. Nothing is ever executed;
// the result readers schema-validate the files afterwards.
import { mkdir, open } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";

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

interface Entry {
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

/** The bytes of `entry`, inflated no further than its declared size, CRC-checked. */
function entryData(zip: Buffer, e: Entry): Buffer {
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
  const raw = zip.subarray(start, start + e.compressedSize);
  let data: Buffer;
  try {
    data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch {
    throw new UnsafeArchiveError(
      `${e.name}: inflates to more than its declared ${e.size} bytes, or is corrupt`,
    );
  }
  if (data.length !== e.size)
    throw new UnsafeArchiveError(`${e.name}: size differs from the declared ${e.size}`);
  if (crc32(data) !== e.crc) throw new UnsafeArchiveError(`${e.name}: CRC mismatch`);
  return data;
}

/**
 * Extracts `zip` into `dest` (which must be new or empty) and returns the relative paths
 * written. Every entry is checked and inflated first; files are created exclusively.
 */
export async function extractZip(
  zip: Buffer,
  dest: string,
  limits: ExtractLimits,
): Promise<string[]> {
  const entries = listZip(zip, limits);
  const files = entries.filter((e) => !e.isDirectory).map((e) => ({ e, data: entryData(zip, e) }));
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  for (const e of entries.filter((x) => x.isDirectory))
    await mkdir(inside(root, e.name), { recursive: true });
  for (const { e, data } of files) {
    const target = inside(root, e.name);
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, "wx", 0o644);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  }
  return files.map(({ e }) => e.name);
}

/** `root/name`, asserted to stay inside root (names were checked; this is the belt to those braces). */
function inside(root: string, name: string): string {
  const target = resolve(join(root, name));
  if (!target.startsWith(root + sep))
    throw new UnsafeArchiveError(`${name} resolves outside ${root}`);
  return target;
}
