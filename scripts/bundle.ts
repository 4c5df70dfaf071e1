// Builds dist/: the CLI, its Kubernetes half, the standalone load generator and the
// Action (main, post), each one self-contained ESM file that runs with no node_modules
// (the Action runs from dist/, and dist/loadgen.js is
// mounted from a ConfigMap into node:24-slim pods). CI rebuilds and fails on a diff.
// `--if-changed` (the test setup) builds only when an input or dist/ changed since the last
// build (scripts/dist-stamp.ts).
import { chmod, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { build, type Plugin } from "esbuild";
import { chartJsSource } from "../src/report/chartjs-source.ts";
import { BUNDLE_BANNER, BUNDLE_EXTERNAL, BUNDLE_TARGET } from "./bundle-options.ts";
import { distIsCurrent, writeDistStamp } from "./dist-stamp.ts";

const ENTRIES = {
  cli: "src/cli/main.ts",
  loadgen: "src/cli/loadgen-main.ts",
  // The local platform's last-resort cleanup, up all run long: kept small.
  reaper: "src/platform/local/reaper-main.ts",
  action: "src/action/main.ts",
  post: "src/action/post.ts",
  // The Kubernetes half, loaded by dist/cli.js and dist/action.js only when a cluster is used
  // (src/run/load-kubernetes.ts): every other meshbench process stays small.
  kubernetes: "src/platform/kubernetes/entry.ts",
};

/** A ConfigMap holds at most 1 MiB; the load generator must fit with room to spare. */
const LOADGEN_LIMIT_BYTES = 900 * 1024;

/**
 * report.html inlines Chart.js, which src/ reads from node_modules at run time; dist/ has
 * no node_modules, so the module that reads it is replaced by one returning its text.
 */
const inlineChartJs: Plugin = {
  name: "inline-chartjs",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]report[\\/]chartjs-source\.ts$/ }, async () => ({
      contents: `export async function chartJsSource() { return ${JSON.stringify(await chartJsSource())}; }`,
      loader: "js",
    }));
  },
};

/**
 * quickchart-js fetches through cross-fetch (node-fetch and its URL/Unicode tables, about
 * 300 kB bundled); Node has fetch built in, so the bundle uses that instead.
 */
const builtinFetch: Plugin = {
  name: "builtin-fetch",
  setup(b) {
    b.onResolve({ filter: /^cross-fetch$/ }, () => ({
      path: "cross-fetch",
      namespace: "builtin-fetch",
    }));
    b.onLoad({ filter: /.*/, namespace: "builtin-fetch" }, () => ({
      contents: "export default globalThis.fetch;",
      loader: "js",
    }));
  },
};

/**
 * kubernetes-models' validator asks for `punycode`, which a bundle would take from Node's
 * deprecated built-in (a DeprecationWarning on every cluster run); its dependency, the
 * userland punycode package, is what it means.
 */
const userlandPunycode: Plugin = {
  name: "userland-punycode",
  setup(b) {
    b.onResolve({ filter: /^punycode$/ }, () => ({
      path: createRequire(import.meta.url).resolve("punycode/punycode.js"),
    }));
  },
};

if (process.argv.includes("--if-changed") && (await distIsCurrent())) process.exit(0);

const { metafile } = await build({
  plugins: [inlineChartJs, builtinFetch, userlandPunycode],
  entryPoints: ENTRIES,
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: BUNDLE_TARGET,
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
  define: { MESHBENCH_BUNDLE: "true" },
  banner: { js: BUNDLE_BANNER },
  external: BUNDLE_EXTERNAL,
  metafile: true,
});

for (const name of ["cli", "loadgen"]) await chmod(`dist/${name}.js`, 0o755);
const { size } = await stat("dist/loadgen.js");
if (size > LOADGEN_LIMIT_BYTES) {
  throw new Error(
    `dist/loadgen.js is ${size} bytes: over ${LOADGEN_LIMIT_BYTES}, it would not fit a ConfigMap`,
  );
}
await writeDistStamp(Object.keys(metafile.inputs));
