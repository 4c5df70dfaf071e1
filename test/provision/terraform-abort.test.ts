// A cancelled Action must not lose what `tofu apply` was creating: the abort signal reaches
// apply as SIGINT, on which tofu stops, writes what it made to the state and exits, so that
// destroy (or the post step) finds it. The stand-in records the SIGINT and the state.
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTerraform } from "../../src/provision/terraform/run.ts";

const SLOW_APPLY = `#!/bin/sh
d="$FAKE_TF_DIR"
trap 'echo "resources created so far" > "$d/state-written"; exit 130' INT
touch "$d/started"
i=0
while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
echo "Apply complete!"
`;

async function until(path: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never appeared`);
}

describe("tofu apply and the abort signal", () => {
  it("is interrupted with SIGINT, so that it writes its state, and says so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-tf-abort-"));
    const binary = join(dir, "tofu");
    await writeFile(binary, SLOW_APPLY, { mode: 0o755 });
    const controller = new AbortController();
    const applying = runTerraform(binary, "apply", {
      module: dir,
      stateDir: join(dir, "state"),
      env: { PATH: process.env.PATH, FAKE_TF_DIR: dir },
      timeoutMs: 600_000,
      signal: controller.signal,
    });
    await until(join(dir, "started"));
    controller.abort();
    await expect(applying).rejects.toThrow("tofu apply failed (interrupted)");
    expect(await readFile(join(dir, "state-written"), "utf8")).toBe("resources created so far\n");
  });
});
