// What reaches a program meshbench starts: the allowlisted variables and those a user names
// in MESHBENCH_PASS_ENV, never the workflow's secrets. Checked on the environment a real
// child prints (`env`), through both ways meshbench starts programs: tools/exec.ts (kind,
// kubectl, mesh CLIs, install steps) and the local platform's process set (services,
// sidecars, the load generator).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newOwnerToken } from "../../src/platform/local/owned.ts";
import { ProcessSet } from "../../src/platform/local/processes.ts";
import { CHILD_ENV_NAMES, childEnv } from "../../src/tools/child-env.ts";
import { run } from "../../src/tools/exec.ts";

/** What a workflow's runner puts in meshbench's environment that no child may see. */
const SECRETS = {
  GITHUB_TOKEN: "ghs_secret",
  INPUT_GITHUB_TOKEN: "ghs_secret",
  "INPUT_SSH-KEY": "-----BEGIN OPENSSH PRIVATE KEY-----",
  ACTIONS_RUNTIME_TOKEN: "runtime-secret",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-secret",
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  GOOGLE_APPLICATION_CREDENTIALS: "/secrets/gcp.json",
  HELM_KUBETOKEN: "bearer-secret",
};
const WANTED = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: "/home/runner",
  KUBECONFIG: "/tmp/kubeconfig",
  HTTPS_PROXY: "http://proxy.internal:3128",
  no_proxy: "127.0.0.1,localhost",
  LC_ALL: "C.UTF-8",
  DOCKER_HOST: "unix:///run/user/1000/docker.sock",
};

const parseEnv = (text: string) =>
  Object.fromEntries(
    text
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

describe("childEnv", () => {
  it("keeps the allowlisted variables and drops everything else", () => {
    expect(childEnv({ ...WANTED, ...SECRETS })).toEqual(WANTED);
  });

  it("adds what MESHBENCH_PASS_ENV names, and what meshbench sets itself", () => {
    const env = childEnv(
      { ...SECRETS, AWS_PROFILE: "bench", MESHBENCH_PASS_ENV: "AWS_PROFILE, NOT_SET" },
      { MESHBENCH_OWNER: "1.ab" },
    );
    expect(env).toEqual({
      AWS_PROFILE: "bench",
      MESHBENCH_PASS_ENV: "AWS_PROFILE, NOT_SET",
      MESHBENCH_OWNER: "1.ab",
    });
  });

  it("refuses a MESHBENCH_PASS_ENV entry that is not a variable name", () => {
    expect(() => childEnv({ MESHBENCH_PASS_ENV: "AWS_PROFILE $(id)" })).toThrow(
      'MESHBENCH_PASS_ENV: "$(id)" is not a variable name; allowed: names such as AWS_PROFILE, separated by commas or spaces',
    );
  });

  it("passes no secret-looking name by default", () => {
    expect(CHILD_ENV_NAMES.filter((n) => /TOKEN|SECRET|KEY|PASSWORD|CREDENTIAL/.test(n))).toEqual(
      [],
    );
  });
});

describe("a child meshbench starts", () => {
  const saved = { ...process.env };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshbench-child-env-"));
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("run by tools/exec.ts sees no secret of the parent's environment", async () => {
    Object.assign(process.env, SECRETS, WANTED);
    const { stdout } = await run("env", [], { timeoutMs: 30_000 });
    const seen = parseEnv(stdout);
    for (const name of Object.keys(SECRETS)) expect(seen).not.toHaveProperty(name);
    expect(seen).toMatchObject(WANTED);
  });

  it("run by tools/exec.ts from an explicit environment gets its allowlisted part", async () => {
    const { stdout } = await run("env", [], {
      timeoutMs: 30_000,
      env: { ...SECRETS, ...WANTED, FAKE_TOOL_LOG: "/tmp/x", MESHBENCH_PASS_ENV: "FAKE_TOOL_LOG" },
    });
    expect(parseEnv(stdout)).toEqual({
      ...WANTED,
      FAKE_TOOL_LOG: "/tmp/x",
      MESHBENCH_PASS_ENV: "FAKE_TOOL_LOG",
    });
  });

  it("started by the local platform sees no secret, and its own variables", async () => {
    Object.assign(process.env, SECRETS, WANTED);
    const set = new ProcessSet(newOwnerToken());
    const out = join(dir, "env.txt");
    try {
      const p = await set.start({
        name: "dump-1",
        class: "data-plane",
        command: "sh",
        args: ["-c", 'env > "$0"', out],
        env: { SIDECAR_SETTING: "on" },
        expectExit: true,
      });
      expect((await p.exit).code).toBe(0);
    } finally {
      await set.stopAll();
    }
    const seen = parseEnv(await readFile(out, "utf8"));
    for (const name of Object.keys(SECRETS)) expect(seen).not.toHaveProperty(name);
    expect(seen).toMatchObject({
      ...WANTED,
      SIDECAR_SETTING: "on",
      MESHBENCH_OWNER: set.token,
      MESHBENCH_PROCESS: "dump-1",
    });
  });
});
