// A run.json can be valid JSON of the right shape and still carry a compressed histogram
// that does not decode (a truncated or hand-edited file). The report decodes them, so a
// file whose histograms do not decode is damaged like any other and must be caught when
// it is read, by path and field, instead of failing the whole report later. Decoding
// costs well under a millisecond per histogram, so every one is checked. Pure.
import type { z } from "zod";
import { decodeHistogram } from "../histogram/hdr.ts";
import type { LoadgenResult } from "./loadgen-schema.ts";

/** The field path and encoded text of every histogram in a load section. */
function histograms(load: LoadgenResult): [(string | number)[], string][] {
  return [
    [["histogram"], load.histogram],
    [["errorHistogram"], load.errorHistogram],
    ...Object.entries(load.paths).map(([url, p]): [(string | number)[], string] => [
      ["paths", url, "histogram"],
      p.histogram,
    ]),
  ];
}

/** Adds an issue under `load.…` for each histogram that does not decode. */
export function checkHistograms(load: LoadgenResult | null, ctx: z.RefinementCtx): void {
  if (load === null) return;
  for (const [path, encoded] of histograms(load)) {
    try {
      decodeHistogram(encoded);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["load", ...path],
        message: `not a compressed HdrHistogram that decodes (${(error as Error).message})`,
      });
    }
  }
}
