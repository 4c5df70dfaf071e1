// The run.json schema id. Additions keep the id (readers ignore fields they do not know);
// renames and removals make a new major, which older readers refuse by name (DESIGN.md).
// v2: per-run CPU is the mean over the measured period (the peak beside it), figures not
// measured are absent, CPU readings carry their own interval; v1 files are upgraded on read.
export const RUN_SCHEMA = "meshbench/run/v2";
export const RUN_SCHEMA_PREFIX = "meshbench/run/";
export const RUN_SCHEMA_MAJOR = 2;
export const RUN_FILE = "run.json";
export const RUN_HLOG = "latency.hlog";
