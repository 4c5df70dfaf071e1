// A thresholds file named by the `thresholds` input: its problems name the input and the
// file, not the CLI's --thresholds flag.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { actionGate } from "../../src/action/gate.ts";

describe("the thresholds input's file", () => {
  it("is read into the gate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-gate-"));
    const path = join(dir, "gate.yaml");
    await writeFile(path, "latency.p99: 12%\nalpha: 0.1\n");
    expect(await actionGate(path)).toEqual({
      overrides: { "latency.p99": { kind: "relative", percent: 12 } },
      alpha: 0.1,
    });
  });

  it("a bad key or a missing file is an error naming the input and the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-gate-"));
    const path = join(dir, "gate.yaml");
    await writeFile(path, "p99: 10%\n");
    await expect(actionGate(path)).rejects.toThrow(
      `input "thresholds": ${path}: "p99" is not a threshold key; allowed: a metric (`,
    );
    await expect(actionGate(join(dir, "none.yaml"))).rejects.toThrow(
      /^input "thresholds": cannot read .*none\.yaml: ENOENT/,
    );
  });
});
