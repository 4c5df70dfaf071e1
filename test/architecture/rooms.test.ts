// The room rule of ARCHITECTURE.md, checked over the real import graph of src/.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  importCycles,
  importsOf,
  layoutViolations,
  parseLayout,
  readSources,
  roomOf,
} from "../helpers/import-graph.ts";

const repo = join(import.meta.dirname, "../..");

describe("the rooms of src/", async () => {
  const ranks = parseLayout(await readFile(join(repo, "ARCHITECTURE.md"), "utf8"));
  const files = await readSources(join(repo, "src"));
  const imports = importsOf(files);

  it("reads the layout table and the imports (the checks below are not vacuous)", () => {
    expect(ranks.get("cli")).toBeGreaterThan(ranks.get("run")!);
    expect(ranks.get("kube")).toBeLessThan(ranks.get("provision")!);
    expect(imports.length).toBeGreaterThan(500);
  });

  it("places every room of src/ in the table, and names no room that does not exist", () => {
    const rooms = new Set([...files.keys()].map(roomOf));
    expect([...rooms].filter((r) => !ranks.has(r))).toEqual([]);
    expect([...ranks.keys()].filter((r) => !rooms.has(r))).toEqual([]);
  });

  it("imports only downward", () => {
    expect(layoutViolations(imports, ranks)).toEqual([]);
  });

  it("keeps the field's heavy clients in their rooms: @actions/* in github/, client-node near the cluster", () => {
    const importers = (pkg: RegExp) =>
      [...files]
        .filter(([, text]) => new RegExp(`from\\s+["']${pkg.source}`).test(text))
        .map(([path]) => roomOf(path));
    expect(new Set(importers(/@actions\//))).toEqual(new Set(["github"]));
    // dist/cli.js stays small: Kubernetes clients load only with dist/kubernetes.js.
    expect([...new Set(importers(/@kubernetes\/client-node|kubernetes-models/))].sort()).toEqual([
      "kube",
      "platform/kubernetes",
      "provision",
      "workload",
    ]);
  });

  it("has no import cycle, not even a type-only one inside a room", () => {
    expect(importCycles(imports).map((c) => c.join(" → "))).toEqual([]);
  });
});

describe("the checker", () => {
  const ranks = parseLayout(
    "| level | rooms |\n|---|---|\n| 2 | `cli/` | x |\n| 1 | `provision/`, `platform/kubernetes/` | y |\n| 0 | `kube/` | z |\n",
  );

  it("flags a wrong-way import, a sideways one, and a room the table does not know", () => {
    const files = new Map([
      ["kube/client.ts", 'import { x } from "../cli/main.ts";\n'],
      [
        "provision/kind.ts",
        'import type { Y } from "../platform/kubernetes/names.ts";\nimport { c } from "../kube/client.ts";\n',
      ],
      [
        "cli/main.ts",
        'import {\n  a,\n  b,\n} from "../kube/client.ts";\nimport "../secret/thing.ts";\n',
      ],
    ]);
    expect(layoutViolations(importsOf(files), ranks)).toEqual([
      "kube/client.ts → cli/main.ts: kube (0) may not import cli (2)",
      "provision/kind.ts → platform/kubernetes/names.ts: provision (1) may not import platform/kubernetes (1)",
      "secret/thing.ts: room secret is not in the layout table",
    ]);
  });

  it("finds a cycle through type-only imports", () => {
    const files = new Map([
      ["stats/a.ts", 'import type { B } from "./b.ts";\n'],
      ["stats/b.ts", 'import { a } from "./a.ts";\n'],
      ["stats/c.ts", 'import { a } from "./a.ts";\n'],
    ]);
    expect(importCycles(importsOf(files))).toEqual([["stats/a.ts", "stats/b.ts", "stats/a.ts"]]);
  });
});
