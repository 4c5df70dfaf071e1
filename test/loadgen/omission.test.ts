// Coordinated omission: a target that stalls once must show up as many slow requests.
import { afterEach, describe, expect, it } from "vitest";
import { countAtOrAbove, decodeHistogram } from "../../src/histogram/hdr.ts";
import { load, slotsAccountedFor, watchLoopDelay } from "../helpers/loadgen.ts";
import { httpServer, type TestServer } from "../helpers/servers.ts";

let server: TestServer;
afterEach(() => server?.close());

describe("coordinated omission", () => {
  it("a stall of S seconds at R rps yields ≈ R·S/2 latencies ≥ S/2, not ≈ one per connection", async () => {
    const R = 200;
    const S = 1.0;
    const connections = 8;
    // The server holds every answer due in [stallFrom, stallFrom + S) until the stall ends,
    // and notes when it really let the last one go (later than planned on a busy machine).
    let stallFrom = Number.POSITIVE_INFINITY;
    let releasedAt = Number.NEGATIVE_INFINITY;
    server = await httpServer((_req, res) => {
      const now = performance.now();
      if (now >= stallFrom && now < stallFrom + S * 1000)
        setTimeout(
          () => {
            releasedAt = Math.max(releasedAt, performance.now());
            res.end("ok");
          },
          stallFrom + S * 1000 - now,
        );
      else res.end("ok");
    });
    const serverDelay = watchLoopDelay();
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
    const stalledMs = releasedAt - stallFrom; // S·1000 on an idle machine
    // How long either side was kept from running at most (both event loops' delays, and
    // the samplers' resolution and the histograms' bucket width).
    const busyMs = serverDelay.stop() + run.result.instrument!.loopDelayMaxUs / 1000 + 12;
    const h = decodeHistogram(run.result.histogram);
    const atLeastHalf = countAtOrAbove(h, (S / 2) * 1e6);
    // Analytic: requests intended in [T, T+S) wait until T+S, so their latencies spread
    // uniformly over (0, S]; R·S/2 of them are ≥ S/2. A closed-loop tool would show ≈ C.
    // Every slot intended in the first half of the stall waits at least S/2 however late
    // it is sent (held until the stall ends, or sent after it): a floor no scheduling can
    // lower.
    expect(atLeastHalf).toBeGreaterThanOrEqual((R * S) / 2 - 2);
    // No more than the stall as it really lasted (the server's last release, later than
    // planned when its timer is late) explains, +15 %. On a machine busy enough to keep
    // either side from running, more latencies are ≥ S/2, and truly so: then each is one
    // the load generator sent late by S/2 − busyMs or more (its own lateness, measured),
    // or one of the ≤ C requests the server held (one per connection).
    const stallShare = (1.15 * R * (stalledMs - (S * 1000) / 2)) / 1000;
    const lateness = decodeHistogram(run.result.latenessHistogram!);
    const sentLate = countAtOrAbove(lateness, ((S * 1000) / 2 - busyMs) * 1000);
    expect(atLeastHalf).toBeLessThanOrEqual(Math.max(stallShare, sentLate + connections));
    expect(atLeastHalf).toBeGreaterThan(5 * connections);
    // The stall is in the max, and nothing was lost: every slot answered or, on a machine
    // too busy to keep up, reported unsent.
    expect(run.result.latencyUs.p100).toBeGreaterThan(0.9 * S * 1e6);
    expect(slotsAccountedFor(run.result)).toBe(R * 4);
    const a = run.result.achieved;
    expect(a.sent + a.unsent).toBeGreaterThanOrEqual(R * 3.5);
  });
});
