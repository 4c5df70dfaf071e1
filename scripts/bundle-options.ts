// esbuild settings every bundle shares (scripts/bundle.ts, and the test that checks that
// the SSH client still works bundled: test/provision/bundle.test.ts).

/**
 * ESM output runs CommonJS dependencies: they call require() for Node built-ins (undici,
 * hdr-histogram-js) and read __dirname at load time (ssh2's agent module).
 */
export const BUNDLE_BANNER = [
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
