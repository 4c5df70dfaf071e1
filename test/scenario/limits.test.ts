// Limits on scenario input: durations are bounded by what a Node timer can wait (beyond
// 2³¹−1 ms it fires at once), and YAML aliases by a count (an alias bomb expands exponentially).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MAX_DURATION_MS, parseDuration } from "../../src/scenario/duration.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

describe("durations", () => {
  it("go up to the longest timer, and no further", () => {
    expect(MAX_DURATION_MS).toBe(2_147_483_647);
    expect(parseDuration("2147483647ms")).toBe(MAX_DURATION_MS);
    expect(parseDuration("596h31m23s647ms")).toBe(MAX_DURATION_MS);
    for (const text of ["2147483648ms", "600h", "99999999999999999h"]) {
      expect(parseDuration(text)).toEqual({
        error: `"${text}" is longer than a timer can wait (at most 2³¹−1 ms, 596h31m)`,
        tooLong: true,
      });
    }
  });

  it("an alias bomb in a scenario is a file:line error, exit 2, not an internal error", async () => {
    const file = "test/fixtures/scenarios/bad/alias-bomb.yaml";
    const error = await run(process.execPath, ["src/cli/main.ts", "scenario", file], {
      cwd: ROOT,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toBe(
      `${file}:3:8: not valid YAML: Excessive alias count indicates a resource exhaustion attack\n`,
    );
  });
});
