// Coordinated omission: a target that stalls once must show up as many slow requests.
import { afterEach, describe, expect, it } from "vitest";
import { countAtOrAbove, decodeHistogram } from "../../src/histogram/hdr.ts";
import { load } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("coordinated omission", () => {
  it("a stall of S seconds at R rps yields ≈ R·S/2 latencies ≥ S/2, not ≈ one per connection", async () => {
    const R = 200;
    const S = 1.0;
    const connections = 8;
    // The server holds every answer due in [stallFrom, stallFrom + S) until the stall ends.
    let stallFrom = Number.POSITIVE_INFINITY;
    server = await httpServer((_req, res) => {
      const now = performance.now();
      const answer = () => res.end("ok");
      if (now >= stallFrom && now < stallFrom + S * 1000)
        setTimeout(answer, stallFrom + S * 1000 - now);
      else answer();
    });
    const run = await load(
      {
        urls: [`${server.url}/`],
        rate: R,
        durationMs: 4000,
        warmupMs: 500,
        connections,
        timeoutMs: 3000,
      },
      { onStart: (startMs) => (stallFrom = startMs - performance.timeOrigin + 1500) },
    );
    const h = decodeHistogram(run.result.histogram);
    const atLeastHalf = countAtOrAbove(h, (S / 2) * 1e6);
    // Analytic: requests intended in [T, T+S) wait until T+S, so their latencies spread
    // uniformly over (0, S]; R·S/2 of them are ≥ S/2. A closed-loop tool would show ≈ C.
    expect(atLeastHalf).toBeGreaterThan(0.9 * ((R * S) / 2));
    expect(atLeastHalf).toBeLessThan(1.15 * ((R * S) / 2));
    expect(atLeastHalf).toBeGreaterThan(5 * connections);
    // The stall is in the max, and nothing was lost: every slot still got its answer.
    expect(run.result.latencyUs.p100).toBeGreaterThan(0.9 * S * 1e6);
    expect(run.result.achieved.requests).toBe(R * 3.5);
  });
});
