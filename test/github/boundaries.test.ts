// takeSecretInput: a secret input masked and kept from child processes. (Which rooms may
// import @actions/* is checked with the other room rules in test/architecture/.)
import { afterEach, describe, expect, it, vi } from "vitest";
import { takeSecretInput } from "../../src/github/runtime.ts";
import { maskSecret } from "../../src/github/secrets.ts";
import { captureStdout } from "../helpers/github-env.ts";

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
