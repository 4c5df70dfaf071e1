import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { addEncodedHistogram } from "../../src/histogram/add-encoded.ts";
import { createHistogram, encodeHistogram, spectrum } from "../../src/histogram/hdr.ts";

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
          expect(spectrum(ours)).toEqual(spectrum(library));
          for (const p of [0.1, 1, 12.5, 33, 66.6, 95, 99.95]) {
            expect(ours.getValueAtPercentile(p)).toBe(library.getValueAtPercentile(p));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("falls back to the library for other bucket layouts", () => {
    const twoDigits = hdr.build({
      bitBucketSize: 64,
      numberOfSignificantValueDigits: 2,
      highestTrackableValue: 3_600_000_000,
    });
    for (let v = 1; v <= 10_000; v++) twoDigits.recordValue(v);
    const into = createHistogram();
    addEncodedHistogram(into, hdr.encodeIntoCompressedBase64(twoDigits));
    expect(into.totalCount).toBe(10_000);
    expect(Math.abs(into.getValueAtPercentile(50) - 5000)).toBeLessThan(50);
  });

  it("refuses what is not an encoded histogram", () => {
    expect(() => addEncodedHistogram(createHistogram(), "bm90IGEgaGlzdG9ncmFt")).toThrow(
      "not a compressed V2 HdrHistogram",
    );
  });
});
