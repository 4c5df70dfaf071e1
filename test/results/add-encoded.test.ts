import { inflateSync } from "node:zlib";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { addEncodedHistogram, MAX_INFLATED_BYTES } from "../../src/histogram/add-encoded.ts";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  spectrum,
} from "../../src/histogram/hdr.ts";
import { encodedHistogram, zipBombHistogram } from "../helpers/hostile.ts";

describe("adding an encoded histogram without decoding it", () => {
  it("gives what hdr-histogram-js's decoder and add give, for any content", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 3_600_000_000 }),
            fc.integer({ min: 1, max: 2 ** 40 }),
          ),
          {
            maxLength: 60,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { maxLength: 200 }),
        (weighted, plain) => {
          const source = createHistogram();
          for (const [v, n] of weighted) source.recordValueWithCount(v, n);
          for (const v of plain) source.recordValue(v);
          const encoded = encodeHistogram(source);
          const ours = createHistogram();
          ours.recordValue(777); // adds to what is there
          addEncodedHistogram(ours, encoded);
          const library = createHistogram();
          library.recordValue(777);
          library.add(hdr.decodeFromCompressedBase64(encoded, 64));
          expect(ours.totalCount).toBe(library.totalCount);
          expect(ours.maxValue).toBe(library.maxValue);
          expect(ours.minNonZeroValue).toBe(library.minNonZeroValue);
          expect(spectrum(ours)).toEqual(spectrum(library));
          for (const p of [0.1, 1, 12.5, 33, 66.6, 95, 99.95]) {
            expect(ours.getValueAtPercentile(p)).toBe(library.getValueAtPercentile(p));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  // Deliberately changed: other layouts used to be decoded by the library, whose inflate
  // has no limit; histograms are untrusted data and meshbench writes only its own layout.
  it("refuses other bucket layouts, naming the range and precision", () => {
    const twoDigits = hdr.build({
      bitBucketSize: 64,
      numberOfSignificantValueDigits: 2,
      highestTrackableValue: 3_600_000_000,
    });
    for (let v = 1; v <= 10_000; v++) twoDigits.recordValue(v);
    const into = createHistogram();
    expect(() => addEncodedHistogram(into, hdr.encodeIntoCompressedBase64(twoDigits))).toThrow(
      "range 1..3600000000 µs with 2 significant digits is not meshbench's (1..3600000000 µs, 3 digits)",
    );
    const day = encodedHistogram(Buffer.from([2]), { digits: 3, lowest: 1, highest: 86_400e6 });
    expect(() => decodeHistogram(day)).toThrow("range 1..86400000000 µs");
    expect(into.totalCount).toBe(0);
  });

  it("stops inflating a zip bomb at its limit instead of inflating it whole", () => {
    // 16 MiB of empty buckets in 22 kB of base64: without the limit it decodes, empty.
    const bomb = zipBombHistogram(16 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(25_000);
    const message = `inflates beyond ${MAX_INFLATED_BYTES} bytes, more than any histogram`;
    expect(() => addEncodedHistogram(createHistogram(), bomb)).toThrow(message);
    expect(() => decodeHistogram(bomb)).toThrow(message);
  });

  it("keeps the limit above the largest honest histogram (every bucket at the largest count)", () => {
    const full = createHistogram() as unknown as hdr.JsHistogram;
    for (let i = 0; i < full.countsArrayLength; i++) {
      full.recordValueWithCount(full.valueFromIndex(i), 2 ** 52);
    }
    const inflated = inflateSync(Buffer.from(encodeHistogram(full), "base64").subarray(8));
    expect(inflated.byteLength).toBeLessThan(MAX_INFLATED_BYTES / 4);
    expect(decodeHistogram(encodeHistogram(full)).totalCount).toBe(full.totalCount);
  });

  it("refuses counts beyond the histogram's last bucket", () => {
    // 23,552 empty buckets (a run, ZigZag -23552 = 47103 in LEB128), then a count of 1.
    const beyond = encodedHistogram(Buffer.from([0xff, 0xef, 0x02, 0x02]));
    expect(() => decodeHistogram(beyond)).toThrow("counts beyond the histogram's range");
  });

  it("refuses what is not an encoded histogram", () => {
    expect(() => addEncodedHistogram(createHistogram(), "bm90IGEgaGlzdG9ncmFt")).toThrow(
      "not a compressed V2 HdrHistogram",
    );
  });
});
