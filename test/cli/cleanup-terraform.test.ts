// `meshbench cleanup --provider terraform` from the command line: an expired bare-metal
// cluster left by a killed run is destroyed with the binary its record names. (A destroy
// that keeps failing is retried for minutes: test/provision/terraform.test.ts covers it.)
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { newRecord, statePaths, writeRecord } from "../../src/provision/terraform/state-dir.ts";
import { tfstateJson } from "../helpers/fake-tofu.ts";

const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** A tofu that destroys and records its calls. */
const TOFU = `#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
for a in "$@"; do case "$a" in -state=*) echo '{"version":4,"resources":[]}' > "\${a#-state=}" ;; esac; done
echo "Destroy complete!"
`;

async function leftover(root: string, bin: string, runId: string): Promise<string> {
  const stateDir = join(root, runId);
  const module = join(root, "module");
  await mkdir(module, { recursive: true });
  // Created two days ago with a 6-hour lifetime: expired.
  await writeRecord(stateDir, {
    ...newRecord({
      runId,
      module,
      binary: join(bin, "tofu"),
      now: new Date(Date.now() - 2 * 86_400_000),
      maxLifetimeMs: 6 * 3_600_000,
    }),
    phase: "created",
  });
  await writeFile(statePaths(stateDir).tfstate, tfstateJson([{ id: "i-1" }]));
  await writeFile(statePaths(stateDir).tfvars, "{}");
  await mkdir(statePaths(stateDir).dataDir);
  return stateDir;
}

async function cleanup(args: string[], env: NodeJS.ProcessEnv) {
  return promisify(execFile)(
    process.execPath,
    [CLI, "cleanup", "--provider", "terraform", ...args],
    { env, encoding: "utf8" },
  ).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

describe("meshbench cleanup --provider terraform", () => {
  it("destroys an expired leftover and removes its state directory", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshbench-cleanup-tf-"));
    const bin = join(root, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "tofu"), TOFU, { mode: 0o755 });
    const stateDir = await leftover(root, bin, "mb-expired-1");
    const r = await cleanup(["--root", root], { PATH: `${bin}:/usr/bin:/bin` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`destroyed run mb-expired-1 (${stateDir})`);
    expect(await readFile(join(bin, "calls.log"), "utf8")).toMatch(/ destroy .*-auto-approve/);
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  }, 60_000);
});
