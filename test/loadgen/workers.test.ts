// K workers and one worker must measure the same thing: their histograms are added.
import { afterEach, describe, expect, it } from "vitest";
import {
  load,
  measuredResponseBounds,
  slotsAccountedFor,
  watchLoopDelay,
} from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("workers", () => {
  it("three workers and one produce the same counts and, within noise, the same latencies", async () => {
    // A fixed 3 ms service time dominates the latency, so both runs should read ≈ 3 ms.
    // The server notes how long it really held each answer (longer when its timer is late).
    let holds: number[] = [];
    server = await httpServer((_req, res) => {
      const at = performance.now();
      setTimeout(() => {
        holds.push(performance.now() - at);
        res.end("ok");
      }, 3);
    });
    const options = {
      urls: [`${server.url}/`],
      rate: 600,
      durationMs: 2500,
      warmupMs: 500,
      connections: 24,
    };
    const measure = async (workers: number) => {
      holds = [];
      const serverDelay = watchLoopDelay();
      const { result } = await load({ ...options, workers });
      return { r: result, holds: holds.sort((x, y) => x - y), serverDelayMs: serverDelay.stop() };
    };
    const one = await measure(1);
    const three = await measure(3);
    type Measured = typeof one;
    const holdUs = (m: Measured, q: number) =>
      m.holds[Math.floor(q * (m.holds.length - 1))]! * 1000;
    // What the machine added to a run beyond the 3 ms hold, as measured: the hold's overrun
    // and the send lateness at a quantile (p75, or p99 for p95), and the longest either
    // side was kept from running. A few hundred µs on an idle machine.
    const addedUs = (m: Measured, q: 0.75 | 0.95) =>
      holdUs(m, q) -
      3000 +
      (q === 0.75 ? m.r.latenessUs!.p75 : m.r.latenessUs!.p99) +
      m.r.instrument!.loopDelayMaxUs +
      m.serverDelayMs * 1000;

    const expected = 600 * 2;
    for (const m of [one, three]) {
      const r = m.r;
      expect(slotsAccountedFor(r)).toBe(600 * 2.5);
      const { min, max } = measuredResponseBounds(r, options);
      expect(r.achieved.requests).toBeGreaterThanOrEqual(Math.min(min, expected * 0.99));
      expect(r.achieved.requests).toBeLessThanOrEqual(Math.max(max, expected * 1.01));
      // Service time 3 ms (+ timer slack ≤ ~2 ms): the median is near 3–5 ms. Each latency
      // is at least its hold and at most the hold plus what the machine added, so the
      // median lies below 3 ms + addedUs(p75) (P(A+B > a+b) ≤ P(A > a) + P(B > b)).
      expect(r.latencyUs.p50).toBeGreaterThan(3000);
      expect(r.latencyUs.p50).toBeLessThan(Math.max(6000, 3000 + addedUs(m, 0.75)));
    }
    expect(three.r.target.workers).toBe(3);
    // The two runs agree within 1 ms (p50) and 1.5 ms (p90), or within what the machine
    // added to either of them.
    expect(Math.abs(one.r.latencyUs.p50 - three.r.latencyUs.p50)).toBeLessThan(
      Math.max(1000, addedUs(one, 0.75), addedUs(three, 0.75)),
    );
    expect(Math.abs(one.r.latencyUs.p90 - three.r.latencyUs.p90)).toBeLessThan(
      Math.max(1500, addedUs(one, 0.95), addedUs(three, 0.95)),
    );
  });
});
