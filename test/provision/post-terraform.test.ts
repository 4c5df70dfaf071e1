// The Action's post step with a bare-metal cluster left by main: `node dist/post.js` (run
// `npm run bundle` first) with the teardown state the runner carries from main
// (STATE_meshbench-teardown = { terraformStateDir }) and the fake tofu on the PATH.
// It destroys with the recorded state, says so, and fails the step loudly, with what is
// still running, when it cannot.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeTofuWorkspace, tfstateJson } from "../helpers/fake-tofu.ts";
import { runProcess } from "../helpers/process.ts";

const POST = new URL("../../dist/post.js", import.meta.url).pathname;

let dir: string;
let bin: string;
let stateDir: string;

beforeEach(async () => {
  ({ dir, bin } = await fakeTofuWorkspace("meshbench-post-tf-"));
  // A cluster as main leaves it under RUNNER_TEMP: record, state, variables, providers.
  stateDir = join(dir, "runner-temp", "meshbench-terraform", "mb-post");
  await mkdir(join(stateDir, "tf-data"), { recursive: true, mode: 0o700 });
  await writeFile(
    join(stateDir, "meshbench-cluster.json"),
    JSON.stringify({
      schema: "meshbench/terraform-cluster/v1",
      runId: "mb-post",
      module: join(dir, "module"),
      binary: join(bin, "tofu"),
      createdAt: "2026-11-27T05:15:00.000Z",
      expiresAt: "2099-01-01T00:00:00Z",
      maxLifetimeMs: 6 * 3_600_000,
      owner: { pid: 1, hostname: "runner" },
      phase: "created",
    }),
  );
  await writeFile(
    join(stateDir, "terraform.tfstate"),
    tfstateJson([{ index_key: "worker-1", id: "i-0abc" }]),
  );
  await writeFile(join(stateDir, "meshbench.tfvars.json"), "{}");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function post(extra: Record<string, string> = {}) {
  const { code, stdout, stderr } = await runProcess(process.execPath, [POST], {
    cwd: dir,
    env: {
      HOME: dir,
      // tofu from bin only: /usr/local/bin may hold a real terraform, which must never run here.
      PATH: `${bin}:/usr/bin:/bin`,
      FAKE_TF_DIR: dir,
      "STATE_meshbench-teardown": JSON.stringify({ terraformStateDir: stateDir }),
      ...extra,
    },
  });
  return { code, out: stdout + stderr };
}

describe("dist/post.js with a terraform state directory", () => {
  it("destroys the cluster with the recorded state, then says it is already gone", async () => {
    const first = await post();
    expect(first.out).not.toMatch(/^::error::/m);
    expect(first.code).toBe(0);
    expect(first.out).toContain("meshbench post: terraform cluster destroyed");
    const destroy = (await readFile(join(dir, "calls.log"), "utf8"))
      .split("\n")
      .filter((c) => c.includes(" destroy "));
    expect(destroy).toHaveLength(1);
    expect(destroy[0]).toContain(`-state=${join(stateDir, "terraform.tfstate")}`);
    expect(await readFile(join(dir, "destroyed.log"), "utf8")).toContain("i-0abc");
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");

    const again = await post();
    expect(again.code).toBe(0);
    expect(again.out).toContain("meshbench post: terraform cluster already gone");
  }, 30_000);

  it("a destroy that cannot be done fails the step and says what still runs", async () => {
    await rm(join(bin, "tofu")); // no tofu or terraform left: no retry can help
    const r = await post();
    expect(r.code).toBe(1);
    const error = r.out.split("\n").find((l) => l.startsWith("::error::")) ?? "";
    // The annotation is one line (%0A for newlines): what a reader of the run sees first.
    expect(error).toContain(
      "meshbench post: meshbench could NOT destroy the cluster of run mb-post",
    );
    expect(error).toContain('aws_instance.node["worker-1"] (id i-0abc)');
    expect(error).toContain(`meshbench cleanup --provider terraform --state-dir ${stateDir}`);
    // Kept for that command.
    expect((await stat(join(stateDir, "terraform.tfstate"))).isFile()).toBe(true);
  }, 30_000);

  it("hands tofu no Action input, and masks the secret ones", async () => {
    const secrets = {
      "INPUT_GITHUB-TOKEN": "ghs_post_must_not_leak_0123456789",
      "INPUT_SSH-PRIVATE-KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n",
      INPUT_COMMAND: "run",
    };
    const r = await post(secrets);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, "inputs.log"), "utf8")).toBe("");
    expect(r.out).toContain("::add-mask::ghs_post_must_not_leak_0123456789");
    expect(r.out).toContain("::add-mask::b3BlbnNzaC1rZXktdjE=");
  }, 30_000);

  it("removes the kubeconfig copy even when the destroy fails", async () => {
    await rm(join(bin, "tofu"));
    const kubeconfigPath = join(dir, "runner-temp", "kubeconfig-copy");
    await writeFile(kubeconfigPath, "apiVersion: v1\nkind: Config\n", { mode: 0o600 });
    const r = await post({
      "STATE_meshbench-teardown": JSON.stringify({ terraformStateDir: stateDir, kubeconfigPath }),
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain("meshbench could NOT destroy the cluster of run mb-post");
    await expect(stat(kubeconfigPath)).rejects.toThrow("ENOENT");
  }, 30_000);
});
