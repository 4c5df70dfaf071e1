// `meshbench capacity` as a person meets it: its help, and a scenario without a capacity:
// section refused as a usage error that says what to add.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const meshbench = (args: string[]) =>
  run(process.execPath, ["src/cli/main.ts", ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("meshbench capacity", () => {
  it("is listed with its help", async () => {
    const main = await meshbench(["--help"]);
    expect(main.stdout).toMatch(/^ {2}capacity {3}per mesh, the highest rate that holds an SLO/m);
    const help = await meshbench(["capacity", "--help"]);
    expect(help.stdout).toContain("meshbench capacity SCENARIO [--out DIR]");
    expect(help.stdout).toContain('slo: ["p99 <= 100ms", "errors <= 0.1%", "achieved >= 99%"]');
  });

  it("refuses a scenario without a capacity: section (exit 2), saying what to add", async () => {
    const outcome = await meshbench([
      "capacity",
      "scenarios/local-quick.yaml",
      "--out",
      "/nonexistent/x",
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      "scenarios/local-quick.yaml: no capacity: section; add one, e.g. capacity: {",
    );
  });
});
