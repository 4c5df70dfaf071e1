// Results travel between jobs and runs as artifacts: their names (artifact-names.ts),
// upload (artifact-upload.ts) and download (artifact-download.ts), one import for callers.
export * from "./artifact-download.ts";
export * from "./artifact-names.ts";
export * from "./artifact-upload.ts";
