// K workers and one worker must measure the same thing: their histograms are added.
import { afterEach, describe, expect, it } from "vitest";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("workers", () => {
  it("three workers and one produce the same counts and, within noise, the same latencies", async () => {
    // A fixed 3 ms service time dominates the latency, so both runs should read ≈ 3 ms.
    server = await httpServer((_req, res) => setTimeout(() => res.end("ok"), 3));
    const options = {
      urls: [`${server.url}/`],
      rate: 600,
      durationMs: 2500,
      warmupMs: 500,
      connections: 24,
    };
    const one = (await load({ ...options, workers: 1 })).result;
    const three = (await load({ ...options, workers: 3 })).result;

    const expected = 600 * 2;
    for (const r of [one, three]) {
      expect(Math.abs(r.achieved.requests - expected)).toBeLessThanOrEqual(expected * 0.01);
      // Service time 3 ms (+ timer slack ≤ ~2 ms): the median is near 3–5 ms in both.
      expect(r.latencyUs.p50).toBeGreaterThan(3000);
      expect(r.latencyUs.p50).toBeLessThan(6000);
    }
    expect(three.target.workers).toBe(3);
    expect(Math.abs(one.latencyUs.p50 - three.latencyUs.p50)).toBeLessThan(1000);
    expect(Math.abs(one.latencyUs.p90 - three.latencyUs.p90)).toBeLessThan(1500);
  });
});
