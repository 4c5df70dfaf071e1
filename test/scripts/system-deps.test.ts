// The test setup's plan (scripts/system-deps.ts): which packages it installs where, and
// what it says when something stays missing. Pure: the machine is a parameter.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Host,
  installCommands,
  isCi,
  isOlderNode,
  missingMessage,
  SYSTEM_DEPENDENCIES,
  type SystemDependency,
  testsNotRun,
} from "../../scripts/system-deps.ts";

const byApt = (name: string): SystemDependency =>
  SYSTEM_DEPENDENCIES.find((d) => d.apt === name) ?? expect.unreachable(name);
const haproxy = byApt("haproxy");
const java = byApt("default-jre-headless");
const jar = byApt("libhdrhistogram-java");
const kubectl = SYSTEM_DEPENDENCIES.find((d) => !d.apt)!;

describe("the table of what the tests need", () => {
  it("installs exactly the packages of .ci/apt-packages", () => {
    const listed = readFileSync(".ci/apt-packages", "utf8").split(/\s+/).filter(Boolean);
    const apt = SYSTEM_DEPENDENCIES.flatMap((d) => (d.apt ? [d.apt] : []));
    expect(apt.toSorted()).toEqual(listed.toSorted());
  });

  it("names test files that exist", () => {
    for (const file of testsNotRun(SYSTEM_DEPENDENCIES)) expect(existsSync(file), file).toBe(true);
  });
});

describe("installCommands", () => {
  const root: Host = { apt: true, privilege: "root" };
  it("as root on Debian: apt-get update, then install each missing package once", () => {
    expect(installCommands([haproxy, java, jar, kubectl], root)).toEqual([
      ["apt-get", "update", "-qq"],
      [
        "apt-get",
        "install",
        "-y",
        "-qq",
        "haproxy",
        "default-jre-headless",
        "libhdrhistogram-java",
      ],
    ]);
  });

  it("with passwordless sudo: the same through sudo -n (never a password prompt)", () => {
    expect(installCommands([haproxy], { apt: true, privilege: "sudo" })).toEqual([
      ["sudo", "-n", "apt-get", "update", "-qq"],
      ["sudo", "-n", "apt-get", "install", "-y", "-qq", "haproxy"],
    ]);
  });

  it("nothing when nothing is missing, nothing has a package, or apt-get cannot be run", () => {
    expect(installCommands([], root)).toEqual([]);
    expect(installCommands([kubectl], root)).toEqual([]);
    expect(installCommands([haproxy], { apt: true, privilege: "none" })).toEqual([]);
    expect(installCommands([haproxy], { apt: false, privilege: "root" })).toEqual([]);
  });
});

describe("what the run says", () => {
  it("each test file left out once, even when two of its needs are missing", () => {
    expect(testsNotRun([java, jar])).toEqual([
      "test/histogram/hlog-java.test.ts",
      "test/interop/percentile-text.test.ts",
    ]);
    expect(testsNotRun([])).toEqual([]);
  });

  it("names what is missing, how to get it, and which test files do not run", () => {
    const message = missingMessage([haproxy, kubectl], false);
    expect(message).toBe(
      [
        "These tests do not run: this machine lacks what they need.",
        "  HAProxy (the local sidecar mesh): `haproxy` on the PATH not found. Get it: `sudo apt-get install -y haproxy` (Debian/Ubuntu), or brew install haproxy (macOS).",
        "    not run: test/platform/local.test.ts, test/platform/signals.test.ts, test/run/run-e2e.test.ts",
        "  kubectl (checks the fake API server against the real client): `kubectl` on the PATH not found. Get it: install kubectl as https://kubernetes.io/docs/tasks/tools/ says.",
        "    not run: test/platform/kubernetes/kubectl.test.ts",
        "npm test installs Debian packages itself as root or with passwordless sudo; or run `sudo apt-get install -y haproxy`.",
      ].join("\n"),
    );
  });

  it("under CI, says that CI runs every test; a file with an override names it", () => {
    const message = missingMessage([jar], true);
    expect(message.split("\n")[0]).toBe(
      "The tests need what this machine lacks, and CI runs every test:",
    );
    expect(message).toContain("/usr/share/java/hdrhistogram.jar (or $HDRHISTOGRAM_JAR) not found");
  });
});

it("isCi: CI=true or 1, as CI systems set it", () => {
  expect(isCi({ CI: "true" })).toBe(true);
  expect(isCi({ CI: "1" })).toBe(true);
  expect(isCi({ CI: "false" })).toBe(false);
  expect(isCi({})).toBe(false);
});

it("isOlderNode compares major, minor and patch as numbers", () => {
  expect(isOlderNode("20.20.2", "22.19.0")).toBe(true);
  expect(isOlderNode("v22.18.9", "22.19.0")).toBe(true);
  expect(isOlderNode("22.19.0", "22.19.0")).toBe(false);
  expect(isOlderNode("22.100.0", "22.19.0")).toBe(false);
  expect(isOlderNode("24.1.0", "22.19.0")).toBe(false);
});
