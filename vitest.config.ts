import { configDefaults, defineConfig } from "vitest/config";
import { isCi, missingMessage, testsNotRun } from "./scripts/system-deps.ts";
import { missingDependencies } from "./scripts/system-probe.ts";

// Test files whose programs this machine lacks (after `npm test` installed what it could)
// are left out, and the run says which and why; CI runs them all and lets them fail.
const missing = isCi(process.env) ? [] : missingDependencies();
if (missing.length > 0) console.warn(`\n${missingMessage(missing, false)}\n`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...testsNotRun(missing)],
    // dist/ rebuilt when src/ changed: 14 test files run dist/*.js.
    globalSetup: ["test/global-setup.ts"],
    // Load tests measure time: run files one at a time so they do not compete for the
    // two cores of a CI machine; each test bounds its own duration.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
