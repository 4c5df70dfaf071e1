import { mkdir, mkdtemp, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_RUN_FILE_BYTES } from "../../src/results/caps.ts";
import { readResults } from "../../src/results/results-dir.ts";
import { serializeRun, writeRun } from "../../src/results/run-file.ts";
import {
  constantResources,
  loadResult,
  meshContainers,
  runResult,
  uniformHistogram,
} from "../helpers/runs.ts";

let dir: string;
const run = (name: string, repetition: number) =>
  runResult({
    mesh: { name },
    repetition,
    load: loadResult({ histogram: uniformHistogram(100, 300) }),
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "meshbench-results-"));
  await writeRun(join(dir, "smoke/bare/r1"), run("bare", 1), "#log\n");
  await writeRun(join(dir, "smoke/bare/r2"), run("bare", 2));
  // Damaged: cut short in the middle of writing.
  await mkdir(join(dir, "smoke/istio/r1"), { recursive: true });
  await writeFile(
    join(dir, "smoke/istio/r1/run.json"),
    serializeRun(run("istio", 1)).slice(0, 300),
  );
  // Foreign: some other tool's run.json.
  await mkdir(join(dir, "smoke/other/r1"), { recursive: true });
  await writeFile(join(dir, "smoke/other/r1/run.json"), JSON.stringify({ schema: "othertool/v3" }));
  // From a future meshbench.
  await mkdir(join(dir, "smoke/future/r1"), { recursive: true });
  await writeFile(
    join(dir, "smoke/future/r1/run.json"),
    JSON.stringify({ ...run("future", 1), schema: "meshbench/run/v3" }),
  );
  // Per-pod logs are not runs.
  await mkdir(join(dir, "smoke/bare/r1/pods"), { recursive: true });
  await writeFile(join(dir, "smoke/bare/r1/pods/run.json"), "not a run");
  // The same run copied elsewhere.
  await writeRun(join(dir, "zz-copy/bare/r1"), run("bare", 1));
});

describe("reading results directories", () => {
  it("reads every good run and reports each bad file by path, without failing", async () => {
    const set = await readResults([dir, join(dir, "does-not-exist")]);
    expect(set.runs.map((r) => `${r.run.mesh.name} r${r.run.repetition}`)).toEqual([
      "bare r1",
      "bare r2",
    ]);
    expect(set.runs[0]!.hlogPath).toBe(join(dir, "smoke/bare/r1/latency.hlog"));
    expect(set.runs[1]!.hlogPath).toBeNull();
    const problems = set.problems.join("\n");
    expect(problems).toContain(`${join(dir, "smoke/istio/r1/run.json")}: damaged, not valid JSON`);
    expect(problems).toContain(
      `${join(dir, "smoke/other/r1/run.json")}: not a meshbench run file (schema "othertool/v3"`,
    );
    expect(problems).toContain(
      `${join(dir, "smoke/future/r1/run.json")}: schema "meshbench/run/v3" is refused`,
    );
    expect(problems).toContain(
      `${join(dir, "zz-copy/bare/r1/run.json")}: skipped, same scenario "smoke", mesh "bare" and repetition 1 as ${join(dir, "smoke/bare/r1/run.json")}`,
    );
    expect(problems).toContain(`${join(dir, "does-not-exist")}: cannot read results`);
    expect(problems).not.toContain("pods");
    expect(set.problems).toHaveLength(5);
  });
});

describe("reading for a report", () => {
  it("can release the resource samples and keep the per-run figures", async () => {
    const withSamples = await mkdtemp(join(tmpdir(), "meshbench-samples-"));
    const resources = constantResources(meshContainers(1), 30);
    await writeRun(
      join(withSamples, "s/istio/r1"),
      runResult({
        mesh: { name: "istio" },
        repetition: 1,
        load: loadResult({ histogram: uniformHistogram(1, 9) }),
        resources,
      }),
    );
    const kept = await readResults([withSamples]);
    expect(kept.runs[0]!.run.resources!.sampledAtMs).toHaveLength(30);
    const dropped = await readResults([withSamples], { dropSamples: true });
    expect(dropped.runs[0]!.run.resources!.sampledAtMs).toEqual([]);
    expect(dropped.runs[0]!.run.resources!.usage).toEqual({});
    expect(dropped.runs[0]!.run.resources!.perRun).toEqual(resources.perRun);
  });
});

describe("runs of identical clusters at several sites", () => {
  it("keeps both sites' r1 (they pool as repetitions) but still refuses a copy of one", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshbench-sites-"));
    const at = (site: string) => {
      const r = run("bare", 1);
      return { ...r, platform: { ...r.platform, site } };
    };
    await writeRun(join(root, "west/bare/r1"), at("us-west-2"));
    await writeRun(join(root, "east/bare/r1"), at("us-east-1"));
    await writeRun(join(root, "west-copy/bare/r1"), at("us-west-2"));
    const set = await readResults([root]);
    expect(set.runs.map((r) => r.run.platform.site).sort()).toEqual(["us-east-1", "us-west-2"]);
    expect(set.problems.join("\n")).toContain("and repetition 1 at site us-west-2 as");
  });
});

describe("a run file too large to be honest", () => {
  it("is skipped unread and named, and the other runs are still read", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshbench-huge-"));
    await writeRun(join(root, "smoke/bare/r1"), run("bare", 1));
    // Sparse: as large as a hostile upload, without the disk or the time to write it.
    await mkdir(join(root, "smoke/istio/r1"), { recursive: true });
    const huge = join(root, "smoke/istio/r1/run.json");
    await writeFile(huge, "");
    await truncate(huge, MAX_RUN_FILE_BYTES + 1);
    const set = await readResults([root]);
    expect(set.runs.map((r) => r.run.mesh.name)).toEqual(["bare"]);
    expect(set.problems).toEqual([
      `${huge}: skipped unread, ${MAX_RUN_FILE_BYTES + 1} bytes is more than a run file may hold (${MAX_RUN_FILE_BYTES})`,
    ]);
  });
});
