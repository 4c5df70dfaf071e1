// dist/loadgen.js, the load generator the cluster's pods run (mounted from a ConfigMap):
// beside dist/cli.js when meshbench runs from its bundle, in the repository's dist/ when it
// runs from src/ (then `npm run bundle` must have built it: CI keeps it in step with src/).
// MESHBENCH_LOADGEN_JS names another file explicitly.
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CONFIGMAP_LIMIT_BYTES } from "./loadgen-manifests.ts";

export function loadgenScriptCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const bundled = typeof MESHBENCH_BUNDLE !== "undefined" && MESHBENCH_BUNDLE;
  return [
    ...(env.MESHBENCH_LOADGEN_JS ? [env.MESHBENCH_LOADGEN_JS] : []),
    // dist/cli.js → dist/loadgen.js; src/platform/kubernetes/ → <repo>/dist/loadgen.js
    fileURLToPath(new URL(bundled ? "./loadgen.js" : "../../../dist/loadgen.js", import.meta.url)),
  ];
}

export async function readLoadgenScript(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tried = loadgenScriptCandidates(env);
  for (const file of tried) {
    const size = await stat(file).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) continue;
    if (size > CONFIGMAP_LIMIT_BYTES)
      throw new Error(`${file} is ${size} bytes, too big for a ConfigMap (1 MiB)`);
    return readFile(file, "utf8");
  }
  throw new Error(
    `the load generator's bundle was not found (looked for ${tried.join(", ")}); build it with: npm run bundle`,
  );
}
