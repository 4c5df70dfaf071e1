// provider terraform as `meshbench run` and `meshbench cleanup` use it: a fake tofu on the
// PATH (./fake-tofu.ts) whose module outputs the kubeconfig of a fake API server. What is
// checked here is what happens around the runs: a cluster that cannot be destroyed is
// never a silent success, the lifetime guard ends the matrix, relative paths reach tofu
// as absolute ones, and providerFor builds the terraform provider from a scenario.
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { providerFor } from "../../src/provision/provider-for.ts";
import { statePaths } from "../../src/provision/terraform/state-dir.ts";
import { runScenario } from "../../src/run/scenario-run.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { type FakeKube, resourceOf, startFakeKube } from "../helpers/fake-kube/index.ts";
import { FAKE_TF, fakeTofuWorkspace, tfstateJson } from "../helpers/fake-tofu.ts";
import { runMeshbench } from "../helpers/process.ts";
import { kubeScenarioYaml } from "../helpers/scenario-yaml.ts";

let dir: string;
let bin: string;
let fake: FakeKube;

beforeEach(async () => {
  ({ dir, bin } = await fakeTofuWorkspace("meshbench-tf-run-"));
  await writeFile(join(dir, "state.json"), tfstateJson([{ index_key: 0, id: "i-0123" }]));
  fake = await startFakeKube({ readyAfterMs: 10 });
  await writeFile(
    join(dir, "outputs.json"),
    JSON.stringify({ kubeconfig: { value: fake.kubeconfig, type: "string", sensitive: true } }),
  );
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * For the tests that call providerFor in this process: it runs tofu with this process's
 * environment, so the fake goes on its PATH for each test, and the environment is restored after.
 */
function fakeTofuInThisProcess(): void {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    process.env.FAKE_TF_DIR = dir;
  });
  afterEach(() => {
    process.env = { ...saved };
  });
}

/** A scenario on the fake module; `meshes` decides whether any run is planned. */
async function scenario(meshes: string, repetitions = 1): Promise<string> {
  // A mesh with no kubernetes section is skipped on a cluster: a plan with no runs.
  await mkdir(join(dir, "meshes"), { recursive: true });
  await writeFile(
    join(dir, "meshes", "local-only.yaml"),
    "name: local-only\ndescription: defined for the local platform only\nlocal: {}\n",
  );
  const file = join(dir, "metal.yaml");
  await writeFile(
    file,
    kubeScenarioYaml("metal", {
      cluster: { provider: "terraform", module: "./module", maxLifetime: "1h" },
      meshes: [meshes],
      repetitions,
      workload: { app: "emojivoto", instances: 1 },
      load: { rate: 10, duration: "2s", warmup: "1s", connections: 1, paths: ["/api/list"] },
    }),
  );
  return file;
}

/** tofu from bin only: /usr/local/bin may hold a real terraform, which must never run here. */
const env = (extra: Record<string, string> = {}) => ({
  HOME: dir,
  PATH: `${bin}:/usr/bin:/bin`,
  FAKE_TF_DIR: dir,
  XDG_STATE_HOME: join(dir, "xdg-state"),
  XDG_CACHE_HOME: join(dir, "cache"),
  ...extra,
});

function meshbench(args: string[], o: { env: NodeJS.ProcessEnv; cwd?: string }) {
  return runMeshbench(args, { env: o.env, cwd: o.cwd ?? dir, until: "exit" });
}

const calls = async () =>
  (await readFile(join(dir, "calls.log"), "utf8").catch(() => ""))
    .trim()
    .split("\n")
    .filter(Boolean);

const stateDirs = async () => readdir(join(dir, "xdg-state", "meshbench", "terraform"));

describe("meshbench run, provider terraform: a cluster that cannot be destroyed", () => {
  it("creation fails and its destroy fails too: both errors, exit 1, the state kept", async () => {
    const file = await scenario("bare");
    const r = await meshbench(["run", file, "--chart-host", "none"], {
      env: env({ FAKE_TF_APPLY_FAIL: "1", FAKE_TF_VANISH: "apply" }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the cluster is not usable: tofu apply failed (exit 1)");
    expect(r.stderr).toContain("Error: creating server: quota exceeded");
    expect(r.stderr).toContain("and removing what was made for it failed too:");
    expect(r.stderr).toContain("meshbench could NOT destroy the cluster of run");
    expect(r.stderr).toContain("aws_instance.node[0] (id i-0123)");
    const [runDir] = await stateDirs();
    const kept = join(dir, "xdg-state", "meshbench", "terraform", runDir!);
    expect(r.stderr).toContain(`meshbench cleanup --provider terraform --state-dir ${kept}`);
    expect((await stat(statePaths(kept).tfstate)).isFile()).toBe(true);
  });

  it("the runs are done but the destroy at the end fails: the report is written, exit 1", async () => {
    const file = await scenario("local-only");
    const r = await meshbench(["run", file, "--chart-host", "none", "--out", "results"], {
      env: env({ FAKE_TF_VANISH: "output" }),
    });
    expect(r.stderr).toContain(
      "meshbench: removing the cluster FAILED: meshbench could NOT destroy",
    );
    expect(r.stdout).toContain("local-only");
    expect(r.stdout).toContain("skipped: not defined for the kubernetes platform");
    expect((await stat(join(dir, "results", "metal", "report.md"))).isFile()).toBe(true);
    expect(r.code).toBe(1);
    // The same scenario whose destroy works exits 0: the status is about the destroy.
    await writeFile(join(bin, "tofu"), FAKE_TF, { mode: 0o755 });
    const ok = await meshbench(["run", file, "--chart-host", "none", "--out", "results2"], {
      env: env(),
    });
    expect(ok.stderr).not.toContain("FAILED");
    expect(ok.code).toBe(0);
  });
});

describe("the lifetime guard", () => {
  fakeTofuInThisProcess();

  it("destroys an expired cluster once and ends the matrix: the other runs are not attempted", async () => {
    const file = await scenario("bare", 3);
    let stateDir = "";
    const result = await runScenario({
      file,
      resultsRoot: join(dir, "results"),
      chartHost: "none",
      cluster: { terraform: { stateRoot: join(dir, "states"), onStateDir: (d) => (stateDir = d) } },
      // The cluster is up; then its maxLifetime passes before the first run starts.
      onPlatform: () => {
        const path = statePaths(stateDir).record;
        const record = JSON.parse(readFileSync(path, "utf8"));
        writeFileSync(path, JSON.stringify({ ...record, expiresAt: "2020-01-01T00:00:00Z" }));
      },
    });
    const reason =
      "cluster lifetime exceeded (maxLifetime 1h, expired 2020-01-01T00:00:00Z): destroyed; raise cluster.maxLifetime if the scenario needs longer";
    expect(result.outcomes.map((o) => [o.run.repetition, o.state, o.phase, o.reason])).toEqual([
      [1, "failed", "prepare", reason],
      [2, "failed", "prepare", reason],
      [3, "failed", "prepare", reason],
    ]);
    const recorded = JSON.parse(
      await readFile(join(dir, "results", "metal", "bare", "r3", "run.json"), "utf8"),
    );
    expect(JSON.stringify(recorded)).toContain(reason);
    // Destroyed once, by the guard; nothing was deployed on the dead cluster.
    expect((await calls()).filter((c) => c.includes(" destroy "))).toHaveLength(1);
    expect(fake.store.list(resourceOf("namespaces")).map((n) => n.metadata.name)).toEqual([
      "default",
      "kube-system",
    ]);
    expect(result.teardownError).toBeNull();
  });
});

describe("providerFor, provider terraform", () => {
  fakeTofuInThisProcess();

  it("puts the state directory under the root as an absolute path and passes the Action's variables over the scenario's", async () => {
    const file = await scenario("bare");
    const { scenario: s } = await loadScenario(file);
    const provider0 = s.cluster!.provider;
    if (provider0.kind !== "terraform") throw new Error("not a terraform scenario");
    const cluster = {
      ...s.cluster!,
      provider: { ...provider0, vars: { region: "us-east-1", workers: 5 } },
    };
    const told: string[] = [];
    // A root relative to the current directory, as a user or the Action may give it.
    const root = relative(process.cwd(), join(dir, "states"));
    const provider = providerFor(cluster, {
      terraform: {
        stateRoot: root,
        vars: { region: "eu-west-1" },
        onStateDir: (d) => told.push(d),
      },
    });
    expect(provider.kind).toBe("terraform");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(new RegExp(`^${join(dir, "states")}/mb-[a-z0-9-]+$`));
    const info = await provider.create();
    expect(info.provider).toBe("terraform");
    expect(JSON.parse(await readFile(join(dir, "applied-vars.json"), "utf8"))).toMatchObject({
      region: "eu-west-1",
      workers: 5,
      meshbench_run_id: told[0]!.split("/").pop(),
    });
    await provider.destroy();
    await expect(stat(told[0]!)).rejects.toThrow("ENOENT");
  });
});

describe("meshbench cleanup --provider terraform with relative paths", () => {
  /** A cluster as create() leaves it, in `stateDir` (relative to `dir`). */
  async function created(stateDir: string, runId: string, expiresAt: string) {
    const abs = join(dir, stateDir);
    await mkdir(abs, { recursive: true, mode: 0o700 });
    await writeFile(
      join(abs, "meshbench-cluster.json"),
      JSON.stringify({
        schema: "meshbench/terraform-cluster/v1",
        runId,
        module: join(dir, "module"),
        binary: join(bin, "tofu"),
        createdAt: "2026-11-27T05:15:00.000Z",
        expiresAt,
        maxLifetimeMs: 6 * 3_600_000,
        owner: { pid: 1, hostname: "elsewhere" },
        phase: "created",
      }),
    );
    await writeFile(join(abs, "terraform.tfstate"), await readFile(join(dir, "state.json")));
    await writeFile(join(abs, "meshbench.tfvars.json"), "{}");
  }

  it("--state-dir and --root relative to the current directory reach tofu as absolute paths", async () => {
    await created("states/mb-one", "mb-one", "2099-01-01T00:00:00Z");
    await created("root/mb-two", "mb-two", "2020-01-01T00:00:00Z");
    const one = await meshbench(
      ["cleanup", "--provider", "terraform", "--state-dir", "states/mb-one", "--all"],
      { env: env() },
    );
    const two = await meshbench(["cleanup", "--provider", "terraform", "--root", "root"], {
      env: env(),
    });
    expect([one.code, two.code, one.stderr, two.stderr]).toEqual([0, 0, "", ""]);
    expect(one.stdout).toContain(`destroyed run mb-one (${join(dir, "states", "mb-one")})`);
    expect(two.stdout).toContain(`destroyed run mb-two (${join(dir, "root", "mb-two")})`);
    // What tofu was given, run in the module's directory (-chdir): absolute paths only.
    const destroys = (await calls()).filter((c) => c.includes(" destroy "));
    expect(destroys).toHaveLength(2);
    for (const [i, d] of ["states/mb-one", "root/mb-two"].entries()) {
      const c = destroys[i];
      expect(c).toContain(`-state=${join(dir, d, "terraform.tfstate")} `);
      expect(c).toContain(`-var-file=${join(dir, d, "meshbench.tfvars.json")}`);
    }
    const dataDirs = (await readFile(join(dir, "env.log"), "utf8")).match(/TF_DATA_DIR=\S+/g);
    expect(dataDirs).toEqual([
      `TF_DATA_DIR=${join(dir, "states/mb-one/tf-data")}`,
      `TF_DATA_DIR=${join(dir, "states/mb-one/tf-data")}`,
      `TF_DATA_DIR=${join(dir, "root/mb-two/tf-data")}`,
      `TF_DATA_DIR=${join(dir, "root/mb-two/tf-data")}`,
    ]);
    // The state tofu destroyed is the run's, both times: the servers are really gone.
    const destroyed = await readFile(join(dir, "destroyed.log"), "utf8");
    expect(destroyed.match(/i-0123/g)).toHaveLength(2);
    expect(destroyed).not.toContain("no state at");
    expect(await readdir(join(dir, "states"))).toEqual([]);
  });
});
