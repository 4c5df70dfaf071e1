// The loadgen.json schema id, apart from its zod schema so that the load generator's
// bundle (dist/loadgen.js, which must fit a ConfigMap) does not carry zod.
export const LOADGEN_SCHEMA = "meshbench/loadgen/v1";
