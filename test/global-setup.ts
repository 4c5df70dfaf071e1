// Before any test: dist/ is rebuilt when an input changed since its last build (quick when
// nothing did), so the tests that run dist/*.js test the code on disk, not a stale bundle.
// After the last: the test files left out for what this machine lacks (vitest.config.ts
// named them at the start) are named again, where the summary is read.
import { spawnSync } from "node:child_process";
import { isCi, missingMessage } from "../scripts/system-deps.ts";
import { missingDependencies } from "../scripts/system-probe.ts";

export default function setup(): () => void {
  const r = spawnSync(process.execPath, ["scripts/bundle.ts", "--if-changed"], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("dist/ could not be rebuilt: npm run bundle failed");
  return () => {
    const missing = isCi(process.env) ? [] : missingDependencies();
    if (missing.length > 0) console.warn(`\n${missingMessage(missing, false)}\n`);
  };
}
