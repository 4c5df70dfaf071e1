// Crafted hostile inputs (README, "Trust model"): what a fork's pull request can upload.
// Built in the test, small to store and fast to make, large only once inflated.
import { deflateSync } from "node:zlib";

interface Layout {
  digits: number;
  lowest: number;
  highest: number;
}

const MESHBENCH: Layout = { digits: 3, lowest: 1, highest: 3_600_000_000 };

/**
 * A compressed V2 HdrHistogram whose counts are `counts` (raw LEB128 bytes), with the header
 * `layout`. Zero bytes are empty buckets, so `Buffer.alloc(n)` inflates to n bytes of nothing.
 */
export function encodedHistogram(counts: Buffer, layout: Layout = MESHBENCH): string {
  const header = Buffer.alloc(40);
  header.writeInt32BE(0x1c849313, 0); // V2 encoding, 8-byte words
  header.writeInt32BE(counts.byteLength, 4);
  header.writeInt32BE(0, 8); // normalizing index offset
  header.writeInt32BE(layout.digits, 12);
  header.writeBigInt64BE(BigInt(layout.lowest), 16);
  header.writeBigInt64BE(BigInt(layout.highest), 24);
  header.writeDoubleBE(1, 32); // integer-to-double conversion ratio
  const compressed = deflateSync(Buffer.concat([header, counts]), { level: 9 });
  const outer = Buffer.alloc(8);
  outer.writeInt32BE(0x1c849314, 0);
  outer.writeInt32BE(compressed.byteLength, 4);
  return Buffer.concat([outer, compressed]).toString("base64");
}

/** A histogram that inflates to `bytes` bytes (a zip bomb; 1 MiB of base64 per GiB). */
export function zipBombHistogram(bytes: number): string {
  return encodedHistogram(Buffer.alloc(bytes));
}
