// The workflows are examples users paste: every step of this Action that names a scenario
// must name one that exists and loads, and a matrix of meshes must list that scenario's
// meshes — a typo there only shows on someone's first CI run otherwise.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadScenario } from "../../src/scenario/load.ts";
import { thresholdSpecProblems } from "./thresholds-of.ts";

const root = join(import.meta.dirname, "../..");

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  "timeout-minutes"?: number;
  strategy?: { matrix?: { mesh?: string[] } };
  steps?: Step[];
}

async function meshbenchSteps() {
  const out: { file: string; job: Job; step: Step }[] = [];
  for (const dir of [".github/workflows", "examples/workflows"]) {
    for (const name of await readdir(join(root, dir))) {
      const file = join(dir, name);
      const workflow = parse(await readFile(join(root, file), "utf8")) as {
        jobs: Record<string, Job>;
      };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses === "./" || step.uses?.startsWith("meshbench/meshbench@"))
            out.push({ file, job, step });
        }
      }
    }
  }
  return out;
}

describe("scenarios the workflows use", () => {
  it("exist, load, and have every mesh of the job's matrix; thresholds parse", async () => {
    const steps = await meshbenchSteps();
    expect(steps.length).toBeGreaterThan(10);
    for (const { file, job, step } of steps) {
      const path = step.with?.scenario;
      expect(path, `${file}: a meshbench step without a scenario`).toBeTruthy();
      if (path!.includes("${{")) continue;
      const { scenario } = await loadScenario(join(root, path!));
      for (const mesh of job.strategy?.matrix?.mesh ?? []) {
        expect(
          scenario.meshes.map((m) => m.name),
          `${file}: matrix mesh ${mesh} in ${path}`,
        ).toContain(mesh);
      }
      expect(thresholdSpecProblems(step.with?.thresholds, root), `${file}: thresholds`).toEqual([]);
    }
  });

  it("a job that reports is bounded in time (it reads artifacts anyone can upload)", async () => {
    for (const { file, job, step } of await meshbenchSteps()) {
      if (step.with?.command !== "report") continue;
      expect(job["timeout-minutes"], `${file}: timeout-minutes of the report job`).toBeGreaterThan(
        0,
      );
      expect(job["timeout-minutes"]).toBeLessThanOrEqual(60);
    }
  });
});
