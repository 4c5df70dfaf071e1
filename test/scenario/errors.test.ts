// Bad scenario and mesh definition files get one line per problem: file:line:col, the
// field, what is wrong and what is allowed. The expected messages are golden files
// (test/golden/…): a wording change shows up as a diff to review.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMeshDefinition } from "../../src/mesh/load.ts";
import { loadScenarioPlan } from "../../src/run/scenario-plan.ts";
import { parseScenario } from "../../src/scenario/load.ts";
import { ConfigError } from "../../src/scenario/problems.ts";
import { expectGolden } from "../helpers/golden.ts";

const SCENARIOS = "test/fixtures/scenarios/bad";
const MESHES = "test/fixtures/meshes/bad";

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return `${(error as Error).message}\n`;
  }
  throw new Error("expected a ConfigError, but the file was accepted");
}

describe("bad scenario files", () => {
  // unknown-mesh.yaml is valid on its own; its problem shows when meshes are resolved.
  const files = readdirSync(SCENARIOS).filter((f) => f !== "unknown-mesh.yaml");

  it.each(files)("%s", (name) => {
    const file = join(SCENARIOS, name);
    const message = errorOf(() => parseScenario(file, readFileSync(file, "utf8")));
    for (const line of message.trimEnd().split("\n")) {
      expect(line).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: `));
    }
    expectGolden(`scenario-errors/${name.replace(/\.yaml$/, ".txt")}`, message);
  });

  it("unknown-mesh.yaml: names the unknown mesh where it is written, with a did-you-mean", async () => {
    const error = await loadScenarioPlan(join(SCENARIOS, "unknown-mesh.yaml"), {
      meshDirs: ["scenarios/meshes"],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expectGolden("scenario-errors/unknown-mesh.txt", `${(error as Error).message}\n`);
  });
});

describe("bad mesh definition files", () => {
  it.each(readdirSync(MESHES))("%s", (name) => {
    const file = join(MESHES, name);
    const message = errorOf(() => parseMeshDefinition(file, readFileSync(file, "utf8")));
    expectGolden(`mesh-errors/${name.replace(/\.yaml$/, ".txt")}`, message);
  });
});
