// A history line for tests: scenario `smoke`, two meshes, the p99 given; run `runId` is
// dated runId days after 2026-11-01 unless `at` says otherwise.
import { HISTORY_SCHEMA, type HistoryEntry } from "../../src/github/history-format.ts";

export function historyEntry(
  runId: number,
  p99: number,
  at = new Date(Date.UTC(2026, 10, 1) + runId * 86_400_000),
): HistoryEntry {
  return {
    schema: HISTORY_SCHEMA,
    at: at.toISOString(),
    scenario: "smoke",
    run: {
      id: runId,
      url: `https://github.com/acme/shop/actions/runs/${runId}`,
      sha: "a".repeat(40),
      ref: "refs/heads/main",
      event: "schedule",
    },
    meshes: {
      linkerd: {
        achievedRate: 600,
        latencyUs: { p50: 800, p99 },
        dataPlaneMemoryBytes: 20e6,
        controlPlaneMemoryBytes: 90e6,
      },
      istio: {
        achievedRate: 598,
        latencyUs: { p50: 900, p99: p99 * 2 },
        dataPlaneMemoryBytes: 50e6,
        controlPlaneMemoryBytes: null,
      },
    },
  };
}
