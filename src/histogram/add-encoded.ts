// Decodes a compressed-base64 HdrHistogram (the V2 encoding every implementation writes)
// straight into a histogram, without first decoding it into a histogram of its own.
// hdr-histogram-js's decoder allocates a full counts array per histogram (188 kB for our
// 1 µs … 1 h range); a report reading thousands of interval histograms then spends its
// memory on garbage. The encoding is simple: zlib-deflated header + ZigZag LEB128 counts,
// negative numbers standing for runs of empty buckets.
// Histograms come from artifacts anyone can upload (README, "Trust model"), so this is
// the only decoder meshbench uses and it bounds everything: the inflated size (a 1 MiB
// zip bomb inflates to 1 GiB), and the layout, which must be meshbench's own.
import { inflateSync } from "node:zlib";
import { HIGHEST_TRACKABLE_US, type Histogram, SIGNIFICANT_DIGITS } from "./layout.ts";

const V2_ENCODING = 0x1c849303;
const V2_COMPRESSED = 0x1c849304;
const HEADER_BYTES = 40;

/**
 * The most an encoding may inflate to. An honest one of meshbench's layout (23,552
 * buckets, at most one LEB128 of ≤ 9 bytes each) is under 212 kB.
 */
export const MAX_INFLATED_BYTES = 1024 * 1024;

/**
 * The parts of hdr-histogram-js's JsHistogram this relies on (public there, not in `Histogram`).
 */
interface Layout {
  countsArrayLength: number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  updateMinAndMax(value: number): void;
}

/**
 * The inflated encoding of `base64`, refused when it is not a V2 histogram of meshbench's layout.
 */
function inflateEncoded(base64: string): Buffer {
  const bytes = Buffer.from(base64.trim(), "base64");
  const outer = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || (outer.getInt32(0) & ~0xf0) !== V2_COMPRESSED) {
    throw new Error("not a compressed V2 HdrHistogram");
  }
  let payload: Buffer;
  try {
    payload = inflateSync(bytes.subarray(8, 8 + Math.max(0, outer.getInt32(4))), {
      maxOutputLength: MAX_INFLATED_BYTES,
    });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new Error(`inflates beyond ${MAX_INFLATED_BYTES} bytes, more than any histogram`);
    }
    throw new Error(`does not inflate (${(error as Error).message})`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.byteLength < HEADER_BYTES || (view.getInt32(0) & ~0xf0) !== V2_ENCODING) {
    throw new Error("not a V2 HdrHistogram encoding");
  }
  const digits = view.getInt32(12);
  const lowest = Number(view.getBigInt64(16));
  const highest = Number(view.getBigInt64(24));
  if (digits !== SIGNIFICANT_DIGITS || lowest !== 1 || highest !== HIGHEST_TRACKABLE_US) {
    throw new Error(
      `range ${lowest}..${highest} µs with ${digits} significant digits is not meshbench's (1..${HIGHEST_TRACKABLE_US} µs, ${SIGNIFICANT_DIGITS} digits)`,
    );
  }
  return payload.subarray(0, HEADER_BYTES + Math.max(0, view.getInt32(4)));
}

/**
 * Adds an encoded histogram into `target` (one of `createHistogram()`'s); throws on anything else.
 */
export function addEncodedHistogram(target: Histogram, base64: string): void {
  const payload = inflateEncoded(base64);
  const layout = target as unknown as Layout;
  let pos = HEADER_BYTES;
  let index = 0;
  let maxIndex = -1;
  while (pos < payload.byteLength) {
    // LEB128, at most 9 bytes (the 9th carries 8 bits), then ZigZag; Number arithmetic
    // as counts stay below 2^53.
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 9; i++) {
      const byte = payload[pos++]!;
      if (i === 8) {
        raw += byte * scale;
        break;
      }
      raw += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    if (value < 0) {
      index -= value; // a run of empty buckets
    } else {
      if (value > 0) {
        if (index >= layout.countsArrayLength)
          throw new Error("counts beyond the histogram's range");
        target.recordValueWithCount(layout.valueFromIndex(index), value);
        maxIndex = index;
      }
      index++;
    }
  }
  // As the library's decoder has it: the maximum is the top of its bucket, not the bottom.
  if (maxIndex >= 0)
    layout.updateMinAndMax(layout.highestEquivalentValue(layout.valueFromIndex(maxIndex)));
}
