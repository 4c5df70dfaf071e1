// Capacity in the exports: a results directory with a capacity search (capacity.json as
// `meshbench capacity` writes it, validated by its schema) carries each answer that has a
// number in Bencher's `capacity` measure, github-action-benchmark's customBiggerIsBetter and
// an OpenMetrics gauge (promtool accepts it); without a search, no capacity anywhere.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CapacityFile, writeCapacityFile } from "../../src/results/capacity-file.ts";
import { runMeshbench as meshbench, runProcess } from "../helpers/process.ts";
import { knownResultsDir } from "./known-runs.ts";

const probe = (rate: number, passed: boolean, confirm = false) => ({
  rate,
  confirm,
  passed,
  instrumentLimited: false,
  broken: passed ? [] : ["p99 <= 100ms: was 250.000 ms"],
  dir: `p${rate}`,
});

/** linkerd held 1000 rps and failed at 1050; bare held the search's max; istio held nothing. */
const SEARCH: CapacityFile = {
  schema: "meshbench/capacity/v1",
  scenario: "smoke",
  slo: ["p99 <= 100ms"],
  minRate: 100,
  maxRate: 5000,
  precision: "5%",
  probeMs: 60_000,
  confirmMs: 180_000,
  meshes: [
    {
      mesh: { name: "bare" },
      kind: "at-least",
      rate: 5000,
      limit: "max",
      bracket: { held: 5000, failed: null },
      probes: [probe(5000, true), probe(5000, true, true)],
    },
    {
      mesh: { name: "linkerd", version: "2.16.0" },
      kind: "capacity",
      rate: 1000,
      bracket: { held: 1000, failed: 1050 },
      probes: [probe(1000, true), probe(1050, false), probe(1000, true, true)],
    },
    {
      mesh: { name: "istio", version: "1.24.0" },
      kind: "none",
      rate: null,
      bracket: { held: null, failed: 100 },
      probes: [probe(100, false)],
    },
  ],
};

let plain: string;
let withCapacity: string;
let capacityOnly: string;
beforeAll(async () => {
  plain = await knownResultsDir();
  withCapacity = await knownResultsDir();
  await writeCapacityFile(join(withCapacity, "smoke-capacity"), SEARCH);
  capacityOnly = await mkdtemp(join(tmpdir(), "meshbench-capacity-only-"));
  await writeCapacityFile(join(capacityOnly, "smoke-capacity"), SEARCH);
});

async function exported(dir: string, format: string, ...more: string[]): Promise<string> {
  const outcome = await meshbench(["export", dir, "--format", format, ...more]);
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  return outcome.stdout;
}

type Bmf = Record<
  string,
  Record<string, { value: number; lower_value?: number; upper_value?: number }>
>;
type Entries = { name: string; unit: string; value: number; range: string; extra: string }[];

describe("capacity in the exports", () => {
  it("bencher: measure capacity (rps) bounded by the bracket; an at-least answer has no upper_value", async () => {
    const bmf = JSON.parse(await exported(withCapacity, "bencher")) as Bmf;
    expect(bmf["smoke/linkerd"]!.capacity).toEqual({
      value: 1000,
      lower_value: 1000,
      upper_value: 1050,
    });
    expect(bmf["smoke/bare"]!.capacity).toEqual({ value: 5000, lower_value: 5000 });
    // The runs' measures stay beside it; istio's "none" has no number, so no benchmark.
    expect(bmf["smoke/linkerd"]!["p99-latency"]).toBeDefined();
    expect(Object.keys(bmf)).toEqual(["smoke/bare", "smoke/linkerd"]);
  });

  it("customBiggerIsBetter: an entry in rps whose range is the bracket and extra says what it is", async () => {
    const bigger = JSON.parse(await exported(withCapacity, "customBiggerIsBetter")) as Entries;
    const capacity = bigger.filter((e) => e.name.endsWith(" capacity"));
    expect(capacity).toEqual([
      {
        name: "smoke/bare capacity",
        unit: "rps",
        value: 5000,
        range: "≥ 5000",
        extra: "at least 5000 rps: held at the search's max; SLO p99 <= 100ms",
      },
      {
        name: "smoke/linkerd capacity",
        unit: "rps",
        value: 1000,
        range: "1000 – 1050",
        extra: "capacity: held 1000 rps, failed 1050 rps; SLO p99 <= 100ms; mesh version 2.16.0",
      },
    ]);
    const smaller = JSON.parse(await exported(withCapacity, "customSmallerIsBetter")) as Entries;
    expect(smaller.some((e) => e.name.includes("capacity"))).toBe(false);
  });

  it("openmetrics: a gauge per mesh with its kind, accepted by promtool", async () => {
    const text = await exported(withCapacity, "openmetrics");
    const gauge = text.split("\n").filter((l) => l.startsWith("meshbench_capacity_"));
    expect(gauge).toEqual([
      'meshbench_capacity_requests_per_second{scenario="smoke",mesh="bare",version="",kind="at-least"} 5000',
      'meshbench_capacity_requests_per_second{scenario="smoke",mesh="linkerd",version="2.16.0",kind="capacity"} 1000',
    ]);
    expect(text).toContain("# TYPE meshbench_capacity_requests_per_second gauge\n");
    const file = join(await mkdtemp(join(tmpdir(), "meshbench-om-capacity-")), "metrics.txt");
    await writeFile(file, text);
    const check = await runProcess("sh", ["-c", `promtool check metrics < "${file}"`]);
    expect(check.stdout + check.stderr).toBe("");
    expect(check.code).toBe(0);
  });

  it("without a capacity search no export names capacity", async () => {
    for (const format of ["bencher", "customBiggerIsBetter", "openmetrics"]) {
      expect(await exported(plain, format)).not.toMatch(/capacity/);
    }
  });

  it("a search alone exports its answers; --mesh picks among them; run-only formats say why not", async () => {
    const bmf = JSON.parse(await exported(capacityOnly, "bencher", "--mesh", "linkerd")) as Bmf;
    expect(bmf).toEqual({
      "smoke/linkerd": { capacity: { value: 1000, lower_value: 1000, upper_value: 1050 } },
    });
    const hdr = await meshbench(["export", capacityOnly, "--format", "hdr"]);
    expect(hdr.code).toBe(2);
    expect(hdr.stderr).toContain("capacity answers only");
  });
});
