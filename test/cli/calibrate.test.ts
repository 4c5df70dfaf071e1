// `meshbench calibrate` as a user runs it, on the 12 real local runs of
// test/fixtures/calibration, and its calibration.json taken by `compare --calibration`.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseCalibration } from "../../src/stats/calibration-file.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "src/cli/main.ts");
const FIXTURES = join(ROOT, "test/fixtures/calibration");

async function meshbench(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("meshbench calibrate", () => {
  it("prints the table and writes a calibration.json that compare takes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-calibrate-"));
    const out = join(dir, "calibration.json");
    const r = await meshbench(["calibrate", FIXTURES, "--splits", "5", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## Calibration: local-aa/);
    expect(r.stdout).toMatch(/\| +2 \| +\d+ of 5 \(/);
    const calibration = parseCalibration(await readFile(out, "utf8"), out);
    expect(calibration.runs).toBe(12);
    expect(calibration.noisePct["latency.p50"]).toBeGreaterThan(0);

    const c = await meshbench(["compare", FIXTURES, FIXTURES, "--calibration", out]);
    expect(c.code).toBe(0);
    // The verdict line names the floor, the file it came from and when it was measured.
    expect(c.stdout).toContain(
      `from the calibration calibration.json (12 runs a mesh, measured ${calibration.measuredAt.slice(0, 10)})`,
    );
  });

  it("refuses too few runs and a bad calibration file, naming them", async () => {
    const few = await meshbench(["calibrate", join(FIXTURES, "local-aa/bare/r1")]);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/at least 4 completed runs of every mesh/);
    const dir = await mkdtemp(join(tmpdir(), "meshbench-calibrate-"));
    const bad = join(dir, "calibration.json");
    await writeFile(bad, '{"schema": "meshbench/calibration/v9"}');
    const c = await meshbench(["compare", FIXTURES, FIXTURES, "--calibration", bad]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^meshbench: --calibration: .*calibration\.json: schema: /);
  });
});
