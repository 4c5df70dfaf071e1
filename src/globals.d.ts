/** Set to true by esbuild in dist/ bundles (scripts/bundle.ts); undefined when running src/. */
declare const MESHBENCH_BUNDLE: boolean | undefined;
