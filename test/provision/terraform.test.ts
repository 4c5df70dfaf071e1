// provider: terraform, driven through a fake `tofu`/`terraform` on the PATH: a script that
// records its arguments and environment, writes a state file on apply, prints the outputs
// JSON it is given, and fails on demand (apply; destroy n times or always). The module's
// kubeconfig points at the fake API server; its hosts at a real sshd on loopback.
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findTerraform } from "../../src/provision/terraform/binary.ts";
import {
  checkLifetime,
  cleanupTerraformLeftovers,
  destroyTerraformStateDir,
  parseOutputs,
  TerraformCleanupError,
  TerraformDestroyError,
  terraformProvider,
} from "../../src/provision/terraform/index.ts";
import {
  newRecord,
  readRecord,
  statePaths,
  writeRecord,
} from "../../src/provision/terraform/state-dir.ts";
import { checkVars } from "../../src/provision/terraform/vars.ts";
import { type FakeKube, startFakeKube } from "../helpers/fake-kube/index.ts";
import { FAKE_TF, fakeTofuWorkspace } from "../helpers/fake-tofu.ts";
import { taggedInstaller } from "../helpers/k3s-installer.ts";
import { type Sshd, startSshd } from "../helpers/sshd.ts";

const STATE = {
  version: 4,
  resources: [
    {
      mode: "managed",
      type: "aws_instance",
      name: "node",
      instances: [
        { index_key: 0, attributes: { id: "i-0123" } },
        { index_key: 1, attributes: { id: "i-0456" } },
      ],
    },
    { mode: "data", type: "aws_ami", name: "ubuntu", instances: [{ attributes: { id: "ami-1" } }] },
  ],
};

let dir: string;
let bin: string;
let moduleDir: string;
let fake: FakeKube;
const NOW = new Date("2026-11-27T05:15:00.123Z");

async function setOutputs(outputs: Record<string, unknown>): Promise<void> {
  const json = Object.fromEntries(
    Object.entries(outputs).map(([k, value]) => [k, { value, type: "string", sensitive: true }]),
  );
  await writeFile(join(dir, "outputs.json"), JSON.stringify(json));
}
const calls = async () =>
  (await readFile(join(dir, "calls.log"), "utf8").catch(() => ""))
    .trim()
    .split("\n")
    .filter(Boolean);
const fakeEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: bin,
  FAKE_TF_DIR: dir,
  ...extra,
});

beforeEach(async () => {
  ({ dir, bin, moduleDir } = await fakeTofuWorkspace("meshbench-tf-"));
  await writeFile(join(dir, "state.json"), JSON.stringify(STATE));
  fake = await startFakeKube({ readyAfterMs: 10 });
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe("which binary", () => {
  it("prefers tofu, takes terraform when alone, and says how to get one when neither is there", async () => {
    await writeFile(join(bin, "terraform"), FAKE_TF, { mode: 0o755 });
    expect(await findTerraform({ PATH: bin })).toBe(join(bin, "tofu"));
    const only = join(dir, "only-terraform");
    await mkdir(only);
    await writeFile(join(only, "terraform"), FAKE_TF, { mode: 0o755 });
    expect(await findTerraform({ PATH: `${join(dir, "nowhere")}:${only}` })).toBe(
      join(only, "terraform"),
    );
    const none = findTerraform({ PATH: join(dir, "nowhere") });
    await expect(none).rejects.toThrow(
      "provider terraform: neither tofu nor terraform is on the PATH. Get one:",
    );
    await expect(none).rejects.toThrow(
      "uses: opentofu/setup-opentofu@v1` with `tofu_wrapper: false`",
    );
    await expect(findTerraform({ PATH: bin }, "tf")).rejects.toThrow(
      'binary: "tf" is not an executable file on the PATH',
    );
  });
});

describe("terraform provider", () => {
  const base = (stateDir: string) => ({
    module: moduleDir,
    stateDir,
    runId: "mb-20261127t051500-a1b2",
    env: fakeEnv(),
    now: () => NOW,
  });

  it("applies with the variables as a 0600 file, takes the module's kubeconfig, destroys once with the same state", async () => {
    const stateDir = join(dir, "state");
    await setOutputs({ kubeconfig: fake.kubeconfig });
    const logs: string[] = [];
    const provider = terraformProvider({
      ...base(stateDir),
      vars: { region: "fra", workers: 4, plan: { cpu: "epyc" } },
      log: (l) => logs.push(l),
    });
    const info = await provider.create();
    const p = statePaths(stateDir);
    expect(await calls()).toEqual([
      `tofu -chdir=${moduleDir} init -input=false -no-color`,
      `tofu -chdir=${moduleDir} apply -auto-approve -input=false -no-color -lock-timeout=300s -state=${p.tfstate} -var-file=${p.tfvars}`,
      `tofu -chdir=${moduleDir} output -json -no-color -state=${p.tfstate}`,
    ]);
    expect((await readFile(join(dir, "env.log"), "utf8")).split("\n")[0]).toBe(
      `TF_DATA_DIR=${p.dataDir} TF_IN_AUTOMATION=1 TF_INPUT=0`,
    );
    // Run id and expiry (creation + 6 h, whole seconds, UTC) for the module's tags.
    expect(JSON.parse(await readFile(join(dir, "applied-vars.json"), "utf8"))).toEqual({
      region: "fra",
      workers: 4,
      plan: { cpu: "epyc" },
      meshbench_run_id: "mb-20261127t051500-a1b2",
      meshbench_expires_at: "2026-11-27T11:15:00Z",
    });
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(p.tfvars)).mode & 0o777).toBe(0o600);
    expect((await stat(info.kubeconfigPath)).mode & 0o777).toBe(0o600);
    expect(info).toMatchObject({
      provider: "terraform",
      name: "meshbench-mb-20261127t051500-a1b2",
    });
    expect(info.nodes).toHaveLength(4);
    expect(await readRecord(stateDir)).toMatchObject({
      phase: "created",
      module: moduleDir,
      binary: join(bin, "tofu"),
      expiresAt: "2026-11-27T11:15:00Z",
      owner: { pid: process.pid },
    });
    // Progress is logged; the outputs (a kubeconfig here) never are.
    expect(logs).toContain("tofu: Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    expect(logs.join("\n")).not.toContain("fake-token");
    // Nor what apply prints after "Outputs:" (an output a module forgot to mark sensitive).
    expect(logs).toContain("tofu: (outputs not shown)");
    expect(logs.join("\n")).not.toContain("fake-secret-in-clear");

    await provider.destroy();
    await provider.destroy();
    expect((await calls()).slice(3)).toEqual([
      `tofu -chdir=${moduleDir} destroy -auto-approve -input=false -no-color -lock-timeout=300s -state=${p.tfstate} -var-file=${p.tfvars}`,
    ]);
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  });

  it("refuses variables, run ids, lifetimes and k3s versions it cannot pass on safely", () => {
    expect(() => checkVars({ "bad name": 1 })).toThrow(
      'vars: "bad name" is not allowed as a variable name; allowed: letters, digits',
    );
    expect(() => checkVars({ meshbench_run_id: "x" })).toThrow(
      "vars.meshbench_run_id: set by meshbench itself",
    );
    expect(() => checkVars({ n: Number.NaN })).toThrow(
      "vars.n: NaN is not allowed; allowed: a finite number",
    );
    expect(() => checkVars({ f: { g: [() => 1] } })).toThrow(
      "vars.f.g[0]: a function is not allowed; allowed: a string, number, boolean, null, list or map",
    );
    const ok = base(join(dir, "s"));
    expect(() => terraformProvider({ ...ok, runId: "Run 1; rm -rf /" })).toThrow(
      'run id: "Run 1; rm -rf /" is not allowed',
    );
    expect(() => terraformProvider({ ...ok, maxLifetimeMs: 60_000 })).toThrow(
      "maxLifetime: 60000 is not allowed; allowed: from 5 minutes to 7 days",
    );
    expect(() => terraformProvider({ ...ok, k3sVersion: "v1.33" })).toThrow(
      'k3sVersion: "v1.33" is not allowed; allowed: a k3s release such as v1.33.1+k3s1',
    );
  });

  it("a module whose outputs break the contract fails clearly, and destroy still destroys", async () => {
    const stateDir = join(dir, "state");
    await setOutputs({ hosts: [{ address: "10.0.0.1", user: "ubuntu", role: "master" }] });
    const provider = terraformProvider(base(stateDir));
    await expect(provider.create()).rejects.toThrow(
      'output hosts[0].role: "master" is not allowed; allowed: control-plane, worker',
    );
    await provider.destroy();
    expect((await calls()).at(-1)).toMatch(/^tofu -chdir=\S+ destroy -auto-approve /);

    await setOutputs({ ip: "10.0.0.1" });
    await expect(terraformProvider(base(stateDir)).create()).rejects.toThrow(
      "module outputs: need exactly one of kubeconfig (the module built the cluster) or hosts (meshbench builds it over SSH); the module has: ip",
    );
    await setOutputs({ hosts: [{ address: "10.0.0.1", user: "ubuntu", role: "worker" }] });
    await terraformProvider(base(stateDir)).destroy();
    await expect(terraformProvider(base(stateDir)).create()).rejects.toThrow(
      "output hosts: needs exactly one host with role control-plane, has 0",
    );
  });

  it("flannel_backend: wireguard-native or vxlan with hosts, refused otherwise", () => {
    const out = (o: Record<string, unknown>) =>
      JSON.stringify(Object.fromEntries(Object.entries(o).map(([k, value]) => [k, { value }])));
    const hosts = [{ address: "192.0.2.1", user: "root", role: "control-plane" }];
    expect(parseOutputs(out({ hosts, flannel_backend: "wireguard-native" }))).toMatchObject({
      flannelBackend: "wireguard-native",
    });
    expect(parseOutputs(out({ hosts }))).not.toHaveProperty("flannelBackend");
    expect(() => parseOutputs(out({ hosts, flannel_backend: "ipsec" }))).toThrow(
      'output flannel_backend: "ipsec" is not allowed; allowed: vxlan, wireguard-native',
    );
    expect(() =>
      parseOutputs(out({ kubeconfig: "apiVersion: v1\nclusters: []\n", flannel_backend: "vxlan" })),
    ).toThrow("output flannel_backend: only with hosts");
  });

  it("hosts without a key: says where the key should come from", async () => {
    const stateDir = join(dir, "state");
    await setOutputs({
      hosts: [{ address: "127.0.0.1", user: "root", role: "control-plane" }],
    });
    await expect(terraformProvider(base(stateDir)).create()).rejects.toThrow(
      "sshKey: the module outputs hosts but no ssh_private_key; give meshbench the SSH private key",
    );
  });

  it("a failed apply shows the binary's error, and destroy removes what it may have made", async () => {
    const stateDir = join(dir, "state");
    const provider = terraformProvider({
      ...base(stateDir),
      env: fakeEnv({ FAKE_TF_APPLY_FAIL: "1" }),
    });
    await expect(provider.create()).rejects.toThrow(
      "tofu apply failed (exit 1):\n    Error: creating server: quota exceeded",
    );
    await provider.destroy();
    expect((await calls()).at(-1)).toContain(" destroy -auto-approve ");
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  });

  it("a failed init applied nothing: destroy only removes the directory", async () => {
    const stateDir = join(dir, "state");
    const provider = terraformProvider({
      ...base(stateDir),
      env: fakeEnv({ FAKE_TF_INIT_FAIL: "1" }),
    });
    await expect(provider.create()).rejects.toThrow("tofu init failed (exit 1)");
    await provider.destroy();
    expect(await calls()).toHaveLength(1);
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  });

  it("will not reuse a state directory that still holds a cluster", async () => {
    const stateDir = join(dir, "state");
    await setOutputs({ kubeconfig: fake.kubeconfig });
    await terraformProvider(base(stateDir)).create();
    await expect(
      terraformProvider({ ...base(stateDir), runId: "mb-other" }).create(),
    ).rejects.toThrow(
      `state directory ${stateDir} already holds the cluster of run mb-20261127t051500-a1b2`,
    );
    expect((await calls()).filter((c) => c.includes(" apply "))).toHaveLength(1);
  });
});

describe("destroy", () => {
  async function created(name: string, extra: Partial<Parameters<typeof newRecord>[0]> = {}) {
    const stateDir = join(dir, "states", name);
    await writeRecord(stateDir, {
      ...newRecord({
        runId: name,
        module: moduleDir,
        binary: join(bin, "tofu"),
        now: NOW,
        maxLifetimeMs: 6 * 3_600_000,
        ...extra,
      }),
      phase: "created",
    });
    await writeFile(statePaths(stateDir).tfstate, JSON.stringify(STATE));
    await writeFile(statePaths(stateDir).tfvars, "{}");
    await mkdir(statePaths(stateDir).dataDir);
    return stateDir;
  }

  it("retries a failing destroy with growing pauses until it succeeds", async () => {
    const stateDir = await created("mb-retry");
    const slept: number[] = [];
    const logs: string[] = [];
    expect(
      await destroyTerraformStateDir(stateDir, {
        env: fakeEnv({ FAKE_TF_DESTROY_FAILS: "2" }),
        retry: { attempts: 4, delaysMs: [100, 200, 400] },
        sleep: async (ms) => {
          slept.push(ms);
        },
        log: (l) => logs.push(l),
      }),
    ).toBe("destroyed");
    expect(slept).toEqual([100, 200]);
    expect((await calls()).filter((c) => c.includes(" destroy "))).toHaveLength(3);
    expect(logs).toContain(
      "destroy attempt 1 of 4 failed; retrying in 0s: Error: deleting server sv_1: 409 Conflict: server is locked",
    );
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  });

  it("a destroy that keeps failing is reported loudly: what still runs, how to remove it; the state is kept", async () => {
    const stateDir = await created("mb-stuck");
    const attempt = () =>
      destroyTerraformStateDir(stateDir, {
        env: fakeEnv({ FAKE_TF_DESTROY_FAILS: "99" }),
        retry: { attempts: 3, delaysMs: [1] },
        sleep: async () => {},
      });
    const error = (await attempt().catch((e) => e)) as TerraformDestroyError;
    expect(error).toBeInstanceOf(TerraformDestroyError);
    const p = statePaths(stateDir);
    expect(error.message).toBe(
      [
        "meshbench could NOT destroy the cluster of run mb-stuck after 3 attempts; it is probably still running and costing money.",
        "Last error: tofu destroy failed (exit 1):\n    Error: deleting server sv_1: 409 Conflict: server is locked",
        `Still in the state (${p.tfstate}):`,
        "  aws_instance.node[0] (id i-0123)",
        "  aws_instance.node[1] (id i-0456)",
        "Remove them, then check in the provider's console that they are gone:",
        `  meshbench cleanup --provider terraform --state-dir ${stateDir}`,
        `  or by hand: TF_DATA_DIR=${p.dataDir} ${join(bin, "tofu")} -chdir=${moduleDir} destroy -auto-approve -input=false -no-color -lock-timeout=300s -state=${p.tfstate} -var-file=${p.tfvars}`,
        "  or in the provider's console: resources tagged meshbench_run_id=mb-stuck (expiry 2026-11-27T11:15:00Z)",
        `The state directory ${stateDir} is kept until they are destroyed.`,
      ].join("\n"),
    );
    expect(error.resources).toEqual([
      "aws_instance.node[0] (id i-0123)",
      "aws_instance.node[1] (id i-0456)",
    ]);
    expect(await readRecord(stateDir)).toMatchObject({ phase: "destroy-failed" });
    // Never silent: destroying again tries again, and fails again.
    await expect(attempt()).rejects.toThrow(TerraformDestroyError);
    expect((await calls()).filter((c) => c.includes(" destroy "))).toHaveLength(6);
  });

  it("with no tofu or terraform left to run destroy, still says loudly what is running", async () => {
    const stateDir = await created("mb-nobinary");
    await rm(join(bin, "tofu"));
    const error = (await destroyTerraformStateDir(stateDir, { env: fakeEnv() }).catch(
      (e) => e,
    )) as TerraformDestroyError;
    expect(error).toBeInstanceOf(TerraformDestroyError);
    expect(error.message).toContain(
      `could NOT destroy the cluster of run mb-nobinary (${join(bin, "tofu")} is gone, and no tofu or terraform is on the PATH)`,
    );
    expect(error.message).toContain("Last error: provider terraform: neither tofu nor terraform");
    expect(error.message).toContain("  aws_instance.node[1] (id i-0456)");
    expect(await readRecord(stateDir)).toMatchObject({ phase: "destroy-failed" });
  });

  it("the lifetime guard leaves a young cluster and destroys an expired one", async () => {
    const stateDir = await created("mb-old");
    expect(
      await checkLifetime(stateDir, { env: fakeEnv(), now: new Date("2026-11-27T11:14:00Z") }),
    ).toEqual({
      state: "alive",
      runId: "mb-old",
      expiresAt: "2026-11-27T11:15:00Z",
      remainingMs: 60_000,
    });
    expect(await calls()).toEqual([]);
    const logs: string[] = [];
    expect(
      await checkLifetime(stateDir, {
        env: fakeEnv(),
        now: new Date("2026-11-27T11:15:00Z"),
        log: (l) => logs.push(l),
      }),
    ).toEqual({
      state: "expired-destroyed",
      runId: "mb-old",
      expiresAt: "2026-11-27T11:15:00Z",
      maxLifetimeMs: 6 * 3_600_000,
    });
    expect(logs[0]).toBe(
      "cluster of run mb-old passed its maximum lifetime (expired 2026-11-27T11:15:00Z); destroying it",
    );
    expect(await calls()).toHaveLength(1);
    expect(await checkLifetime(stateDir)).toEqual({ state: "none" });
  });

  it("cleanup destroys the leftovers of killed and expired runs, keeps live ones, and reports failures at the end", async () => {
    const expired = await created("mb-expired", { now: new Date("2026-11-26T00:00:00Z") });
    const live = await created("mb-live");
    const killed = await created("mb-killed");
    const r = await readRecord(killed);
    await writeRecord(killed, { ...r!, owner: { ...r!.owner, pid: 999_999_999 } });
    await mkdir(join(dir, "states", "not-a-cluster"));

    const isAlive = (pid: number) => pid !== 999_999_999;
    const results = await cleanupTerraformLeftovers(
      { root: join(dir, "states") },
      { env: fakeEnv(), now: NOW, isAlive },
    );
    expect(results.map((x) => [x.runId, x.action, x.reason])).toEqual([
      ["mb-expired", "destroyed", "expired 2026-11-26T06:00:00Z"],
      ["mb-killed", "destroyed", "its run (pid 999999999) is gone"],
      [
        "mb-live",
        "kept",
        `in use by pid ${process.pid} on this machine until 2026-11-27T11:15:00Z; pass all to destroy it anyway`,
      ],
    ]);
    await expect(stat(expired)).rejects.toThrow("ENOENT");
    await expect(stat(killed)).rejects.toThrow("ENOENT");
    expect(await readRecord(live)).not.toBeNull();

    // One that cannot be destroyed does not stop the others, and fails the whole loudly.
    const stuck = await created("mb-stuck", { now: new Date("2026-11-26T00:00:00Z") });
    const error = (await cleanupTerraformLeftovers([stuck, live], {
      env: fakeEnv({ FAKE_TF_DESTROY_FAILS: "99" }),
      now: NOW,
      all: true,
      retry: { attempts: 1 },
    }).catch((e) => e)) as TerraformCleanupError;
    expect(error).toBeInstanceOf(TerraformCleanupError);
    expect(error.message).toContain(
      "meshbench cleanup: 2 cluster(s) could not be destroyed and are probably still running:",
    );
    expect(error.message).toContain("could NOT destroy the cluster of run mb-stuck");
    expect(error.results.map((x) => x.action)).toEqual(["failed", "failed"]);
    expect(await readdir(join(dir, "states"))).toEqual(["mb-live", "mb-stuck", "not-a-cluster"]);
  });
});

describe("terraform provider with hosts: k3s over SSH", () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd({ addresses: ["127.0.0.1", "127.0.0.2"] });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it("builds the cluster on the module's hosts with its generated key, and destroy removes every secret", async () => {
    await fake.close();
    fake = await startFakeKube({
      nodes: [{ name: "control-plane-1" }, { name: "worker-1" }],
      readyAfterMs: 10,
    });
    const stateDir = join(dir, "state");
    await setOutputs({
      hosts: [
        {
          address: "127.0.0.1",
          port: sshd.port,
          user: sshd.user,
          role: "control-plane",
          labels: {},
          host_keys: [sshd.hostKey],
        },
        {
          address: "127.0.0.2",
          port: sshd.port,
          user: sshd.user,
          role: "worker",
          labels: { "meshbench.io/pool": "apps" },
          host_keys: [],
        },
      ],
      ssh_private_key: sshd.privateKey,
      // The module says its nodes talk over public addresses: pod traffic encrypted.
      flannel_backend: "wireguard-native",
    });
    const installs: string[] = [];
    const provider = terraformProvider({
      module: moduleDir,
      stateDir,
      runId: "mb-hosts",
      env: fakeEnv(),
      k3sVersion: "v1.32.5+k3s1",
      k3s: {
        installer: taggedInstaller(
          `#!/bin/sh\necho "$*" >> "${dir}/installs.log"\ncase "$*" in *--write-kubeconfig=*) cp "${fake.kubeconfigPath}" "${dir}/remote/k3s.yaml";; esac\n`,
        ),
        layout: { dir: join(dir, "remote"), kubeconfigPath: join(dir, "remote", "k3s.yaml") },
        apiServerUrl: () => fake.url,
        metricsServer: false,
        pollMs: 100,
        timeouts: { sshMs: 10_000, kubeconfigMs: 10_000, nodesMs: 10_000 },
      },
    });
    const info = await provider.create();
    installs.push(...(await readFile(join(dir, "installs.log"), "utf8")).trim().split("\n"));
    expect(installs).toHaveLength(2);
    expect(installs[0]).toMatch(/^server --token-file=\S+ --disable=traefik --disable=servicelb /);
    expect(installs[1]).toMatch(/^agent --server=https:\/\/127\.0\.0\.1:6443 /);
    // A server setting: the agents take it from the server.
    expect(installs[0]).toContain(" --flannel-backend=wireguard-native");
    expect(installs[1]).not.toContain("flannel");
    expect(info.kubeconfigPath).toBe(statePaths(stateDir).kubeconfig);
    expect((await stat(info.kubeconfigPath)).mode & 0o777).toBe(0o600);
    // Pinned host: not recorded; the other: recorded on first contact, in the state dir.
    const known = await readFile(statePaths(stateDir).knownHosts, "utf8");
    expect(known).toContain(`[127.0.0.2]:${sshd.port} ssh-ed25519 `);
    expect(known).not.toContain("[127.0.0.1]");

    await provider.destroy();
    await expect(stat(stateDir)).rejects.toThrow("ENOENT");
  });
});
