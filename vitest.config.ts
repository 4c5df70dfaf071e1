import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Load tests measure time: run files one at a time so they do not compete for the
    // two cores of a CI machine; each test bounds its own duration.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
