// Adds a compressed-base64 HdrHistogram (the V2 encoding every implementation writes)
// straight into a histogram, without first decoding it into a histogram of its own.
// hdr-histogram-js's decoder allocates a full counts array per histogram (188 kB for our
// 1 µs … 1 h range); a report reading thousands of interval histograms then spends its
// memory on garbage. The encoding is simple: zlib-deflated header + ZigZag LEB128 counts,
// negative numbers standing for runs of empty buckets. Histograms whose bucket layout
// differs from the target's are decoded by the library and added the usual way.
import { inflateSync } from "node:zlib";
import * as hdr from "hdr-histogram-js";
import type { Histogram } from "./hdr.ts";

const V2_ENCODING = 0x1c849303;
const V2_COMPRESSED = 0x1c849304;
const HEADER_BYTES = 40;

/** The parts of hdr-histogram-js's JsHistogram this relies on (public there, not in `Histogram`). */
interface Layout {
  numberOfSignificantValueDigits: number;
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  valueFromIndex(index: number): number;
}

export function addEncodedHistogram(target: Histogram, base64: string): void {
  const bytes = Buffer.from(base64.trim(), "base64");
  const outer = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || (outer.getInt32(0) & ~0xf0) !== V2_COMPRESSED) {
    throw new Error("not a compressed V2 HdrHistogram");
  }
  const payload = inflateSync(bytes.subarray(8, 8 + outer.getInt32(4)));
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.byteLength < HEADER_BYTES || (view.getInt32(0) & ~0xf0) !== V2_ENCODING) {
    throw new Error("not a V2 HdrHistogram encoding");
  }
  const countsBytes = view.getInt32(4);
  const digits = view.getInt32(12);
  const lowest = Number(view.getBigInt64(16));
  const highest = Number(view.getBigInt64(24));
  const layout = target as unknown as Layout;
  if (
    digits !== layout.numberOfSignificantValueDigits ||
    lowest !== layout.lowestDiscernibleValue ||
    highest > layout.highestTrackableValue
  ) {
    target.add(hdr.decodeFromCompressedBase64(base64, 64));
    return;
  }
  let pos = HEADER_BYTES;
  const end = Math.min(payload.byteLength, HEADER_BYTES + countsBytes);
  let index = 0;
  while (pos < end) {
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
      if (value > 0) target.recordValueWithCount(layout.valueFromIndex(index), value);
      index++;
    }
  }
}
