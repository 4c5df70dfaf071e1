// Bounds on result files. run.json files come from artifacts a fork's pull request can
// upload (README, "Trust model"): without bounds, 2.5 million events in 150 MiB cost a
// report 73 s of CPU and 3.5 GB before it failed on a 170 MB report.md. Each bound is far
// above what an honest run writes, so that no real run is ever refused.

/** A run.json larger than this is skipped unread (honest ones are a few MB). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
/** Names, versions, ids, URLs. */
export const MAX_NAME_CHARS = 1024;
/** Failure reasons and event details (an error message with a tool's output). */
export const MAX_TEXT_CHARS = 64 * 1024;
/** Events of one run. */
export const MAX_EVENTS = 100_000;
/** Resource samples of one run (11 days at 1 s) and containers sampled. */
export const MAX_SAMPLES = 1_000_000;
export const MAX_CONTAINERS = 100_000;
/** URLs of one load (60 instances × 4 URLs is 240). */
export const MAX_URLS = 10_000;
/** Node types of a platform. */
export const MAX_NODE_TYPES = 1_000;
/**
 * A compressed histogram in base64. An honest one inflates to < 212 kB (add-encoded.ts)
 * and so is < 300 kB as base64; the decoder bounds what it inflates to anyway.
 */
export const MAX_HISTOGRAM_CHARS = 1024 * 1024;
