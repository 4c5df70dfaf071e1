// The run.json schema id. Additions keep the id (readers ignore fields they do not know);
// renames and removals make a new major, which older readers refuse by name (DESIGN.md).
export const RUN_SCHEMA = "meshbench/run/v1";
export const RUN_SCHEMA_PREFIX = "meshbench/run/";
export const RUN_SCHEMA_MAJOR = 1;
export const RUN_FILE = "run.json";
export const RUN_HLOG = "latency.hlog";
