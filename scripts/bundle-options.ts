// esbuild settings every bundle shares (scripts/bundle.ts, and the test that checks that
// the SSH client still works bundled: test/provision/bundle.test.ts).

import { MIN_NODE } from "../src/version.ts";

export { MIN_NODE };

/** esbuild's syntax target: what MIN_NODE understands. */
export const BUNDLE_TARGET = `node${MIN_NODE}`;

const [minMajor, minMinor] = MIN_NODE.split(".").map(Number);

/**
 * The first statement of every bundle: an older Node gets one line saying what is needed
 * and exits 1, before any bundled library runs (the bundled modules evaluate after this
 * line; only imports of node: built-ins, which every Node has, are hoisted above it).
 */
const NODE_CHECK = [
  `{const v=process.versions.node.split(".").map(Number);`,
  `if(v[0]<${minMajor}||(v[0]===${minMajor}&&v[1]<${minMinor})){`,
  `process.stderr.write("meshbench needs Node.js ${MIN_NODE} or newer; this is Node.js "+process.versions.node+". Get Node 24 LTS from https://nodejs.org/ or with nvm: nvm install 24\\n");`,
  `process.exit(1)}}`,
].join("");

/**
 * ESM output runs CommonJS dependencies: they call require() for Node built-ins (undici,
 * hdr-histogram-js) and read __dirname at load time (ssh2's agent module).
 */
export const BUNDLE_BANNER = [
  NODE_CHECK,
  "import { createRequire as __meshbenchRequire } from 'node:module';",
  "const require = __meshbenchRequire(import.meta.url);",
  "const __dirname = import.meta.dirname;",
].join("\n");

/**
 * Left out of the bundle: cpu-features is ssh2's optional native helper (its install
 * script is not run, see package.json allowScripts); ssh2 requires it inside a try and
 * does without.
 */
export const BUNDLE_EXTERNAL = ["cpu-features"];
