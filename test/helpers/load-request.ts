// The load request the local platform's tests hand to runLoad: light, on /api/list, with
// one worker and 1 s intervals; each case gives what it varies.
import type { LoadRequest } from "../../src/platform/types.ts";

export function loadRequest(over: Partial<LoadRequest> & Pick<LoadRequest, "outDir">): LoadRequest {
  return {
    rate: 50,
    durationMs: 60_000,
    warmupMs: 1000,
    connections: 2,
    workers: 1,
    timeoutMs: 5000,
    intervalMs: 1000,
    pacing: "efficient",
    paths: ["/api/list"],
    resourceIntervalMs: 1000,
    ...over,
  };
}
