// Builds dist/: the CLI and the standalone load generator, each one self-contained ESM
// file that runs with no node_modules (the Action runs from dist/, and dist/loadgen.js is
// mounted from a ConfigMap into node:24-slim pods). CI rebuilds and fails on a diff.
import { chmod, stat } from "node:fs/promises";
import { build } from "esbuild";

const ENTRIES = {
  cli: "src/cli/main.ts",
  loadgen: "src/loadgen/main.ts",
};

/** A ConfigMap holds at most 1 MiB; the load generator must fit with room to spare. */
const LOADGEN_LIMIT_BYTES = 900 * 1024;

await build({
  entryPoints: ENTRIES,
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
  define: { MESHBENCH_BUNDLE: "true" },
  // CommonJS dependencies (undici, hdr-histogram-js) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __meshbenchRequire } from 'node:module';\nconst require = __meshbenchRequire(import.meta.url);",
  },
});

for (const name of Object.keys(ENTRIES)) await chmod(`dist/${name}.js`, 0o755);
const { size } = await stat("dist/loadgen.js");
if (size > LOADGEN_LIMIT_BYTES) {
  throw new Error(
    `dist/loadgen.js is ${size} bytes: over ${LOADGEN_LIMIT_BYTES}, it would not fit a ConfigMap`,
  );
}
