import pkg from "../package.json" with { type: "json" };

/** meshbench's version, written into every result file. */
export const VERSION: string = pkg.version;
