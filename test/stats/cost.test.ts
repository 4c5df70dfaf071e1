// The cost in money, worked by hand: resources added over bare at the measured rate, per
// 1,000 rps, priced per vCPU-hour and GiB-hour.
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, HOURS_PER_MONTH, meshCosts } from "../../src/stats/cost.ts";
import type { Overhead } from "../../src/stats/overhead.ts";

const GIB = 2 ** 30;
const added = (value: number) => ({ added: value, withinNoise: false });

// A mesh measured at 2,000 rps adding 0.5 cores and 1 GiB in its proxies, 0.1 cores and
// 0.5 GiB in its control plane.
const overhead: Overhead = {
  notComparable: [],
  meshes: [
    {
      label: "istio 1.25.0",
      atRps: 2000,
      latency: {},
      resources: {
        "cpu.dataPlane": added(0.5),
        "memory.dataPlane": added(1 * GIB),
        "cpu.controlPlane": added(0.1),
        "memory.controlPlane": added(0.5 * GIB),
      },
    },
  ],
};

describe("meshCosts", () => {
  const [cost] = meshCosts(overhead, { prices: DEFAULT_PRICES, trafficRps: 5000 });

  it("divides what the mesh adds by the rate it was measured at, per 1,000 rps", () => {
    expect(cost!.dataPlane.vcpuPer1kRps).toBeCloseTo(0.25, 12);
    expect(cost!.dataPlane.gibPer1kRps).toBeCloseTo(0.5, 12);
    expect(cost!.controlPlane.vcpuPer1kRps).toBeCloseTo(0.05, 12);
    expect(cost!.controlPlane.gibPer1kRps).toBeCloseTo(0.25, 12);
  });

  it("prices it: dollars per million requests and per month at the stated traffic", () => {
    // An hour at 2,000 rps: 0.6 vCPU × $0.031611 + 1.5 GiB × $0.004237 = $0.0253221 for
    // 7.2 million requests, $0.00351696 per million; at 5,000 rps for 730 hours,
    // $0.0253221 × 2.5 × 730 = $46.2128.
    expect(cost!.usdPerMillion).toBeCloseTo(0.0253221 / 7.2, 9);
    expect(cost!.usdPerMonth).toBeCloseTo(46.212833, 5);
    expect(HOURS_PER_MONTH).toBe(730);
  });

  it("gives no monthly figure without a traffic, and prices what the user sets", () => {
    const [c] = meshCosts(overhead, {
      prices: { vcpuHour: 1, gibHour: 0, source: "test" },
    });
    expect(c!.usdPerMonth).toBeNull();
    // 0.3 vCPU per 1,000 rps at $1 per vCPU-hour: $0.30 per 3.6 million requests.
    expect(c!.usdPerMillion).toBeCloseTo(0.3 / 3.6, 12);
  });

  it("leaves out a figure not measured, and a mesh with none, rather than calling it free", () => {
    const partial: Overhead = {
      notComparable: [],
      meshes: [
        { ...overhead.meshes[0]!, resources: { "cpu.dataPlane": added(0.5) } },
        { label: "no resources", atRps: 2000, latency: {}, resources: {} },
      ],
    };
    const costs = meshCosts(partial, { prices: DEFAULT_PRICES });
    expect(costs.map((c) => c.label)).toEqual(["istio 1.25.0"]);
    expect(costs[0]!.dataPlane.gibPer1kRps).toBeNull();
    expect(costs[0]!.controlPlane.vcpuPer1kRps).toBeNull();
    expect(meshCosts(null, { prices: DEFAULT_PRICES })).toEqual([]);
  });

  it("cites where the default prices come from", () => {
    expect(DEFAULT_PRICES).toMatchObject({ vcpuHour: 0.031611, gibHour: 0.004237 });
    expect(DEFAULT_PRICES.source).toMatch(/OpenCost.*GCP us-central1.*configs\/default\.json/);
  });
});
