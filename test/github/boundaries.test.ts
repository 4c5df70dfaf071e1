// The dependency rule of DESIGN.md: src/github/ is the only code that imports @actions/*.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { takeSecretInput } from "../../src/github/runtime.ts";
import { maskSecret } from "../../src/github/secrets.ts";
import { captureStdout } from "../helpers/github-env.ts";

const src = join(import.meta.dirname, "../../src");

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("boundaries", () => {
  it("only src/github/ imports @actions/*", async () => {
    const offenders: string[] = [];
    for (const file of await sources(src)) {
      const rel = relative(src, file);
      if (rel.startsWith("github/")) continue;
      if (/from\s+["']@actions\//.test(await readFile(file, "utf8"))) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});

describe("takeSecretInput", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("masks the value and removes it from the environment child processes inherit", () => {
    vi.stubEnv("INPUT_KUBECONFIG", "users:\n- name: x\n  user: {token: abcdefgh12345678}\n");
    const out = captureStdout();
    const value = takeSecretInput("kubeconfig", maskSecret);
    out.stop();
    expect(value).toContain("abcdefgh12345678");
    expect(out.text()).toMatch(/^::add-mask::/m);
    expect(process.env.INPUT_KUBECONFIG).toBeUndefined();
  });
});
