// The one histogram layout meshbench records and accepts: latencies in microseconds,
// 1 µs .. 1 h, 3 significant digits (DESIGN.md, "HDR histograms, lossless"). Its own
// module so that the encoder side (hdr.ts) and the bounded decoder (add-encoded.ts) share
// it without importing each other.
import type * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;

/** 1 hour in microseconds: the highest latency a histogram tracks. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;
export const SIGNIFICANT_DIGITS = 3;
