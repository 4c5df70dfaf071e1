// Cancellation and secrets around tofu. A cancelled Action must not lose what `tofu apply`
// was creating: the abort signal reaches apply as SIGINT, on which tofu stops, writes what
// it made to the state and exits, so that destroy (or the post step) finds it. And the
// secrets a module outputs are told to the caller (the Action masks them) before use.
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { terraformProvider } from "../../src/provision/terraform/provider.ts";
import { runTerraform } from "../../src/provision/terraform/run.ts";
import { startFakeKube } from "../helpers/fake-kube/index.ts";
import { fakeTofuWorkspace } from "../helpers/fake-tofu.ts";

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

  it("a kubeconfig the module outputs is told to onSecret before it is used", async () => {
    const { dir, bin, moduleDir } = await fakeTofuWorkspace("meshbench-tf-secret-");
    const fake = await startFakeKube({ readyAfterMs: 10 });
    try {
      await writeFile(join(dir, "state.json"), JSON.stringify({ version: 4, resources: [] }));
      await writeFile(
        join(dir, "outputs.json"),
        JSON.stringify({ kubeconfig: { value: fake.kubeconfig, type: "string", sensitive: true } }),
      );
      const told: [string, string][] = [];
      const provider = terraformProvider({
        module: moduleDir,
        stateDir: join(dir, "state"),
        runId: "mb-secret",
        binary: join(bin, "tofu"),
        env: { PATH: `${bin}:/usr/bin:/bin`, FAKE_TF_DIR: dir, HOME: dir },
        onSecret: (value, kind) => told.push([kind, value]),
      });
      await provider.create();
      expect(told).toEqual([["kubeconfig", fake.kubeconfig]]);
      await provider.destroy();
    } finally {
      await fake.close();
    }
  });
});
