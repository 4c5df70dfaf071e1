// What main records for post on a given cluster: a run's id (as its labels carry it) from
// before anything is created until its cleanup succeeded.
import { describe, expect, it } from "vitest";
import { recordClusterRuns } from "../../src/action/cluster-runs.ts";
import type { Platform } from "../../src/platform/types.ts";

function platform(cleanupFails: () => boolean) {
  const calls: string[] = [];
  const p = {
    prepare: async ({ runId }: { runId: string }) => {
      calls.push(`prepare ${runId}`);
    },
    cleanup: async () => {
      calls.push("cleanup");
      if (cleanupFails()) throw new Error("cleanup left something behind");
    },
  } as unknown as Platform;
  return { p, calls };
}

describe("recordClusterRuns", () => {
  it("records each run before it prepares and forgets it once cleaned up", async () => {
    const { p, calls } = platform(() => false);
    const saved: string[][] = [];
    recordClusterRuns(p, (ids) => saved.push(ids));
    await p.prepare({ runId: "smoke-1-mf3k2" });
    expect(saved).toEqual([["smoke-1-mf3k2"]]);
    await p.cleanup();
    expect(saved.at(-1)).toEqual([]);
    expect(calls).toEqual(["prepare smoke-1-mf3k2", "cleanup"]);
  });

  it("keeps a run whose cleanup failed, and gives the id the cluster's labels carry", async () => {
    let fail = true;
    const { p } = platform(() => fail);
    const saved: string[][] = [];
    recordClusterRuns(p, (ids) => saved.push(ids));
    await p.prepare({ runId: "Smoke_Test-1-x" });
    await expect(p.cleanup()).rejects.toThrow(/left something behind/);
    fail = false;
    await p.prepare({ runId: "smoke-2-y" });
    await p.cleanup();
    const [first] = saved[0]!;
    expect(first).toMatch(/^smoke-test-1-x-[0-9a-f]{6}$/);
    expect(saved.at(-1)).toEqual([first]);
  });
});
