// Which program the local platform runs as its load generator: the standalone one beside
// the running bundle when it is there, the CLI otherwise, the source entry from src/.
import { describe, expect, it } from "vitest";
import { loadgenCommandFor } from "../../src/platform/local/self.ts";

const node = "/usr/bin/node";

describe("loadgenCommandFor", () => {
  it("runs dist/loadgen.js when it sits beside the running bundle", () => {
    const seen: string[] = [];
    const command = loadgenCommandFor({
      bundled: true,
      moduleUrl: "file:///opt/meshbench/dist/cli.js",
      exists: (path) => {
        seen.push(path);
        return path === "/opt/meshbench/dist/loadgen.js";
      },
      execPath: node,
    });
    expect(command).toEqual({ command: node, args: ["/opt/meshbench/dist/loadgen.js"] });
    expect(seen).toEqual(["/opt/meshbench/dist/loadgen.js"]);
  });

  it.each([
    {
      what: "falls back to the CLI's loadgen command when the bundle came without it",
      bundled: true,
      moduleUrl: "file:///opt/meshbench/dist/action.js",
      exists: false,
      args: ["/opt/meshbench/dist/cli.js", "loadgen"],
    },
    {
      what: "runs src/cli/loadgen-main.ts (what dist/loadgen.js is built from) from sources",
      bundled: false,
      moduleUrl: "file:///repo/src/platform/local/self.ts",
      exists: true,
      args: ["/repo/src/cli/loadgen-main.ts"],
    },
  ])("$what", ({ bundled, moduleUrl, exists, args }) => {
    expect(loadgenCommandFor({ bundled, moduleUrl, exists: () => exists, execPath: node })).toEqual(
      { command: node, args },
    );
  });
});
