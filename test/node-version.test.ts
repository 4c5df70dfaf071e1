// An older Node (the distribution's: /usr/bin/node, Node 20 on this machine; $OLD_NODE
// points elsewhere) running any bundle gets one line saying which Node is needed and how to
// get it, and exit 1: no stack trace, no page of minified code. The check is the bundles'
// first statement, so it runs before any bundled library can fail on the old Node.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MIN_NODE } from "../scripts/bundle-options.ts";
import { olderNode } from "../scripts/system-probe.ts";

const node = olderNode();

describe(`dist/*.js on a Node older than ${MIN_NODE}`, () => {
  it.each([
    ["cli.js", ["--help"]],
    ["loadgen.js", ["--help"]],
    ["action.js", []],
    ["post.js", []],
  ])("%s says in one line which Node it needs, and exits 1", (file, args) => {
    if (!node) throw new Error(`no Node older than ${MIN_NODE} at $OLD_NODE or /usr/bin/node`);
    const version = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" });
    const r = spawnSync(node, [`dist/${file}`, ...args], { encoding: "utf8", timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `meshbench needs Node.js ${MIN_NODE} or newer; this is Node.js ${version.stdout.trim()}. Get Node 24 LTS from https://nodejs.org/ or with nvm: nvm install 24\n`,
    );
  });
});

it("package.json's engines asks for the same Node as the bundles", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  expect(pkg.engines.node).toBe(`>=${MIN_NODE}`);
});
