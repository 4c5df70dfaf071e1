// Bencher Metric Format and github-action-benchmark's custom JSON, as `meshbench export`
// writes them, against figures known beforehand (known-runs.ts): the median run's value,
// the lowest and highest run's as the range, in the units the README names.
import { beforeAll, describe, expect, it } from "vitest";
import { runMeshbench as meshbench } from "../helpers/process.ts";
import {
  CONTROL_BYTES,
  CONTROL_CORES,
  knownResultsDir,
  LINKERD_LO,
  MEASURED_S,
  PROXY_BYTES,
  PROXY_CORES,
  percentileOf,
  RESPONSES,
} from "./known-runs.ts";

// 3 significant digits: a value is within 0.1 % of what was recorded (HDR's precision).
const HDR = 1e-3;
const near = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative + 1e-9);

let dir: string;
beforeAll(async () => {
  dir = await knownResultsDir();
});

async function exported(format: string): Promise<unknown> {
  const outcome = await meshbench(["export", dir, "--format", format]);
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  return JSON.parse(outcome.stdout);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * linkerd's cost over bare per run at OpenCost's default prices, by hand: 0.02 cores of
 * control plane and 0.16, 0.18, 0.20 of proxies, 90 + 40 + 30 = 160 MiB (bare has neither):
 * (cores × $0.031611 + 160/1024 GiB × $0.004237) an hour, over 2,001/54 rps × 3,600 s =
 * 0.1334 million requests an hour.
 */
const LINKERD_USD_PER_MILLION = [0.0476163, 0.0523556, 0.0570948] as const;

describe("export --format bencher", () => {
  it("has a benchmark per scenario and mesh (no version) with each measure's median and run range", async () => {
    const bmf = (await exported("bencher")) as Record<
      string,
      Record<string, { value: number; lower_value: number; upper_value: number }>
    >;
    expect(Object.keys(bmf)).toEqual(["smoke/bare", "smoke/linkerd"]);
    // BMF's JSON schema: every metric has a number value; the bounds hold it.
    for (const measures of Object.values(bmf)) {
      for (const m of Object.values(measures)) {
        expect(Number.isFinite(m.value)).toBe(true);
        expect(m.lower_value).toBeLessThanOrEqual(m.value);
        expect(m.upper_value).toBeGreaterThanOrEqual(m.value);
      }
    }
    const linkerd = bmf["smoke/linkerd"]!;
    expect(Object.keys(linkerd)).toEqual([
      "p50-latency",
      "p99-latency",
      "p999-latency",
      "throughput",
      "data-plane-cpu",
      "data-plane-memory",
      "control-plane-cpu",
      "control-plane-memory",
      "usd-per-million-requests",
    ]);
    for (const [slug, q] of [
      ["p50-latency", 0.5],
      ["p99-latency", 0.99],
      ["p999-latency", 0.999],
    ] as const) {
      // ns; runs 1, 2, 3 are 100 µs apart, so run 2 is the median.
      const ns = LINKERD_LO.map((lo) => percentileOf(lo, q) * 1000);
      near(linkerd[slug]!.value, ns[1]!, HDR);
      near(linkerd[slug]!.lower_value, ns[0]!, HDR);
      near(linkerd[slug]!.upper_value, ns[2]!, HDR);
    }
    expect(linkerd.throughput!.value).toBeCloseTo(RESPONSES / MEASURED_S, 9);
    const proxies = PROXY_CORES.map(sum);
    near(linkerd["data-plane-cpu"]!.value, proxies[1]!, 1e-9);
    near(linkerd["data-plane-cpu"]!.lower_value, proxies[0]!, 1e-9);
    near(linkerd["data-plane-cpu"]!.upper_value, proxies[2]!, 1e-9);
    expect(linkerd["data-plane-memory"]!.value).toBe(sum(PROXY_BYTES));
    near(linkerd["control-plane-cpu"]!.value, CONTROL_CORES, 1e-9);
    expect(linkerd["control-plane-memory"]!.value).toBe(CONTROL_BYTES);
    const cost = linkerd["usd-per-million-requests"]!;
    near(cost.value, LINKERD_USD_PER_MILLION[1], 1e-6);
    near(cost.lower_value, LINKERD_USD_PER_MILLION[0], 1e-6);
    near(cost.upper_value, LINKERD_USD_PER_MILLION[2], 1e-6);
    // Bare has no proxies and no control plane: those measures are absent, not 0.
    expect(Object.keys(bmf["smoke/bare"]!)).toEqual([
      "p50-latency",
      "p99-latency",
      "p999-latency",
      "throughput",
    ]);
  });
});

describe("export --mesh", () => {
  it("keeps the chosen mesh's cost over the bare beside it", async () => {
    const outcome = await meshbench(["export", dir, "--format", "bencher", "--mesh", "linkerd"]);
    expect(outcome.code).toBe(0);
    const bmf = JSON.parse(outcome.stdout) as Record<string, Record<string, { value: number }>>;
    expect(Object.keys(bmf)).toEqual(["smoke/linkerd"]);
    near(
      bmf["smoke/linkerd"]!["usd-per-million-requests"]!.value,
      LINKERD_USD_PER_MILLION[1],
      1e-6,
    );
  });
});

describe("export --format customSmallerIsBetter / customBiggerIsBetter", () => {
  it("splits the measures by direction, latency in ms, each entry naming its range and runs", async () => {
    type Entry = { name: string; unit: string; value: number; range: string; extra: string };
    const smaller = (await exported("customSmallerIsBetter")) as Entry[];
    const bigger = (await exported("customBiggerIsBetter")) as Entry[];
    expect(bigger.map((e) => [e.name, e.unit])).toEqual([
      ["smoke/bare throughput", "rps"],
      ["smoke/linkerd throughput", "rps"],
    ]);
    expect(bigger[1]!.value).toBeCloseTo(RESPONSES / MEASURED_S, 9);
    expect(smaller.map((e) => `${e.name} [${e.unit}]`)).toEqual([
      "smoke/bare p50 latency [ms]",
      "smoke/bare p99 latency [ms]",
      "smoke/bare p999 latency [ms]",
      "smoke/linkerd p50 latency [ms]",
      "smoke/linkerd p99 latency [ms]",
      "smoke/linkerd p999 latency [ms]",
      "smoke/linkerd data plane (all proxies) CPU [cores]",
      "smoke/linkerd data plane (all proxies) memory [bytes]",
      "smoke/linkerd control plane CPU [cores]",
      "smoke/linkerd control plane memory [bytes]",
      "smoke/linkerd cost over bare [USD per million requests]",
    ]);
    const p99 = smaller.find((e) => e.name === "smoke/linkerd p99 latency")!;
    const ms = LINKERD_LO.map((lo) => percentileOf(lo, 0.99) / 1000);
    near(p99.value, ms[1]!, HDR);
    const [low, high] = p99.range.split(" – ").map(Number);
    near(low!, ms[0]!, HDR);
    near(high!, ms[2]!, HDR);
    expect(p99.extra).toBe("median of 3 runs; mesh version 2.16.0");
    const cpu = smaller.find((e) => e.name === "smoke/linkerd data plane (all proxies) CPU")!;
    expect(cpu.range).toBe(`${sum(PROXY_CORES[0]!)} – ${sum(PROXY_CORES[2]!)}`);
    const cost = smaller.find((e) => e.name === "smoke/linkerd cost over bare")!;
    near(cost.value, LINKERD_USD_PER_MILLION[1], 1e-5);
  });
});
