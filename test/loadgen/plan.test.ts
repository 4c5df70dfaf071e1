import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { socketHost } from "../../src/loadgen/engine.ts";
import { apportion, planConnections } from "../../src/loadgen/plan.ts";
import { intendedAt, periodMs } from "../../src/loadgen/schedule.ts";

describe("apportion", () => {
  it("gives every part at least one, sums to the total, and stays within one of the exact share", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 200 }),
        (weights, extra) => {
          const total = weights.length + extra;
          const parts = apportion(weights, total);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const exact = weights.map((w) => (w / sum) * total);
          for (const p of parts) expect(p).toBeGreaterThanOrEqual(1);
          // Where the minimum of one does not bind, it is plain largest remainder.
          if (exact.every((x) => x >= 1)) {
            for (const [i, p] of parts.entries()) expect(Math.abs(p - exact[i]!)).toBeLessThan(1);
          }
        },
      ),
    );
  });

  it("splits 64 connections over URL shares 2:1:1 as 32:16:16", () => {
    expect(apportion([2, 1, 1], 64)).toEqual([32, 16, 16]);
  });
});

describe("planConnections", () => {
  const urls = [
    "http://a:1/x",
    "http://a:1/y",
    "http://b:2/z",
    "http://c:3/p",
    "http://c:3/q",
    "http://c:3/r",
  ];

  it("keeps every connection on one host and gives each host exactly its share of the rate", () => {
    const plan = planConnections({ urls, rate: 600, connections: 10, workers: 3 });
    expect(plan).toHaveLength(10);
    const hostRate = new Map<string, number>();
    for (const c of plan) {
      for (const u of c.urls) expect(new URL(urls[u]!).origin).toBe(c.origin);
      hostRate.set(c.origin, (hostRate.get(c.origin) ?? 0) + 1000 / periodMs(c));
    }
    // Shares of the URL list: a 2/6, b 1/6, c 3/6 of 600 rps.
    expect(hostRate.get("http://a:1")).toBeCloseTo(200, 9);
    expect(hostRate.get("http://b:2")).toBeCloseTo(100, 9);
    expect(hostRate.get("http://c:3")).toBeCloseTo(300, 9);
  });

  it("sends every URL equally often: the mix over whole cycles is exact", () => {
    const plan = planConnections({ urls, rate: 600, connections: 10, workers: 1 });
    // Over 60 s, count each URL's sends from each connection's rate and path cycle.
    const perUrl = new Array(urls.length).fill(0);
    for (const c of plan) {
      const sends = (60_000 / periodMs(c)) | 0;
      for (let k = 0; k < sends; k++) perUrl[c.urls[k % c.urls.length]!]++;
    }
    for (const n of perUrl) expect(Math.abs(n - 6000)).toBeLessThanOrEqual(plan.length);
  });

  it("deals connections out so each worker carries an even share of the rate", () => {
    const plan = planConnections({
      urls: ["http://a:1/", "http://b:1/"],
      rate: 1000,
      connections: 64,
      workers: 4,
    });
    const rates = [0, 0, 0, 0];
    for (const c of plan) rates[c.worker]! += 1000 / periodMs(c);
    for (const r of rates) expect(r).toBeCloseTo(250, 6);
  });

  it("staggers a host's connections evenly over its period", () => {
    const plan = planConnections({ urls: ["http://a:1/"], rate: 100, connections: 4, workers: 1 });
    expect(plan.map((c) => intendedAt(0, c, 0))).toEqual([0, 10, 20, 30]);
    for (const c of plan) expect(periodMs(c)).toBe(40);
  });
});

describe("socketHost", () => {
  it("gives net.connect a bare address: IPv6 literals lose URL's brackets", () => {
    expect(socketHost(new URL("http://[::1]:8080/x"))).toBe("::1");
    expect(socketHost(new URL("http://127.0.0.1:80/"))).toBe("127.0.0.1");
    expect(socketHost(new URL("http://web-svc.emojivoto-1:80/"))).toBe("web-svc.emojivoto-1");
  });
});
