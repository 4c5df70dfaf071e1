import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MAX_EVENTS,
  MAX_HISTOGRAM_CHARS,
  MAX_NAME_CHARS,
  MAX_TEXT_CHARS,
  MAX_URLS,
} from "../../src/results/caps.ts";
import { parseRun, serializeRun, writeRun } from "../../src/results/run-file.ts";
import { RUN_SCHEMA } from "../../src/results/run-version.ts";
import { summarize } from "../../src/stats/summarize.ts";
import { encodedHistogram, zipBombHistogram } from "../helpers/hostile.ts";
import { expectFigures } from "../helpers/resources.ts";
import { loadResult, runResult, uniformHistogram } from "../helpers/runs.ts";

const V1_FIXTURE = new URL("../fixtures/runs/v1-local.run.json", import.meta.url);

const run = () =>
  runResult({
    mesh: { name: "istio", version: "1.24.0" },
    repetition: 1,
    load: loadResult({ histogram: uniformHistogram(100, 200) }),
  });

describe("run.json", () => {
  it("reads back exactly what was written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "meshbench-run-"));
    const original = run();
    const path = await writeRun(join(dir, "smoke/istio/r1"), original, "#hlog\n");
    const parsed = parseRun(await readFile(path, "utf8"), path);
    expect(parsed).toEqual({ ok: true, run: original });
    expect(await readFile(join(dir, "smoke/istio/r1/latency.hlog"), "utf8")).toBe("#hlog\n");
  });

  it("refuses to write an invalid run, naming the field", () => {
    const bad = { ...run(), repetition: 0 };
    expect(() => serializeRun(bad)).toThrow(/refusing to write an invalid run\.json: repetition:/);
  });

  it("requires load results of a run that completed", () => {
    const parsed = parseRun(JSON.stringify({ ...run(), load: null }), "x/run.json");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(
      /^x\/run\.json: damaged run file: load: a run with status ok/,
    );
  });

  it("accepts a failed run without load results", () => {
    const failed = {
      ...run(),
      load: null,
      status: { state: "failed" as const, reason: "istiod never became ready", phase: "install" },
    };
    expect(parseRun(serializeRun(failed), "r/run.json")).toEqual({ ok: true, run: failed });
  });

  it("reports damaged JSON by path", () => {
    const text = serializeRun(run()).slice(0, 200);
    const parsed = parseRun(text, "results/s/istio/r1/run.json");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(
      /^results\/s\/istio\/r1\/run\.json: damaged, not valid JSON/,
    );
  });

  it("names the failing fields of a file that is JSON but not a valid run", () => {
    const data = run() as unknown as { load: { achieved: { rate: unknown } } };
    data.load.achieved.rate = "fast";
    const parsed = parseRun(JSON.stringify(data), "a/run.json");
    expect(!parsed.ok && parsed.problem).toMatch(
      /^a\/run\.json: damaged run file: load\.achieved\.rate: .*number/,
    );
  });

  it("reports a compressed histogram that does not decode as damaged, naming the field", () => {
    // Right shape, wrong content: base64 of bytes that are not a zlib stream, and a cut one.
    const notZlib = Buffer.from("HISTFAAA this is not deflate data").toString("base64");
    const good = run();
    const cut = good.load!.histogram.slice(0, 40);
    const url = Object.keys(good.load!.paths)[0]!;
    const cases: [string, (r: ReturnType<typeof run>) => void][] = [
      ["load.histogram", (r) => (r.load!.histogram = notZlib)],
      ["load.errorHistogram", (r) => (r.load!.errorHistogram = cut)],
      [`load.paths.${url}.histogram`, (r) => (r.load!.paths[url]!.histogram = "")],
    ];
    for (const [field, damage] of cases) {
      const data = run();
      damage(data);
      const parsed = parseRun(JSON.stringify(data), "g/run.json");
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.problem).toContain(
        `g/run.json: damaged run file: ${field}: not a compressed HdrHistogram that decodes (`,
      );
      expect(() => serializeRun(data)).toThrow(`refusing to write an invalid run.json: ${field}:`);
    }
  });

  it("refuses a zip bomb or a foreign layout in a histogram, naming the file and field", () => {
    const bomb = run();
    bomb.load!.histogram = zipBombHistogram(16 * 1024 * 1024);
    const parsed = parseRun(JSON.stringify(bomb), "fork/run.json");
    expect(!parsed.ok && parsed.problem).toContain(
      "fork/run.json: damaged run file: load.histogram: not a compressed HdrHistogram that decodes (inflates beyond",
    );
    const foreign = run();
    foreign.load!.errorHistogram = encodedHistogram(Buffer.from([2]), {
      digits: 5,
      lowest: 1,
      highest: 3_600_000_000,
    });
    const other = parseRun(JSON.stringify(foreign), "fork/run.json");
    expect(!other.ok && other.problem).toContain(
      "load.errorHistogram: not a compressed HdrHistogram that decodes (range 1..3600000000 µs with 5 significant digits is not meshbench's",
    );
  });

  it("refuses arrays and strings past their caps, naming the field", () => {
    const cases: [string, (r: ReturnType<typeof run>) => void][] = [
      [
        "events: Too big",
        (r) => {
          const event = { atMs: 1, kind: "other" as const, container: "c" };
          r.events = Array.from({ length: MAX_EVENTS + 1 }, () => event);
        },
      ],
      ["mesh.name: Too big", (r) => (r.mesh.name = "m".repeat(MAX_NAME_CHARS + 1))],
      [
        "status.reason: Too big",
        (r) => (r.status = { state: "failed", reason: "x".repeat(MAX_TEXT_CHARS + 1) }),
      ],
      [
        "load.target.urls: Too big",
        (r) => (r.load!.target.urls = Array.from({ length: MAX_URLS + 1 }, (_, i) => `/${i}`)),
      ],
      ["load.histogram: Too big", (r) => (r.load!.histogram = "A".repeat(MAX_HISTOGRAM_CHARS + 1))],
    ];
    for (const [issue, damage] of cases) {
      const data = run();
      damage(data);
      const parsed = parseRun(JSON.stringify(data), "fork/run.json");
      expect(!parsed.ok && parsed.problem).toContain(`fork/run.json: damaged run file: ${issue}`);
    }
  });

  it("tells a foreign file from a damaged one", () => {
    const loadgen = parseRun(
      JSON.stringify(loadResult({ histogram: uniformHistogram(1, 10) })),
      "b/run.json",
    );
    expect(!loadgen.ok && loadgen.problem).toBe(
      'b/run.json: not a meshbench run file (schema "meshbench/loadgen/v1"; expected "meshbench/run/v2")',
    );
    const none = parseRun("[1, 2]", "c/run.json");
    expect(!none.ok && none.problem).toMatch(
      /^c\/run\.json: not a meshbench run file \(no "schema" field/,
    );
  });

  it("refuses another major version by name", () => {
    const v3 = parseRun(JSON.stringify({ ...run(), schema: "meshbench/run/v3" }), "d/run.json");
    expect(!v3.ok && v3.problem).toMatch(
      /^d\/run\.json: schema "meshbench\/run\/v3" is refused: meshbench .* reads only "meshbench\/run\/v2" and "meshbench\/run\/v1"; it was written by a newer meshbench/,
    );
    const odd = parseRun(JSON.stringify({ ...run(), schema: "meshbench/run/next" }), "e/run.json");
    expect(!odd.ok && odd.problem).toMatch(/schema "meshbench\/run\/next" is refused/);
  });

  it("ignores fields it does not know (additions keep the schema id)", () => {
    const parsed = parseRun(JSON.stringify({ ...run(), addedLater: { x: 1 } }), "f/run.json");
    expect(parsed.ok).toBe(true);
  });

  describe("of schema v1 (before per-run CPU was a mean)", () => {
    // Samples 1 s apart from 1 s before the measured period (4 s) to its end; v1's perRun
    // held peaks (application 0.5 cores).
    it("is read as v2, its per-run figures computed again from the samples it kept", async () => {
      const parsed = parseRun(await readFile(V1_FIXTURE, "utf8"), "old/run.json");
      if (!parsed.ok) throw new Error(parsed.problem);
      const { resources } = parsed.run;
      expect(parsed.run.schema).toBe(RUN_SCHEMA);
      // Locally a v1 CPU sample was the /proc delta since the previous sample: the readings
      // inside the period are 0.4, 0.5, 0.3, 0.2 (application) and 0.2, 0.1, 0.25, 0.05.
      expectFigures(resources!.perRun.application, {
        cpuCores: 1.4 / 4,
        cpuPeakCores: 0.5,
        memoryBytes: 200,
        containers: 1,
      });
      expect(resources!.perRun.dataPlane.cpuCores).toBeCloseTo(0.6 / 4, 12);
      // Classes v1 wrote as 0 with no container are absent.
      expect(resources!.perRun.controlPlane).toEqual({ containers: 0 });
      // The report reads it like any other run.
      const { metrics } = summarize([{ path: "old/run.json", run: parsed.run }])[0]!.meshes[0]!;
      expect(metrics["cpu.application"]!.median).toBeCloseTo(0.35, 12);
      expect(metrics["memory.dataPlane"]!.median).toBe(60);
    });

    it("names what is wrong in a damaged one rather than throw", async () => {
      const data = JSON.parse(await readFile(V1_FIXTURE, "utf8"));
      data.resources.containers[0].class = "sidecar";
      const parsed = parseRun(JSON.stringify(data), "old/run.json");
      expect(!parsed.ok && parsed.problem).toMatch(
        /^old\/run\.json: damaged run file: resources\.containers\.0\.class: /,
      );
    });

    it("keeps no CPU of a cluster run: its readings' own interval was not recorded", async () => {
      const data = JSON.parse(await readFile(V1_FIXTURE, "utf8"));
      data.platform = { kind: "kubernetes", nodes: { count: 3, types: ["m5.large"] } };
      const parsed = parseRun(JSON.stringify(data), "old/run.json");
      if (!parsed.ok) throw new Error(parsed.problem);
      expect(parsed.run.resources!.perRun.application).toEqual({ memoryBytes: 200, containers: 1 });
    });
  });
});
